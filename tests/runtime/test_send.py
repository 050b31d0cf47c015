"""instance.send: one result per subscription, delivered / filtered / invalid / failed, never a crash."""

import json
import logging
from typing import Any

import pytest
import requests

from framework.auth import OAuthTokens
from framework.errors import Resolution
from framework.instance import DestinationInstance, SubscriptionStatus
from framework.runtime.results import MAX_RESULT_BODY, SubscriptionResult
from framework.testing import MockRouter, create_test_event
from framework.testing.sample import SAMPLE_API, SAMPLE_TOKEN_URL, build_sample_destination

CONTACTS = f"{SAMPLE_API}/contacts"
EVENTS = f"{SAMPLE_API}/events"
OAUTH = {"access_token": "AT-old-secret", "refresh_token": "RT-secret", "clientId": "CID", "clientSecret": "CS-secret"}
UPSERT = {
    "name": "Upsert contacts",
    "subscribe": 'type = "identify"',
    "partnerAction": "upsert_contact",
    "mapping": {"email": {"@path": "$.traits.email"}, "plan": {"@path": "$.traits.plan"}},
}
TRACK = {
    "name": "Track events",
    "subscribe": 'type = "track"',
    "partnerAction": "track_event",
    "mapping": {"name": {"@path": "$.event"}, "user_id": {"@path": "$.userId"}},
}


def make_instance(router: MockRouter, *subscriptions: dict[str, Any], **kwargs: Any) -> DestinationInstance:
    settings = {"accountId": "acc-1", "subscriptions": list(subscriptions or (UPSERT, TRACK)), "oauth": OAUTH}
    return DestinationInstance.from_settings(settings, build_sample_destination(), session=router.session(), **kwargs)


def identify(**traits: Any) -> dict[str, Any]:
    return create_test_event(type="identify", traits=traits or {"email": "ada@example.com", "plan": "pro"})


def test_a_matching_subscription_delivers_and_the_other_says_why_it_filtered() -> None:
    router = MockRouter().add("POST", CONTACTS, json={"id": 1})
    upsert, track = make_instance(router).send(identify())
    assert (upsert.subscription, upsert.action, upsert.status) == (
        "Upsert contacts",
        "upsert_contact",
        SubscriptionStatus.DELIVERED,
    )
    assert upsert.resolution is Resolution.SUCCESS and upsert.http_status == 200
    assert upsert.payload == {"email": "ada@example.com", "plan": "pro"}
    assert router.requests[0].json() == upsert.payload
    assert router.requests[0].headers["Authorization"] == "Bearer AT-old-secret"
    assert router.requests[0].headers["X-Account"] == "acc-1"
    assert len(upsert.exchanges) == 1 and upsert.exchanges[0].status == 200
    assert track.status is SubscriptionStatus.FILTERED and track.index == 1
    assert 'type = "track"' in track.reason and "identify" in track.reason
    assert track.exchanges == () and track.resolution is None


def test_a_payload_the_action_refuses_is_invalid_naming_the_field() -> None:
    router = MockRouter()
    [upsert] = make_instance(router, UPSERT).send(identify(plan="pro"))
    assert upsert.status is SubscriptionStatus.INVALID
    assert "email" in upsert.reason and "Upsert Contact" in upsert.reason
    assert upsert.payload == {"plan": "pro"} and router.requests == []


def test_a_destination_error_fails_with_its_code_status_and_resolution() -> None:
    router = MockRouter().add("POST", CONTACTS, status=400, json={"code": "BAD_EMAIL", "message": "Email is malformed"})
    [upsert] = make_instance(router, UPSERT).send(identify())
    assert upsert.status is SubscriptionStatus.FAILED
    assert (upsert.http_status, upsert.error_code, upsert.reason) == (400, "BAD_EMAIL", "Email is malformed")
    assert upsert.resolution is Resolution.TERMINAL and upsert.exchanges[0].status == 400


@pytest.mark.parametrize(
    "status, resolution",
    [(503, Resolution.RETRY), (429, Resolution.RATE_LIMITED), (501, Resolution.TERMINAL), (408, Resolution.RETRY)],
)
def test_resolutions_come_from_the_error(status: int, resolution: Resolution) -> None:
    router = MockRouter().add("POST", CONTACTS, status=status, json={})
    [upsert] = make_instance(router, UPSERT).send(identify())
    assert (upsert.status, upsert.resolution, upsert.http_status) == (SubscriptionStatus.FAILED, resolution, status)


