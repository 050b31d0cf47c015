"""Upsert Prospect's Import API path against the emulator: rows, per-event fallbacks, error rows, restarts."""

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest

from destinations.pardot.emulator import (
    DEFAULT_ACCESS_TOKEN,
    DEFAULT_BUSINESS_UNIT,
    DEFAULT_REFRESH_TOKEN,
    PardotEmulator,
)
from destinations.pardot.import_batch import MAX_BATCHES, csv_batches, why_per_event
from framework.errors import Resolution
from framework.instance import DestinationInstance, SubscriptionStatus
from framework.runtime import PendingBatch, Pipeline, poll_batch, run_batch
from framework.testing import create_test_event

MOMENT = datetime(2026, 1, 1, tzinfo=UTC)
MAPPING = {
    "email": {"@path": "$.traits.email"},
    "firstName": {"@path": "$.traits.first_name"},
    "lastName": {"@path": "$.traits.last_name"},
    "secondaryDeletedSearch": True,
    "customFields": {"@path": "$.traits.custom"},
}


@pytest.fixture
def emulators() -> Iterator[tuple[PardotEmulator, PardotEmulator]]:
    with (
        PardotEmulator(custom_fields=["Tier__c"], clock=lambda: MOMENT) as batched,
        PardotEmulator(custom_fields=["Tier__c"], clock=lambda: MOMENT) as per_event,
    ):
        yield batched, per_event


def instance_for(
    emulator: PardotEmulator, *, batching: bool = True, usage: bool = False, batch_size: int | None = None
) -> DestinationInstance:
    sizing = {} if batch_size is None else {"batch_size": batch_size}
    subscription = {
        "name": "prospects",
        "subscribe": 'type = "identify"',
        "partnerAction": "prospects",
        "mapping": {**MAPPING, "enable_batching": batching, **sizing},
    }
    settings = {
        "businessUnitID": DEFAULT_BUSINESS_UNIT,
        "accountID": "1",
        "returnApiUsage": usage,
        "subscriptions": [subscription],
        "oauth": {"access_token": DEFAULT_ACCESS_TOKEN, "refresh_token": DEFAULT_REFRESH_TOKEN},
    }
    return DestinationInstance.from_settings(settings, endpoint=emulator.base_url)


def pipeline_of(instance: DestinationInstance) -> Pipeline:
    return Pipeline(
        instance.definition,
        instance.settings,
        instance.subscriptions,
        instance.credentials,
        session=instance.session,
        endpoint=instance.endpoint,
    )


def identify(email: str, **traits: Any) -> dict[str, Any]:
    return create_test_event(type="identify", traits={"email": email, **traits})


EVENTS = [
    identify("ann@example.com", first_name="Ann", custom={"Tier__c": "gold"}),
    identify("bob@example.com", first_name="Bob", custom={"Nope__c": "x"}),  # an unknown field: an error row
    identify("ann@example.com", last_name="Lee"),  # merged into Ann's row
    identify("cy@example.com", first_name="Cy"),
    identify("cy@example.com", custom={"email": "cyrus@example.com"}),  # an email change: per event, with Cy's first
    identify("dee@example.com", first_name="Dee", custom={"Tier__c": None}),  # clears a field: per event
    identify("eve@example.com", first_name="Eve"),
]


def people(emulator: PardotEmulator) -> dict[str, dict[str, Any]]:
    """Prospects by email, without the id (creation order differs between the two paths)."""
    return {p["email"]: {k: v for k, v in p.items() if k != "id"} for p in emulator.prospects()}


def poll_until_done(pipeline: Pipeline, pending: PendingBatch) -> Any:
    for _ in range(10):
        polled = poll_batch(pipeline, pipeline.subscriptions[0], pending)
        if polled.done:
            return polled
    raise AssertionError("the import never completed")


