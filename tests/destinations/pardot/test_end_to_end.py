"""The destination end to end: ``DestinationInstance`` → request client → the emulator over loopback HTTP."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from destinations.pardot import definition
from destinations.pardot.emulator import (
    DEFAULT_ACCESS_TOKEN,
    DEFAULT_BUSINESS_UNIT,
    DEFAULT_CLIENT_ID,
    DEFAULT_CLIENT_SECRET,
    DEFAULT_REFRESH_TOKEN,
    TOKEN_PATH,
    UPSERT_PATH,
    PardotEmulator,
)
from framework.errors import Resolution
from framework.instance import DestinationInstance

OAUTH = {"access_token": DEFAULT_ACCESS_TOKEN, "refresh_token": DEFAULT_REFRESH_TOKEN,
         "clientId": DEFAULT_CLIENT_ID, "clientSecret": DEFAULT_CLIENT_SECRET}  # fmt: skip
DEFAULTS_ONLY = {"secondaryDeletedSearch": True}


def instance_for(
    emulator: PardotEmulator,
    mapping: dict[str, Any] | None = None,
    *,
    sandbox: bool = False,
    oauth: dict[str, Any] | None = None,
) -> DestinationInstance:
    """An instance from Segment's settings JSON (default mappings plus ``mapping``) aimed at the emulator."""
    full_mapping = {**definition.actions["prospects"].default_mapping(), **(mapping or {})}
    settings = {
        "businessUnitID": DEFAULT_BUSINESS_UNIT, "accountID": "1", "isSandbox": sandbox,
        "subscriptions": [{"subscribe": 'type = "identify"', "partnerAction": "prospects", "mapping": full_mapping}],
        "oauth": oauth or OAUTH,
    }  # fmt: skip
    return DestinationInstance.from_settings(settings, endpoint=emulator.base_url)


def identify(**traits: Any) -> dict[str, Any]:
    return {"type": "identify", "userId": "u1", "messageId": "m1", "traits": traits}


def test_identify_creates_a_prospect(emulator: PardotEmulator) -> None:
    with instance_for(emulator) as instance:
        [result] = instance.send(
            identify(
                email="ann@example.com", first_name="Ann", title="CTO", address={"city": "Lyon", "postal_code": "69001"}
            )
        )
    assert (result.status.value, result.http_status) == ("delivered", 200)
    [prospect] = emulator.prospects()
    assert {k: prospect[k] for k in ("email", "firstName", "jobTitle", "city", "zip")} == {
        "email": "ann@example.com",
        "firstName": "Ann",
        "jobTitle": "CTO",
        "city": "Lyon",
        "zip": "69001",
    }
    [request] = emulator.requests()
    assert request.headers["Authorization"] == f"Bearer {DEFAULT_ACCESS_TOKEN}"
    assert request.headers["Pardot-Business-Unit-Id"] == DEFAULT_BUSINESS_UNIT


def test_expired_token_is_refreshed_at_the_token_endpoint_and_the_event_retried(emulator: PardotEmulator) -> None:
    emulator.expire_tokens()
    with instance_for(emulator) as instance:
        [result] = instance.send(identify(email="ann@example.com"))
        fresh = instance.credentials.current()
    assert (result.status.value, result.attempts) == ("delivered", 2)
    assert [r.path for r in emulator.requests()] == [UPSERT_PATH, TOKEN_PATH, UPSERT_PATH]
    token_request = emulator.requests()[1]
    assert "grant_type=refresh_token" in token_request.body and "Authorization" not in token_request.headers
    assert fresh is not None and fresh.access_token != DEFAULT_ACCESS_TOKEN
    assert emulator.requests()[2].headers["Authorization"] == f"Bearer {fresh.access_token}"


def test_revoked_refresh_token_is_terminal(emulator: PardotEmulator) -> None:
    emulator.expire_tokens()
    with instance_for(emulator, oauth={**OAUTH, "refresh_token": "revoked"}) as instance:
        [result] = instance.send(identify(email="ann@example.com"))
    assert (result.status.value, result.resolution) == ("failed", Resolution.TERMINAL)
    assert "expired access/refresh token" in result.reason


def test_concurrent_refresh_refusal_is_retried(emulator: PardotEmulator) -> None:
    emulator.expire_tokens()
    emulator.inject("refresh_conflict", target="token")
    with instance_for(emulator) as instance:
        [result] = instance.send(identify(email="ann@example.com"))
    assert (result.status.value, result.resolution) == ("failed", Resolution.RETRY)
    assert "Concurrent token refresh error" in result.reason


def test_custom_field_email_changes_the_prospects_address(emulator: PardotEmulator) -> None:
    emulator.seed_prospect("old@example.com")
    mapping = {"customFields": {"email": {"@path": "$.traits.new_email"}, "Tier__c": "gold"}}
    with instance_for(emulator, mapping) as instance:
        [result] = instance.send(identify(email="old@example.com", new_email="new@example.com"))
    assert result.status.value == "delivered"
    [prospect] = emulator.prospects()
    assert (prospect["email"], prospect["Tier__c"]) == ("new@example.com", "gold")