def test_a_network_failure_is_retryable() -> None:
    router = MockRouter().add("POST", CONTACTS, error=requests.ConnectionError("connection refused"))
    [upsert] = make_instance(router, UPSERT).send(identify())
    assert upsert.status is SubscriptionStatus.FAILED and upsert.resolution is Resolution.RETRY


def test_a_bug_in_perform_is_a_terminal_failure_that_names_the_exception() -> None:
    definition = build_sample_destination()
    definition.actions["upsert_contact"].perform = lambda request, data: 1 / 0
    settings = {"accountId": "a", "subscriptions": [UPSERT], "oauth": OAUTH}
    [upsert] = DestinationInstance.from_settings(settings, definition).send(identify())
    assert upsert.status is SubscriptionStatus.FAILED and upsert.resolution is Resolution.TERMINAL
    assert upsert.reason == "ZeroDivisionError: division by zero"


@pytest.mark.parametrize(
    "event, reason",
    [
        ([1, 2], "the event should be a JSON object but it is an array."),
        ("identify", "the event should be a JSON object but it is a string."),
        ({"type": 5, "traits": {"email": "a@b.co"}}, "the event's type should be a string but it is a number."),
        ({"type": "identify", "traits": ["a@b.co"]}, "the event's traits should be an object but it is an array."),
    ],
)
def test_a_malformed_event_is_invalid_in_every_subscription(event: Any, reason: str) -> None:
    router = MockRouter()
    results = make_instance(router).send(event)
    assert [(r.status, r.reason) for r in results] == [(SubscriptionStatus.INVALID, reason)] * 2
    assert router.requests == []


def test_odd_values_inside_a_well_formed_event_do_not_crash() -> None:
    router = MockRouter().add("POST", CONTACTS, json={})
    event = {"type": "identify", "traits": {"email": {"nested": [1, None]}, "plan": float("nan")}}
    [upsert, track] = make_instance(router).send(event)
    assert upsert.status is SubscriptionStatus.INVALID and track.status is SubscriptionStatus.FILTERED


def test_disabled_subscriptions_do_not_run() -> None:
    router = MockRouter().add("POST", CONTACTS, json={})
    results = make_instance(router, {**UPSERT, "enabled": False}, TRACK).send(identify())
    assert [r.subscription for r in results] == ["Track events"]


def test_results_serialise_for_reports_without_secrets(caplog: pytest.LogCaptureFixture) -> None:
    router = MockRouter().add("POST", CONTACTS, json={"id": 1})
    with caplog.at_level(logging.DEBUG):
        results = make_instance(router).send(identify())
    report = json.dumps([r.to_dict() for r in results])
    assert [r["status"] for r in json.loads(report)] == ["delivered", "filtered"]
    text = report + caplog.text + repr(results)
    for secret in ("AT-old-secret", "RT-secret", "CS-secret"):
        assert secret not in text


def test_endpoint_sends_every_request_to_the_emulator_origin() -> None:
    router = MockRouter().add("POST", "http://127.0.0.1:8089/v1/contacts", json={})
    [upsert] = make_instance(router, UPSERT, endpoint="http://127.0.0.1:8089").send(identify())
    assert upsert.status is SubscriptionStatus.DELIVERED
    assert router.requests[0].url == "http://127.0.0.1:8089/v1/contacts"


# -- OAuth: refresh, then retry once -----------------------------------------------------------


def test_an_expired_token_is_refreshed_and_only_that_subscription_retried_once() -> None:
    router = MockRouter()
    router.add("POST", CONTACTS, status=401, json={"code": "EXPIRED", "message": "token expired"}, times=1)
    router.add("POST", CONTACTS, json={"id": 1})
    router.add("POST", EVENTS, json={})
    router.add("POST", SAMPLE_TOKEN_URL, json={"access_token": "AT-new-secret"})
    refreshed: list[OAuthTokens] = []
    instance = make_instance(router, TRACK, UPSERT, on_token_refresh=refreshed.append)
    event = identify()
    track_event = {**event, "type": "track"}
    [track] = [r for r in instance.send(track_event) if r.status is SubscriptionStatus.DELIVERED]
    track, upsert = instance.send(event)
    assert upsert.status is SubscriptionStatus.DELIVERED and upsert.attempts == 2
    assert [r.url for r in router.requests] == [EVENTS, CONTACTS, SAMPLE_TOKEN_URL, CONTACTS]
    assert router.requests[2].form()["refresh_token"] == "RT-secret"
    assert router.requests[3].headers["Authorization"] == "Bearer AT-new-secret"
    assert [e.status for e in upsert.exchanges] == [401, 200]
    assert [t.access_token for t in refreshed] == ["AT-new-secret"]
    assert refreshed[0].refresh_token == "RT-secret"
    instance.send(event)  # the refreshed token is kept: no second refresh
    assert [r.url for r in router.requests][-1] == CONTACTS and len(refreshed) == 1
    assert router.requests[-1].headers["Authorization"] == "Bearer AT-new-secret"