def test_the_import_path_leaves_the_same_prospects_as_per_event_upserts(
    emulators: tuple[PardotEmulator, PardotEmulator],
) -> None:
    batched, per_event = emulators
    with instance_for(per_event, batching=False) as one_by_one:
        for event in EVENTS:
            one_by_one.send(event)
    with instance_for(batched) as instance:
        pipeline = pipeline_of(instance)
        run = run_batch(pipeline, pipeline.subscriptions[0], EVENTS)
        assert run.pending is not None and all(result is None for result in run.results)
        assert {p["email"] for p in batched.prospects()} == {"cyrus@example.com", "dee@example.com"}  # per event now
        calls_before_polls = batched.quota_used()
        polled = poll_until_done(pipeline, run.pending)
    assert people(batched) == people(per_event)
    statuses = {position: result.status for position, result in polled.results.items()}
    assert statuses == {
        0: SubscriptionStatus.DELIVERED,
        1: SubscriptionStatus.FAILED,
        2: SubscriptionStatus.DELIVERED,
        3: SubscriptionStatus.DELIVERED,
        4: SubscriptionStatus.DELIVERED,
        5: SubscriptionStatus.DELIVERED,
        6: SubscriptionStatus.DELIVERED,
    }
    bob = polled.results[1]
    assert bob.resolution is Resolution.TERMINAL and "180" in bob.reason and bob.error_code == "IMPORT_ROW_ERROR"
    # 3 per-event upserts (Cy twice, Dee) + create, one CSV batch, submit: 6 calls for 7 events, then the polls.
    assert calls_before_polls == 6
    assert batched.quota_used() - calls_before_polls == 2 + 1  # Waiting → Processing → Complete, then the errors file


def test_a_pending_import_is_polled_to_the_end_after_a_restart(
    emulators: tuple[PardotEmulator, PardotEmulator],
) -> None:
    batched, _ = emulators
    with instance_for(batched) as instance:
        pipeline = pipeline_of(instance)
        run = run_batch(pipeline, pipeline.subscriptions[0], EVENTS[:3])
        assert run.pending is not None
        stored = json.dumps(run.pending.to_dict())
    with instance_for(batched) as restarted:
        pipeline = pipeline_of(restarted)
        polled = poll_until_done(pipeline, PendingBatch.from_dict(json.loads(stored)))
    assert [polled.results[i].status for i in range(3)] == [
        SubscriptionStatus.DELIVERED,
        SubscriptionStatus.FAILED,
        SubscriptionStatus.DELIVERED,
    ]
    assert people(batched)["ann@example.com"]["lastName"] == "Lee"


def test_a_failed_import_creation_fails_its_items_with_the_errors_resolution(
    emulators: tuple[PardotEmulator, PardotEmulator],
) -> None:
    batched, _ = emulators
    with instance_for(batched) as instance:
        pipeline = pipeline_of(instance)
        batched.inject("status", status=503, count=1)  # the import's creation is the first call
        run = run_batch(pipeline, pipeline.subscriptions[0], [EVENTS[6], EVENTS[3]])
    assert run.pending is None and None not in run.results
    assert [(r.status, r.resolution, r.http_status) for r in run.results if r is not None] == [
        (SubscriptionStatus.FAILED, Resolution.RETRY, 503)
    ] * 2


def test_a_per_event_failure_is_kept_in_the_reference_until_the_import_is_done(
    emulators: tuple[PardotEmulator, PardotEmulator],
) -> None:
    batched, _ = emulators
    with instance_for(batched) as instance:
        pipeline = pipeline_of(instance)
        batched.inject("status", status=503, count=1)  # Dee's per-event upsert goes first, and fails
        run = run_batch(pipeline, pipeline.subscriptions[0], [EVENTS[5], EVENTS[6]])
        assert run.pending is not None
        polled = poll_until_done(pipeline, PendingBatch.from_dict(json.loads(json.dumps(run.pending.to_dict()))))
    dee, eve = polled.results[0], polled.results[1]
    assert (dee.status, dee.resolution, dee.http_status) == (SubscriptionStatus.FAILED, Resolution.RETRY, 503)
    assert eve.status is SubscriptionStatus.DELIVERED and list(people(batched)) == ["eve@example.com"]


def test_api_usage_is_asked_for_only_when_the_instance_opts_in(
    emulators: tuple[PardotEmulator, PardotEmulator],
) -> None:
    batched, _ = emulators
    with instance_for(batched, batching=False) as plain, instance_for(batched, batching=False, usage=True) as paced:
        [quiet] = plain.send(EVENTS[6])
        [told] = paced.send(EVENTS[3])
    assert "X-Return-Api-Usage" not in batched.requests()[0].headers
    assert batched.requests()[1].headers["X-Return-Api-Usage"] == "1"
    assert "apiUsage" not in quiet.output
    assert told.output["apiUsage"] == {"used": 2, "limit": 100_000, "remaining": 99_998}


