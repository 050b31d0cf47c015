"""run_batch / poll_batch / batch_groups: one result per event, each by its own item, Segment's semantics."""

import json
from collections.abc import Sequence
from typing import Any

import pytest

from framework.definition import ActionDefinition, Authentication, DestinationDefinition, InputField
from framework.errors import APIError, Resolution
from framework.instance import DestinationInstance, SubscriptionStatus
from framework.runtime import (
    AsyncBatch,
    ItemError,
    ItemNotTried,
    MultiStatusResponse,
    PendingBatch,
    Pipeline,
    StillRunning,
    SubscriptionResult,
    batch_groups,
    batching_config,
    poll_batch,
    run_batch,
)
from framework.testing import MockRouter, create_test_event

API = "https://api.batch.test"


def settled(results: Sequence[SubscriptionResult | None]) -> list[SubscriptionResult]:
    """The results of a batch run that settled every item (none left to an async job)."""
    assert all(result is not None for result in results), results
    return [result for result in results if result is not None]


def _perform_batch(request: Any, data: Any) -> MultiStatusResponse:
    """Posts the list; the API answers one {ok, error} per row, as many batch APIs do."""
    rows = request.post(f"{API}/contacts/batch", json=data.payload).data["rows"]
    statuses = MultiStatusResponse()
    for payload, row in zip(data.payload, rows, strict=False):
        if row.get("ok"):
            statuses.push_success(200, sent=payload, body=row)
        else:
            statuses.push_error(row["status"], row["error"], sent=payload, body=row)
    return statuses


def _perform_async(request: Any, data: Any) -> AsyncBatch:
    job = request.post(f"{API}/jobs", json=data.payload).data
    return AsyncBatch(ref={"job": job["id"]}, items=len(data.payload))


def _poll(request: Any, data: Any, ref: dict[str, Any]) -> Any:
    job = request.get(f"{API}/jobs/{ref['job']}").data
    if job["state"] != "done":
        return StillRunning(job["state"])
    statuses = MultiStatusResponse()
    for row in job["rows"]:
        if row.get("ok"):
            statuses.push_success(200, body=row)
        else:
            statuses.push_error(row["status"], row["error"])
    return statuses


def definition(perform_batch: Any = _perform_batch, poll: Any = None) -> DestinationDefinition:
    fields = {
        "email": InputField(
            label="Email",
            description="Who.",
            type="string",
            format="email",
            required=True,
            default={"@path": "$.traits.email"},
        ),
        "plan": InputField(label="Plan", description="Plan.", type="string", default={"@path": "$.traits.plan"}),
        "enable_batching": InputField(label="Batch", description="Send in batches.", type="boolean", default=False),
        "batch_size": InputField(label="Batch size", description="At most.", type="number", default=100),
        "batch_keys": InputField(
            label="Batch keys", description="Split by.", type="string", multiple=True, default=["plan"]
        ),
    }
    action = ActionDefinition(
        title="Upsert Contact",
        fields=fields,
        perform=lambda request, data: None,
        perform_batch=perform_batch,
        poll=poll,
    )
    refresh = lambda request, data: {"access_token": "fresh"}  # noqa: E731
    return DestinationDefinition(
        name="Batchy",
        slug="actions-batchy",
        actions={"contacts": action},
        authentication=Authentication(scheme="oauth2", fields={}, refresh_access_token=refresh),
        extend_request=lambda data: {"headers": {"Authorization": f"Bearer {data.auth.access_token}"}},
    )


def pipeline_for(router: MockRouter, mapping: dict[str, Any] | None = None, **kwargs: Any) -> Pipeline:
    subscription = {
        "name": "contacts",
        "subscribe": 'type = "identify"',
        "partnerAction": "contacts",
        "mapping": {
            "email": {"@path": "$.traits.email"},
            "plan": {"@path": "$.traits.plan"},
            "enable_batching": True,
            **(mapping or {}),
        },
    }
    settings = {"subscriptions": [subscription], "oauth": {"access_token": "old", "refresh_token": "r"}}
    instance = DestinationInstance.from_settings(settings, definition(**kwargs), session=router.session())
    return Pipeline(
        instance.definition, instance.settings, instance.subscriptions, instance.credentials, session=instance.session
    )


def identify(email: str, plan: str = "pro") -> dict[str, Any]:
    return create_test_event(type="identify", traits={"email": email, "plan": plan})