def test_instances_sharing_a_token_store_share_the_refreshed_token() -> None:
    router = MockRouter()
    router.add("POST", CONTACTS, status=401, json={}, times=1).add("POST", CONTACTS, json={})
    router.add("POST", SAMPLE_TOKEN_URL, json={"access_token": "AT-new-secret"})
    first = make_instance(router, UPSERT)
    second = make_instance(router, UPSERT, token_store=first.token_store)
    first.send(identify())
    [result] = second.send(identify())
    assert result.attempts == 1 and router.requests[-1].headers["Authorization"] == "Bearer AT-new-secret"
    assert sum(r.url == SAMPLE_TOKEN_URL for r in router.requests) == 1


def test_a_failed_refresh_is_terminal() -> None:
    router = MockRouter().add("POST", CONTACTS, status=401, json={})
    router.add("POST", SAMPLE_TOKEN_URL, status=400, json={"error": "invalid_grant"})
    [upsert] = make_instance(router, UPSERT).send(identify())
    assert upsert.status is SubscriptionStatus.FAILED and upsert.resolution is Resolution.TERMINAL
    assert upsert.reason.startswith("the token refresh failed")
    assert [r.url for r in router.requests] == [CONTACTS, SAMPLE_TOKEN_URL]
    assert upsert.received_status == 400  # the token endpoint's answer, whatever status the error carries
    assert upsert.to_dict()["received_status"] == 400


def test_a_refresh_that_returns_no_token_is_terminal_with_segments_message() -> None:
    definition = build_sample_destination()
    assert definition.authentication is not None
    definition.authentication.refresh_access_token = lambda request, data: None
    router = MockRouter().add("POST", CONTACTS, status=401, json={})
    settings = {"accountId": "a", "subscriptions": [UPSERT], "oauth": OAUTH}
    [upsert] = DestinationInstance.from_settings(settings, definition, session=router.session()).send(identify())
    assert upsert.resolution is Resolution.TERMINAL and upsert.error_code == "OAUTH_REFRESH_FAILED"
    assert upsert.reason == "the token refresh failed: Failed to refresh access token"


def test_refused_again_after_a_refresh_is_terminal_and_not_retried_twice() -> None:
    router = MockRouter().add("POST", CONTACTS, status=401, json={"message": "no"})
    router.add("POST", SAMPLE_TOKEN_URL, json={"access_token": "AT-new-secret"})
    [upsert] = make_instance(router, UPSERT).send(identify())
    assert upsert.resolution is Resolution.TERMINAL and upsert.attempts == 2
    assert "refused again" in upsert.reason
    assert [r.url for r in router.requests] == [CONTACTS, SAMPLE_TOKEN_URL, CONTACTS]


def test_a_401_without_oauth_is_terminal() -> None:
    definition = build_sample_destination()
    assert definition.authentication is not None
    definition.authentication.scheme = "custom"
    definition.authentication.refresh_access_token = None
    router = MockRouter().add("POST", CONTACTS, status=401, json={"message": "bad key"})
    settings = {"accountId": "a", "subscriptions": [UPSERT]}
    [upsert] = DestinationInstance.from_settings(settings, definition, session=router.session()).send(identify())
    assert upsert.resolution is Resolution.TERMINAL and "cannot refresh" in upsert.reason
    assert len(router.requests) == 1


def test_a_secret_quoted_in_an_error_message_is_redacted_from_the_reason() -> None:
    router = MockRouter().add("POST", CONTACTS, status=400, json={"message": "token AT-old-secret is not for acc-1"})
    [upsert] = make_instance(router, UPSERT).send(identify())
    assert upsert.reason == "token [REDACTED] is not for acc-1"