@pytest.mark.parametrize(
    ("payload", "reason"),
    [
        ({"email": "a@x.com", "customFields": {"email": "b@x.com"}}, "changes the prospect's email"),
        ({"email": "a@x.com", "firstName": None}, "'firstName' is null"),
        ({"email": "a@x.com", "customFields": {"Tier__c": ""}}, "'Tier__c' is \"\""),
        ({"email": "a@x.com", "customFields": {"Score__c": 5}}, "'Score__c' is 5"),
        ({"email": "a@x.com", "firstName": "Ann", "customFields": {"Tier__c": "gold"}}, None),
    ],
)
def test_what_a_csv_row_cannot_carry_goes_per_event(payload: dict[str, Any], reason: str | None) -> None:
    why = why_per_event({"secondaryDeletedSearch": True, **payload})
    assert why == reason if reason is None else why is not None and reason in why


def test_csv_batches_stay_under_pardots_limits(monkeypatch: pytest.MonkeyPatch) -> None:
    import destinations.pardot.import_batch as import_batch

    monkeypatch.setattr(import_batch, "MAX_CSV_BYTES", 100)
    rows = [{"email": f"person{i:02d}@example.com", "firstName": 'A, "quoted"'} for i in range(40)]
    batches, overflow = csv_batches(rows)
    assert len(batches) == MAX_BATCHES and all(len(b.encode()) <= 100 for b in batches)
    assert all(b.startswith("email,firstName\n") for b in batches)
    kept = sum(b.count("\n") - 1 for b in batches)
    assert kept + len(overflow) == 40 and overflow == list(range(kept, 40))


def test_an_email_change_is_not_sent_after_a_failed_earlier_update_of_that_prospect(
    emulators: tuple[PardotEmulator, PardotEmulator],
) -> None:
    """Issue 16.3: the change went through, then the retried update made a second prospect at the old address."""
    batched, per_event = emulators
    cy, change = (
        identify("cy@example.com", first_name="Cy"),
        identify("cy@example.com", custom={"email": "cyrus@example.com"}),
    )
    with instance_for(per_event, batching=False) as one_by_one:
        one_by_one.send(cy)
        one_by_one.send(change)
    with instance_for(batched) as instance:
        pipeline = pipeline_of(instance)
        batched.inject("status", status=503, count=1)  # Cy's first upsert fails
        run = run_batch(pipeline, pipeline.subscriptions[0], [cy, change])
        assert run.pending is None
        assert [(r.status, r.resolution, r.tried) for r in run.results if r is not None] == [
            (SubscriptionStatus.FAILED, Resolution.RETRY, True),
            (SubscriptionStatus.FAILED, Resolution.RETRY, False),  # held: the queue hands it back untried
        ]
        assert batched.prospects() == []  # the change waits behind the failed update, as per event
        retried = run_batch(pipeline, pipeline.subscriptions[0], [cy, change])  # what the queue does next
        assert retried.pending is None
    assert people(batched) == people(per_event)
    assert people(batched)["cyrus@example.com"]["firstName"] == "Cy"


def test_an_item_held_in_an_import_batch_is_still_not_tried_when_the_import_is_polled(
    emulators: tuple[PardotEmulator, PardotEmulator],
) -> None:
    """The held item's status waits in the import's reference until the poll; it must stay "not tried"."""
    batched, _ = emulators
    cy, change, eve = (
        identify("cy@example.com", first_name="Cy"),
        identify("cy@example.com", custom={"email": "cyrus@example.com"}),
        identify("eve@example.com", first_name="Eve"),  # an import row
    )
    with instance_for(batched) as instance:
        pipeline = pipeline_of(instance)
        batched.inject("status", status=503, count=1)  # Cy's first upsert fails
        run = run_batch(pipeline, pipeline.subscriptions[0], [cy, change, eve])
        assert run.pending is not None
        polled = poll_until_done(pipeline, run.pending)
    first, held, imported = (polled.results[i] for i in range(3))
    assert (first.resolution, first.tried) == (Resolution.RETRY, True)
    assert (held.resolution, held.tried, held.error_code) == (Resolution.RETRY, False, "HELD_BEHIND_FAILURE")
    assert imported.status is SubscriptionStatus.DELIVERED
    assert {p["email"] for p in batched.prospects()} == {"eve@example.com"}