def test_one_bad_row_among_good_ones_fails_alone_and_invalid_events_never_reach_the_batch() -> None:
    rows = [
        {"ok": True, "id": 1},
        {"ok": False, "status": 400, "error": "email is on a block list"},
        {"ok": True, "id": 3},
    ]
    router = MockRouter().add("POST", f"{API}/contacts/batch", json={"rows": rows})
    pipeline = pipeline_for(router)
    events = [
        identify("a@x.com"),
        identify("not an email"),
        identify("b@x.com"),
        create_test_event(type="track"),
        identify("c@x.com"),
    ]
    run = run_batch(pipeline, pipeline.subscriptions[0], events)
    results = settled(run.results)
    statuses = [result.status for result in results]
    assert statuses == [
        SubscriptionStatus.DELIVERED,
        SubscriptionStatus.INVALID,
        SubscriptionStatus.FAILED,
        SubscriptionStatus.FILTERED,
        SubscriptionStatus.DELIVERED,
    ]
    assert [r.resolution for r in results] == [
        Resolution.SUCCESS,
        None,
        Resolution.TERMINAL,
        None,
        Resolution.SUCCESS,
    ]
    assert "email" in results[1].reason and results[1].error_code == "PAYLOAD_VALIDATION_FAILED"
    assert results[2].reason == "email is on a block list" and results[2].http_status == 400
    assert [p["email"] for p in router.requests[0].json()] == ["a@x.com", "b@x.com", "c@x.com"]
    assert results[4].output == {"ok": True, "id": 3} and run.pending is None


def test_a_raised_error_gives_every_item_its_resolution() -> None:
    def unavailable(request: Any, data: Any) -> None:
        raise APIError("Service Unavailable", 503)

    pipeline = pipeline_for(MockRouter(), perform_batch=unavailable)
    run = run_batch(pipeline, pipeline.subscriptions[0], [identify("a@x.com"), identify("b@x.com")])
    assert [(r.status, r.resolution, r.http_status) for r in settled(run.results)] == [
        (SubscriptionStatus.FAILED, Resolution.RETRY, 503)
    ] * 2


def test_a_refused_token_is_refreshed_once_and_the_batch_retried() -> None:
    rows = [{"ok": True}]
    router = (
        MockRouter()
        .add("POST", f"{API}/contacts/batch", status=401, json={}, times=1)
        .add("POST", f"{API}/contacts/batch", json={"rows": rows})
    )
    pipeline = pipeline_for(router)
    [result] = settled(run_batch(pipeline, pipeline.subscriptions[0], [identify("a@x.com")]).results)
    assert result.status is SubscriptionStatus.DELIVERED
    assert router.requests[-1].headers["Authorization"] == "Bearer fresh"


def test_a_multistatus_missing_items_fails_those_items_only() -> None:
    def short(request: Any, data: Any) -> MultiStatusResponse:
        statuses = MultiStatusResponse()
        statuses.push_success(201, sent=data.payload[0])
        return statuses

    pipeline = pipeline_for(MockRouter(), perform_batch=short)
    first, second = settled(
        run_batch(pipeline, pipeline.subscriptions[0], [identify("a@x.com"), identify("b@x.com")]).results
    )
    assert first.status is SubscriptionStatus.DELIVERED and first.http_status == 201
    assert second.status is SubscriptionStatus.FAILED and "missing a response" in second.reason


def test_batch_groups_split_by_batch_keys_then_by_batch_size() -> None:
    pipeline = pipeline_for(MockRouter(), mapping={"batch_size": 2, "batch_keys": ["plan"]})
    sub = pipeline.subscriptions[0]
    plans = ["pro", "free", "pro", "pro", "free", "pro"]
    events = [identify(f"u{i}@x.com", plan) for i, plan in enumerate(plans)]
    assert batching_config(sub).enabled and batching_config(sub).size == 2
    assert batch_groups(sub, events) == [[0, 2], [1, 4], [3, 5]]


def test_batching_is_off_unless_the_mapping_turns_it_on() -> None:
    pipeline = pipeline_for(MockRouter(), mapping={"enable_batching": False})
    config = batching_config(pipeline.subscriptions[0])
    assert not config.enabled and config.size == 1000 and config.keys == ()
    assert batch_groups(pipeline.subscriptions[0], [identify("a@x.com")] * 3) == [[0, 1, 2]]


def test_an_async_job_survives_a_restart_and_its_poll_settles_each_item() -> None:
    router = (
        MockRouter()
        .add("POST", f"{API}/jobs", json={"id": "j-1"})
        .add("GET", f"{API}/jobs/j-1", json={"state": "processing"}, times=1)
        .add(
            "GET",
            f"{API}/jobs/j-1",
            json={"state": "done", "rows": [{"ok": True}, {"ok": False, "status": 429, "error": "slow down"}]},
        )
    )
    pipeline = pipeline_for(router, perform_batch=_perform_async, poll=_poll)
    events = [identify("a@x.com"), identify("broken"), identify("b@x.com")]
    run = run_batch(pipeline, pipeline.subscriptions[0], events)
    invalid = run.results[1]
    assert run.results[0] is None and run.results[2] is None
    assert invalid is not None and invalid.status is SubscriptionStatus.INVALID
    assert run.pending is not None
    stored = json.dumps(run.pending.to_dict())

    restarted = pipeline_for(router, perform_batch=_perform_async, poll=_poll)  # everything rebuilt
    pending = PendingBatch.from_dict(json.loads(stored))
    first = poll_batch(restarted, restarted.subscriptions[0], pending)
    assert not first.done and first.detail == "processing" and first.results == {}
    second = poll_batch(restarted, restarted.subscriptions[0], pending)
    assert second.done and sorted(second.results) == [0, 2]
    assert second.results[0].status is SubscriptionStatus.DELIVERED
    assert (second.results[2].status, second.results[2].resolution) == (
        SubscriptionStatus.FAILED,
        Resolution.RATE_LIMITED,
    )