def test_only_reruns_the_chosen_subscriptions() -> None:
    router = MockRouter().add("POST", CONTACTS, json={}).add("POST", EVENTS, json={})
    instance = make_instance(router, UPSERT, {**TRACK, "subscribe": 'type = "identify"'})
    [second] = instance.send(identify(), only={1})
    assert (second.index, second.subscription) == (1, "Track events")
    assert [r.url for r in router.requests] == [EVENTS]


def test_a_failure_reason_never_quotes_a_password_setting() -> None:
    from framework.definition import ActionDefinition, Authentication, DestinationDefinition, InputField
    from framework.errors import IntegrationError

    def perform(request: Any, data: Any) -> None:
        raise IntegrationError(f"key {data.settings['apiKey']} refused for {data.settings['region']}", "BAD_KEY")

    definition = DestinationDefinition(
        name="Keyed",
        slug="actions-keyed",
        description="A destination signing in with an API key.",
        authentication=Authentication(
            scheme="custom",
            fields={
                "apiKey": InputField(label="API Key", description="The key.", type="password", required=True),
                "region": InputField(label="Region", description="The region.", type="string"),
            },
        ),
        actions={"send": ActionDefinition(title="Send", description="Send it.", fields={}, perform=perform)},
    )
    subscription = {"subscribe": 'type = "track"', "action": "send", "mapping": {}}
    instance = DestinationInstance(
        definition, {"apiKey": "key-secret-123", "region": "eu"}, [subscription], session=MockRouter().session()
    )
    for _ in range(2):  # the same on every event
        [result] = instance.send(create_test_event())
        assert result.status is SubscriptionStatus.FAILED
        assert result.reason == "key [REDACTED] refused for eu"


def test_credentials_in_the_endpoint_url_never_reach_the_result_or_report() -> None:
    instance = make_instance(MockRouter(), UPSERT, endpoint="http://deploy:pa55word-x@127.0.0.1:9")
    instance_live = DestinationInstance.from_settings(
        {"accountId": "acc-1", "subscriptions": [UPSERT], "oauth": OAUTH},
        build_sample_destination(),
        endpoint="http://deploy:pa55word-x@127.0.0.1:9",
    )
    for candidate in (instance, instance_live):
        [upsert] = candidate.send(identify())
        assert upsert.status is SubscriptionStatus.FAILED
        shown = json.dumps(upsert.to_dict()) + upsert.reason
        assert "pa55word-x" not in shown and "deploy" not in shown
        assert "[REDACTED]@127.0.0.1:9" in shown
    assert instance_live.send(identify())[0].exchanges[0].url == "http://[REDACTED]@127.0.0.1:9/v1/contacts"


def test_a_failure_keeps_the_response_body_truncated_and_redacted() -> None:
    body = {"message": "Email is malformed", "access_token": "AT-leaked-in-body", "pad": "x" * 10_000}
    router = MockRouter().add("POST", CONTACTS, status=400, json=body)
    [upsert] = make_instance(router, UPSERT).send(identify())
    assert upsert.status is SubscriptionStatus.FAILED and upsert.received_status == 400
    kept = upsert.response_body
    assert kept is not None and kept.startswith('{"message":"Email is malformed"')
    assert "AT-leaked-in-body" not in kept and "[REDACTED]" in kept
    assert len(kept) <= MAX_RESULT_BODY + 60 and kept.endswith("more characters]")
    assert upsert.to_dict()["response_body"] == kept


def test_a_delivered_result_keeps_no_response_body() -> None:
    router = MockRouter().add("POST", CONTACTS, json={"id": 1})
    [upsert] = make_instance(router, UPSERT).send(identify())
    assert upsert.status is SubscriptionStatus.DELIVERED and upsert.response_body is None
    assert upsert.received_status == upsert.http_status == 200


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({"message": "Email is malformed"}, "Bad Request: Email is malformed"),
        ({"error": "invalid_request", "error_description": "email required"}, "Bad Request: email required"),
        ({"errors": [{"message": "plan is unknown"}]}, "Bad Request: plan is unknown"),
        ({"id": 1}, "Bad Request"),
    ],
)
def test_a_plain_4xx_from_a_destination_without_a_classifier_says_the_bodys_message(body: Any, expected: str) -> None:
    definition = build_sample_destination()
    definition.actions["upsert_contact"].perform = lambda request, data: request.post(CONTACTS, json=data.payload)
    router = MockRouter().add("POST", CONTACTS, status=400, json=body)
    settings = {"accountId": "a", "subscriptions": [UPSERT], "oauth": OAUTH}
    [upsert] = DestinationInstance.from_settings(settings, definition, session=router.session()).send(identify())
    assert upsert.status is SubscriptionStatus.FAILED and upsert.reason == expected
    assert (upsert.http_status, upsert.received_status) == (400, 400)
    assert upsert.response_body == json.dumps(body, separators=(",", ":"))


