"""create_test_integration(...).test_action: Segment's testAction semantics, HTTP answered in-process."""

from typing import Any

import pytest

from framework.auth import OAuthTokens
from framework.errors import HTTPError, IntegrationError, InvalidAuthenticationError, PayloadValidationError
from framework.testing import CredentialsInvalidError, InvalidSettingsError, MockRouter, create_test_integration
from framework.testing.sample import SAMPLE_API, SAMPLE_TOKEN_URL, build_sample_destination

CONTACTS = f"{SAMPLE_API}/contacts"
SETTINGS = {"accountId": "acc-1"}
AUTH = {"accessToken": "AT-1", "refreshToken": "RT-1", "clientId": "CID", "clientSecret": "CS"}


def integration() -> Any:
    tester = create_test_integration(build_sample_destination())
    tester.transport.add("POST", f"{SAMPLE_API}/*", json={"ok": True})
    return tester


def test_returns_the_requests_with_body_headers_and_url() -> None:
    tester = integration()
    [request] = tester.test_action(
        "upsert_contact",
        event={"traits": {"email": "ada@example.com"}},
        mapping={"email": {"@path": "$.traits.email"}},
        settings={"accountId": "acc-9"},
        auth=AUTH,
    )
    assert (request.method, request.url) == ("POST", CONTACTS)
    assert request.json() == {"email": "ada@example.com"}
    assert request.headers["Authorization"] == "Bearer AT-1"
    assert request.headers["X-Account"] == "acc-9"
    assert request.status == 200 and tester.last_payload == {"email": "ada@example.com"}


def test_use_default_mappings_fills_omitted_fields_and_the_event_is_segments_test_event() -> None:
    tester = integration()
    [request] = tester.test_action(
        "track_event", mapping={"properties": {"plan": "pro"}}, use_default_mappings=True, settings=SETTINGS
    )
    assert request.json() == {"name": "Test Event", "user_id": "user1234", "properties": {"plan": "pro"}}


def test_without_default_mappings_only_the_given_mapping_is_used() -> None:
    tester = integration()
    with pytest.raises(PayloadValidationError, match="missing the required field 'name'"):
        tester.test_action("track_event", mapping={"user_id": {"@path": "$.userId"}}, settings=SETTINGS)
    assert tester.requests == []


def test_no_trigger_matching_and_undeclared_settings_are_dropped_as_the_runtime_does() -> None:
    tester = integration()
    requests = tester.test_action(
        "upsert_contact",
        event={"type": "page", "traits": {"email": "a@b.co"}},
        use_default_mappings=True,
        settings={"accountId": "acc-2", "unknown": 1},
    )
    assert len(requests) == 1 and requests[0].headers["X-Account"] == "acc-2"


def test_a_missing_setting_is_refused_by_name_before_any_request() -> None:
    tester = integration()
    with pytest.raises(InvalidSettingsError, match="missing the required field 'accountId'") as caught:
        tester.test_action("upsert_contact", event={"traits": {"email": "a@b.co"}}, use_default_mappings=True)
    assert "Sample: the settings given to test_action are invalid" in str(caught.value)
    assert "declared settings are: accountId" in str(caught.value)
    assert isinstance(caught.value, PayloadValidationError) and tester.requests == []


def test_a_setting_of_the_wrong_type_is_refused_by_name() -> None:
    with pytest.raises(InvalidSettingsError, match="accountId"):
        integration().test_action(
            "upsert_contact",
            event={"traits": {"email": "a@b.co"}},
            use_default_mappings=True,
            settings={"accountId": {"nested": True}},
        )


def test_errors_from_perform_propagate() -> None:
    tester = create_test_integration(build_sample_destination())
    tester.transport.add("POST", CONTACTS, status=400, json={"code": "BAD", "message": "nope"})
    with pytest.raises(IntegrationError, match="nope") as caught:
        tester.test_action(
            "upsert_contact", event={"traits": {"email": "a@b.co"}}, use_default_mappings=True, settings=SETTINGS
        )
    assert caught.value.code == "BAD" and caught.value.status == 400
    assert tester.requests[0].status == 400


def test_each_call_returns_only_its_own_requests() -> None:
    tester = integration()
    event = {"traits": {"email": "a@b.co"}}
    tester.test_action("upsert_contact", event=event, use_default_mappings=True, settings=SETTINGS)
    second = tester.test_action("upsert_contact", event=event, use_default_mappings=True, settings=SETTINGS)
    assert len(second) == 1 and len(tester.requests) == 2


def test_an_unknown_action_is_an_error_listing_the_actions() -> None:
    expected = 'Sample has no action "upsert"; the actions are: track_event, upsert_contact.'
    with pytest.raises(LookupError, match=expected):
        integration().test_action("upsert")