def test_an_async_ref_that_is_not_plain_json_is_refused_when_made() -> None:
    with pytest.raises(TypeError, match="plain JSON"):
        AsyncBatch(ref={"job": object()}, items=1)
    with pytest.raises(TypeError, match="round trip"):
        AsyncBatch(ref={"ids": (1, 2)}, items=1)


def test_a_poll_that_fails_transiently_keeps_the_job_pending() -> None:
    def flaky_poll(request: Any, data: Any, ref: dict[str, Any]) -> Any:
        raise APIError("Bad Gateway", 502)

    router = MockRouter().add("POST", f"{API}/jobs", json={"id": "j-2"})
    pipeline = pipeline_for(router, perform_batch=_perform_async, poll=flaky_poll)
    run = run_batch(pipeline, pipeline.subscriptions[0], [identify("a@x.com")])
    assert run.pending is not None
    polled = poll_batch(pipeline, pipeline.subscriptions[0], run.pending)
    assert not polled.done and "Bad Gateway" in polled.detail


def test_multistatus_nodes_have_segments_shape() -> None:
    statuses = MultiStatusResponse()
    statuses.push_success(200, sent={"a": 1}, body={"id": 1})
    statuses.push_error(429, "slow down")
    assert statuses.to_list() == [
        {"status": 200, "sent": {"a": 1}, "body": {"id": 1}},
        {"status": 429, "errortype": "TOO_MANY_REQUESTS", "errormessage": "slow down", "errorreporter": "INTEGRATIONS"},
    ]
    assert statuses[1].resolution is Resolution.RATE_LIMITED


def _hold_after_a_failure(request: Any, data: Any) -> MultiStatusResponse:
    """The first item fails; the later items are held back without a call (they must wait behind it)."""
    statuses = MultiStatusResponse()
    statuses.push_error(503, "busy", sent=data.payload[0])
    for payload in data.payload[1:]:
        statuses.push_not_tried("waits behind the first", errortype="HELD", sent=payload)
    return statuses


def test_an_item_held_back_without_a_call_is_a_retryable_failure_marked_not_tried() -> None:
    pipeline = pipeline_for(MockRouter(), perform_batch=_hold_after_a_failure)
    events = [identify("a@x.com"), identify("b@x.com"), identify("c@x.com")]
    first, *held = settled(run_batch(pipeline, pipeline.subscriptions[0], events).results)
    assert (first.status, first.resolution, first.tried) == (SubscriptionStatus.FAILED, Resolution.RETRY, True)
    assert [(r.status, r.resolution, r.tried, r.error_code) for r in held] == [
        (SubscriptionStatus.FAILED, Resolution.RETRY, False, "HELD")
    ] * 2
    assert held[0].reason == "waits behind the first" and held[0].payload["email"] == "b@x.com"


def test_a_batch_that_holds_back_every_item_gets_a_retryable_error_for_each_instead() -> None:
    """Handed back untried, they would come back held in the next batch for ever."""

    def hold_all(request: Any, data: Any) -> MultiStatusResponse:
        statuses = MultiStatusResponse()
        for payload in data.payload:
            statuses.push_not_tried("waits", sent=payload)
        return statuses

    pipeline = pipeline_for(MockRouter(), perform_batch=hold_all)
    results = settled(
        run_batch(pipeline, pipeline.subscriptions[0], [identify("a@x.com"), identify("b@x.com")]).results
    )
    assert [(r.resolution, r.tried, r.error_code) for r in results] == [(Resolution.RETRY, True, "NOTHING_TRIED")] * 2
    assert "none was tried" in results[0].reason


def test_a_not_tried_item_keeps_what_it_is_through_its_stored_node() -> None:
    """An async job stores its items' nodes (``to_dict``) and reads them back (``ItemError.from_dict``)."""
    statuses = MultiStatusResponse()
    statuses.push_not_tried("waits behind #1", errortype="HELD", sent={"email": "b@x.com"})
    node = statuses.to_list()[0]
    assert node == {
        "status": 503,
        "errortype": "HELD",
        "errormessage": "waits behind #1",
        "sent": {"email": "b@x.com"},
        "errorreporter": "DESTINATION",
        "tried": False,
    }
    assert ItemError.from_dict(node) == statuses[0] and isinstance(ItemError.from_dict(node), ItemNotTried)
    assert not isinstance(ItemError.from_dict({**node, "tried": True}), ItemNotTried)