def test_unknown_custom_field_is_dead_lettered_with_pardots_code(emulator: PardotEmulator) -> None:
    with instance_for(emulator, {"customFields": {"Undefined__c": "x"}}) as instance:
        [result] = instance.send(identify(email="ann@example.com"))
    assert (result.status.value, result.resolution, result.http_status) == ("failed", Resolution.TERMINAL, 400)
    assert "error code 180" in result.reason and "Undefined__c" in result.reason
    assert emulator.prospects() == []


def test_missing_email_is_invalid_and_sends_nothing(emulator: PardotEmulator) -> None:
    with instance_for(emulator) as instance:
        [result] = instance.send(identify(first_name="Nobody"))
    assert result.status.value == "invalid" and "'email'" in result.reason
    assert emulator.requests() == []


def test_track_events_are_filtered_by_the_default_trigger(emulator: PardotEmulator) -> None:
    with instance_for(emulator) as instance:
        [result] = instance.send({"type": "track", "event": "Signed Up", "properties": {"email": "a@example.com"}})
    assert result.status.value == "filtered"
    assert emulator.requests() == []


def test_sandbox_instances_reach_the_emulator_through_the_endpoint(emulator: PardotEmulator) -> None:
    emulator.expire_tokens()
    with instance_for(emulator, sandbox=True) as instance:
        [result] = instance.send(identify(email="sandy@example.com"))
    assert result.status.value == "delivered"
    assert [p["email"] for p in emulator.prospects()] == ["sandy@example.com"]


@pytest.mark.parametrize(
    ("fault", "resolution", "retry_after"),
    [({"kind": "status", "status": 503}, Resolution.RETRY, None),
     ({"kind": "rate_limit", "retry_after": "7"}, Resolution.RATE_LIMITED, 7.0),
     ({"kind": "reset"}, Resolution.RETRY, None),
     ({"kind": "xml_auth", "status": 403}, Resolution.TERMINAL, None)],
    ids=["503", "429 with Retry-After", "connection reset", "xml auth error"],
)  # fmt: skip
def test_injected_faults_get_their_resolution(
    emulator: PardotEmulator, fault: dict[str, Any], resolution: Resolution, retry_after: float | None
) -> None:
    emulator.inject(**fault)
    with instance_for(emulator) as instance:
        [result] = instance.send(identify(email="ann@example.com"))
    assert (result.status.value, result.resolution, result.retry_after) == ("failed", resolution, retry_after)


def test_daily_quota_waits_until_the_quota_resets() -> None:
    with PardotEmulator(daily_limit=1) as emulator, instance_for(emulator) as instance:
        first = instance.send(identify(email="a@example.com"))[0]
        over = instance.send(identify(email="b@example.com"))[0]
    assert first.status.value == "delivered"
    assert (over.resolution, over.http_status) == (Resolution.RATE_LIMITED, 429)
    assert over.retry_after is not None and 0 < over.retry_after <= 86400
    assert "error code 122" in over.reason


def test_concurrency_limit_answer_is_rate_limited(emulator: PardotEmulator) -> None:
    emulator.inject("status", status=400, body={"code": 66, "message": "concurrent request limit"})
    with instance_for(emulator) as instance:
        [result] = instance.send(identify(email="ann@example.com"))
    assert result.resolution is Resolution.RATE_LIMITED


def test_a_sixth_concurrent_event_is_rate_limited_by_pardot(emulator: PardotEmulator) -> None:
    emulator.pause()
    with instance_for(emulator) as instance, ThreadPoolExecutor(5) as pool:
        held = [pool.submit(instance.send, identify(email=f"c{i}@example.com")) for i in range(5)]
        assert emulator.wait_for_in_flight(5)
        [sixth] = instance.send(identify(email="sixth@example.com"))
        emulator.resume()
        delivered = [future.result()[0].status.value for future in held]
    assert delivered == ["delivered"] * 5
    assert (sixth.status.value, sixth.resolution) == ("failed", Resolution.RATE_LIMITED)
    assert "error code 66" in sixth.reason


def test_sandbox_given_as_the_text_false_refreshes_on_the_production_login_host() -> None:
    # Segment refreshes on test.salesforce.com here (its refreshAccessToken reads the truthy text) while
    # calling the production API; we use production for both (destinations/pardot/faq.md).
    from framework.instance import DestinationInstance
    from framework.testing import MockTransport, Reply

    replies = [Reply(status=401, body='{"code": 184, "message": "access_token is invalid"}'),
               Reply(status=200, body='{"access_token": "fresh"}'), Reply(status=201, body='{"id": 1}')]  # fmt: skip
    transport = MockTransport(lambda request: replies.pop(0))
    settings = {"businessUnitID": "0Uv000000000000AAA", "accountID": "1", "isSandbox": "false",
                "oauth": {"access_token": "old", "refresh_token": "r", "clientId": "c", "clientSecret": "s"},
                "subscriptions": [{"subscribe": 'type = "identify"', "partnerAction": "prospects",
                                   "mapping": {"email": {"@path": "$.traits.email"}, "secondaryDeletedSearch": True}}]}  # fmt: skip
    with DestinationInstance.from_settings(settings, session=transport.session()) as instance:
        [result] = instance.send({"type": "identify", "traits": {"email": "ann@example.com"}})
    assert result.status.value == "delivered"
    assert [r.url.split("/")[2] for r in transport.requests] == [
        "pi.pardot.com",
        "login.salesforce.com",
        "pi.pardot.com",
    ]