def test_without_filtered_reasons_a_filtered_result_has_no_reason_and_the_rest_is_unchanged() -> None:
    router = MockRouter().add("POST", CONTACTS, json={"id": 1})
    instance = make_instance(router)
    explained = instance.send(identify())
    upsert, track = instance.send(identify(), filtered_reasons=False)
    assert track.status is SubscriptionStatus.FILTERED and track.reason == "" and track.index == 1
    assert explained[1].reason  # the default still says which condition failed
    assert (upsert.status, upsert.payload) == (explained[0].status, explained[0].payload)


def test_a_malformed_event_is_invalid_in_every_subscription_whichever_way_it_is_sent() -> None:
    instance = make_instance(MockRouter())
    event = {"type": "identify", "traits": "not an object"}
    for results in (instance.send(event), instance.send(event, filtered_reasons=False)):
        assert [r.status for r in results] == [SubscriptionStatus.INVALID, SubscriptionStatus.INVALID]
        assert all("traits should be an object" in r.reason for r in results)


def test_a_delivered_result_is_the_first_result_replaced() -> None:
    from dataclasses import replace

    from framework.runtime.pipeline import _delivered, _result

    sub = make_instance(MockRouter(), UPSERT)._pipeline.subscriptions[0]

    class _Exchange:
        status = 201

    exchanges: tuple[Any, ...] = (_Exchange(),)
    expected = replace(
        _result(sub, payload={"a": 1}),
        status=SubscriptionStatus.DELIVERED,
        resolution=Resolution.SUCCESS,
        http_status=201,
        received_status=201,
        exchanges=exchanges,
        output={"id": 1},
        attempts=2,
    )
    assert _delivered(sub, {"a": 1}, 2, exchanges, {"id": 1}) == expected


def test_an_unexplained_filtered_result_is_the_same_as_a_fresh_one() -> None:
    from framework.runtime.pipeline import _result

    instance = make_instance(MockRouter(), UPSERT)
    first, second = (instance.send(create_test_event(type="page"), filtered_reasons=False) for _ in range(2))
    assert first == second and all(r.status is SubscriptionStatus.FILTERED and r.reason == "" for r in first)
    sub = instance._pipeline.subscriptions[0]
    assert first[0] == _result(sub, status=SubscriptionStatus.FILTERED)
    assert instance.send(create_test_event(type="page"))[0].reason  # explained when asked


def test_a_refreshed_token_is_redacted_from_the_exchanges_of_later_sends() -> None:
    router = MockRouter().add("POST", CONTACTS, status=401, json={}, times=1)
    router.add("POST", CONTACTS, json={"id": 1, "seen": "AT-new-secret"})
    router.add("POST", SAMPLE_TOKEN_URL, json={"access_token": "AT-new-secret"})
    instance = make_instance(router, UPSERT)
    before = instance.send(identify())
    [later] = instance.send(identify())
    assert later.status is SubscriptionStatus.DELIVERED and later.attempts == 1
    assert router.requests[-1].headers["Authorization"] == "Bearer AT-new-secret"
    assert later.exchanges[0].response_body == '{"id":1,"seen":"[REDACTED]"}'
    assert "AT-new-secret" not in json.dumps([r.to_dict() for r in [*before, later]])


def test_a_delivered_result_is_the_dataclass_built_field_by_field() -> None:
    router = MockRouter().add("POST", CONTACTS, json={"id": 7})
    [upsert] = make_instance(router, UPSERT).send(identify())
    rebuilt = SubscriptionResult(
        upsert.subscription,
        upsert.action,
        SubscriptionStatus.DELIVERED,
        http_status=200,
        resolution=Resolution.SUCCESS,
        payload=upsert.payload,
        exchanges=upsert.exchanges,
        index=upsert.index,
        output=upsert.output,
        received_status=200,
    )
    assert upsert == rebuilt and repr(upsert) == repr(rebuilt) and vars(upsert) == vars(rebuilt)
    assert list(vars(upsert)) == list(vars(rebuilt)) and upsert.output == {"id": 7}
    with pytest.raises(AttributeError):
        upsert.status = SubscriptionStatus.FAILED  # type: ignore[misc]  # frozen, as every result