def test_a_given_transport_is_used() -> None:
    router = MockRouter().add("POST", CONTACTS, status=201, json={"id": 5})
    tester = create_test_integration(build_sample_destination(), router)
    tester.test_action(
        "upsert_contact", event={"traits": {"email": "a@b.co"}}, use_default_mappings=True, settings=SETTINGS
    )
    assert router.requests[0].status == 201 and tester.last_output.status_code == 201


def test_refresh_returns_merged_tokens() -> None:
    tester = create_test_integration(build_sample_destination())
    tester.transport.add("POST", SAMPLE_TOKEN_URL, json={"access_token": "AT-2"})
    tokens = tester.test_refresh(settings={"accountId": "a"}, auth=AUTH)
    assert tokens == OAuthTokens(access_token="AT-2", refresh_token="RT-1", client_id="CID", client_secret="CS")
    assert tester.requests[0].form() == {
        "grant_type": "refresh_token",
        "refresh_token": "RT-1",
        "client_id": "CID",
        "client_secret": "CS",
    }
    assert "Authorization" not in tester.requests[0].headers


def test_refresh_errors_propagate_and_a_falsy_answer_is_segments_error() -> None:
    tester = create_test_integration(build_sample_destination())
    tester.transport.add("POST", SAMPLE_TOKEN_URL, status=400, json={"error": "invalid_grant"})
    with pytest.raises(HTTPError):
        tester.refresh_access_token(auth=AUTH)
    definition = build_sample_destination()
    assert definition.authentication is not None
    definition.authentication.refresh_access_token = lambda request, data: None
    with pytest.raises(InvalidAuthenticationError, match="Failed to refresh access token"):
        create_test_integration(definition).test_refresh(auth=AUTH)


def test_refresh_needs_an_oauth_scheme() -> None:
    definition = build_sample_destination()
    assert definition.authentication is not None
    definition.authentication.refresh_access_token = None
    definition.authentication.scheme = "custom"
    with pytest.raises(IntegrationError, match="only valid with oauth2"):
        create_test_integration(definition).test_refresh(auth=AUTH)


def test_authentication_checks_settings_then_runs_the_destinations_check() -> None:
    definition = build_sample_destination()
    seen = []

    def check(request: Any, data: Any) -> None:
        seen.append(data.settings)
        request.get(f"{SAMPLE_API}/me")

    assert definition.authentication is not None
    definition.authentication.test_authentication = check
    tester = create_test_integration(definition)
    tester.transport.add("GET", f"{SAMPLE_API}/me", status=403, times=1).add("GET", f"{SAMPLE_API}/me", json={})
    with pytest.raises(PayloadValidationError, match="accountId"):
        tester.test_authentication({})
    with pytest.raises(CredentialsInvalidError) as caught:
        tester.test_authentication({"accountId": 7, "extra": 1}, auth=AUTH)
    assert str(caught.value) == "Credentials are invalid: 403 Forbidden"
    assert seen == [{"accountId": "7"}]
    tester.test_authentication({"accountId": "a"})  # no CredentialsInvalidError: the retried check passed


def batch_destination() -> Any:
    definition = build_sample_destination()
    action = definition.actions["track_event"]
    action.perform_batch = lambda request, data: request.post(f"{SAMPLE_API}/events/batch", json=data.payload)
    return definition


def test_batch_action_performs_the_valid_payloads_and_reports_the_invalid_ones() -> None:
    tester = create_test_integration(batch_destination())
    tester.transport.add("POST", f"{SAMPLE_API}/events/batch", json={})
    [request] = tester.test_batch_action(
        "track_event",
        events=[{"event": "A"}, {"event": None}, {"event": "B"}],
        mapping={"name": {"@path": "$.event"}},
        settings=SETTINGS,
    )
    assert request.json() == [{"name": "A"}, {"name": "B"}]
    assert list(tester.batch_errors) == [1] and "name" in tester.batch_errors[1]


def test_batch_action_defaults_to_one_track_event_and_needs_perform_batch() -> None:
    tester = create_test_integration(batch_destination())
    tester.transport.add("POST", f"{SAMPLE_API}/events/batch", json={})
    [request] = tester.test_batch_action("track_event", use_default_mappings=True, settings=SETTINGS)
    assert request.json()[0]["name"] == "Test Event"
    with pytest.raises(IntegrationError, match="This action does not support batched requests."):
        create_test_integration(build_sample_destination()).test_batch_action("track_event", settings=SETTINGS)


def test_batch_action_with_no_valid_payload_sends_nothing() -> None:
    tester = create_test_integration(batch_destination())
    sent = tester.test_batch_action(
        "track_event", events=[{"event": None}], mapping={"name": {"@path": "$.event"}}, settings=SETTINGS
    )
    assert sent == []
    assert tester.requests == [] and 0 in tester.batch_errors
