"""The ``prospects`` action and the token refresh through ``create_test_integration``: Segment's own
Pardot tests (same events, mappings and expected bodies), then what they leave out."""

from __future__ import annotations

import json
from typing import Any

import pytest

from destinations.pardot import definition
from destinations.pardot.upsert_prospect import upsert_body
from framework.errors import (
    APIError,
    IntegrationError,
    InvalidAuthenticationError,
    PayloadValidationError,
    Resolution,
    RetryableError,
    resolution_for,
)
from framework.http.json_body import dumps_json
from framework.testing import create_test_integration

UPSERT = "https://pi.pardot.com/api/v5/objects/prospects/do/upsertLatestByEmail"
SANDBOX_UPSERT = "https://pi.demo.pardot.com/api/v5/objects/prospects/do/upsertLatestByEmail"
SETTINGS = {"businessUnitID": "xyz321", "accountID": "abc123", "isSandbox": False}
AUTH = {"refreshToken": "xyz321", "accessToken": "abc123"}
REFRESH_AUTH = {**AUTH, "clientId": "clientId", "clientSecret": "clientSecret"}
EXPECTED_REFRESH_FORM = {"refresh_token": "xyz321", "client_id": "clientId", "client_secret": "clientSecret",
                         "grant_type": "refresh_token"}  # fmt: skip
SPONGEBOB = {
    "email": "sponge@seamail.com", "company": "Krusty Krab", "phone": "8888888888", "title": "Dream Builder",
    "website": "test.segment.com",
    "address": {"city": "Bikini Bottom", "postal_code": "12345", "country": "The Ocean", "street": "Pineapple Ln",
                "state": "Water"},
    "last_name": "Bob", "first_name": "Sponge", "secondaryDeletedSearch": True,
}  # fmt: skip
SPONGEBOB_PROSPECT = {
    "email": "sponge@seamail.com", "firstName": "Sponge", "lastName": "Bob", "phone": "8888888888",
    "company": "Krusty Krab", "jobTitle": "Dream Builder", "city": "Bikini Bottom", "state": "Water",
    "zip": "12345", "country": "The Ocean", "website": "test.segment.com",
}  # fmt: skip


def identify(properties: dict[str, Any], traits: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"type": "identify", "event": "Create or update Prospect", "properties": properties, "traits": traits or {}}


def ordered(text: str) -> list[Any]:
    """A JSON text as nested (key, value) lists, so key order is compared too."""
    return json.loads(text, object_pairs_hook=lambda pairs: [[k, v] for k, v in pairs])


@pytest.fixture
def integration() -> Any:
    destination = create_test_integration(definition)
    destination.transport.add("POST", UPSERT, status=201, json={})
    destination.transport.add("POST", SANDBOX_UPSERT, status=201, json={})
    return destination


# -- Segment's tests --------------------------------------------------------------------------------------


def test_should_create_prospects_record(integration: Any) -> None:
    [request] = integration.test_action(
        "prospects", event=identify({"email": "test@segment.com", "first_name": "Kevin"}),
        settings={**SETTINGS, "isSandbox": True}, auth=AUTH,
        mapping={"email": {"@path": "$.properties.email"}, "firstName": {"@path": "$.properties.first_name"},
                 "secondaryDeletedSearch": True},
    )  # fmt: skip
    assert (request.method, request.url, request.status) == ("POST", SANDBOX_UPSERT, 201)
    assert request.headers["Authorization"] == "Bearer abc123"
    assert request.headers["Pardot-Business-Unit-Id"] == "xyz321"
    assert request.headers["Content-Type"] == "application/json"
    assert ordered(request.text) == ordered(
        '{"matchEmail":"test@segment.com","prospect":{"email":"test@segment.com","firstName":"Kevin"},'
        '"secondaryDeletedSearch":true}'
    )


def test_should_create_prospects_record_with_default_mappings(integration: Any) -> None:
    [request] = integration.test_action(
        "prospects",
        event=identify(SPONGEBOB),
        settings=SETTINGS,
        auth=AUTH,
        mapping={"secondaryDeletedSearch": True},
        use_default_mappings=True,
    )
    assert request.url == UPSERT and request.headers["Authorization"] == "Bearer abc123"
    assert ordered(request.text) == ordered(json.dumps(
        {"matchEmail": "sponge@seamail.com", "prospect": SPONGEBOB_PROSPECT, "secondaryDeletedSearch": True}
    ))  # fmt: skip


def test_should_create_prospects_record_with_custom_fields(integration: Any) -> None:
    [request] = integration.test_action(
        "prospects",
        event=identify(SPONGEBOB),
        settings=SETTINGS,
        auth=AUTH,
        use_default_mappings=True,
        mapping={"secondaryDeletedSearch": True, "customFields": {"A": "1", "B": "2", "C": "3"}},
    )
    prospect = {**SPONGEBOB_PROSPECT, "A": "1", "B": "2", "C": "3"}
    assert ordered(request.text) == ordered(json.dumps(
        {"matchEmail": "sponge@seamail.com", "prospect": prospect, "secondaryDeletedSearch": True}
    ))  # fmt: skip


def test_duplicate_field_should_prioritize_custom_fields(integration: Any) -> None:
    [request] = integration.test_action(
        "prospects",
        event=identify(SPONGEBOB),
        settings=SETTINGS,
        auth=AUTH,
        use_default_mappings=True,
        mapping={"secondaryDeletedSearch": True, "customFields": {"email": "kevin@segment.com"}},
    )
    prospect = {**SPONGEBOB_PROSPECT, "email": "kevin@segment.com"}
    assert ordered(request.text) == ordered(json.dumps(
        {"matchEmail": "sponge@seamail.com", "prospect": prospect, "secondaryDeletedSearch": True}
    ))  # fmt: skip


def test_should_throw_an_error_for_missing_required_field_email(integration: Any) -> None:
    with pytest.raises(PayloadValidationError, match="The root value is missing the required field 'email'."):
        integration.test_action(
            "prospects", event=identify({"first_name": "Kevin"}), settings=SETTINGS, auth=AUTH,
            mapping={"email": {"@path": "$.properties.email"}, "firstName": {"@path": "$.properties.first_name"},
                     "secondaryDeletedSearch": True},
        )  # fmt: skip
    assert integration.requests == []


@pytest.mark.parametrize(
    ("sandbox", "url"),
    [
        (False, "https://login.salesforce.com/services/oauth2/token"),
        (True, "https://test.salesforce.com/services/oauth2/token"),
    ],
)
def test_refresh_returns_the_access_token(sandbox: bool, url: str) -> None:
    integration = create_test_integration(definition)
    integration.transport.add("POST", url, json={"access_token": "abc123"})
    tokens = integration.test_refresh({**SETTINGS, "isSandbox": sandbox}, REFRESH_AUTH)
    [request] = integration.requests
    assert tokens.access_token == "abc123" and tokens.refresh_token == "xyz321"
    assert request.form() == EXPECTED_REFRESH_FORM
    assert list(request.form()) == list(EXPECTED_REFRESH_FORM)  # same field order as Segment
    assert request.headers["Content-Type"].startswith("application/x-www-form-urlencoded")
    assert "Authorization" not in request.headers and "Pardot-Business-Unit-Id" not in request.headers


@pytest.mark.parametrize("description", ["expired authorization code", "token request is already being processed"])
def test_concurrent_refresh_is_a_retryable_error(description: str) -> None:
    integration = create_test_integration(definition)
    integration.transport.add(
        "POST",
        "https://login.salesforce.com/services/oauth2/token",
        status=400,
        json={"error": "invalid_grant", "error_description": description},
    )
    with pytest.raises(RetryableError, match="Concurrent token refresh error. This request will be retried"):
        integration.test_refresh(SETTINGS, REFRESH_AUTH)


def test_other_refresh_errors_are_api_errors() -> None:
    integration = create_test_integration(definition)
    integration.transport.add(
        "POST",
        "https://login.salesforce.com/services/oauth2/token",
        status=401,
        json={"error": "invalid_grant", "error_description": "Failed to refresh access token"},
    )
    with pytest.raises(APIError, match="Failed to refresh access token") as raised:
        integration.test_refresh(SETTINGS, REFRESH_AUTH)
    assert (raised.value.status, raised.value.code) == (401, "401")
    assert resolution_for(raised.value) is Resolution.TERMINAL


# -- beyond Segment's tests -----------------------------------------------------------------------------------


def test_rotated_refresh_token_replaces_the_old_one() -> None:
    integration = create_test_integration(definition)
    integration.transport.add(
        "POST",
        "https://login.salesforce.com/services/oauth2/token",
        json={"access_token": "new", "refresh_token": "rotated"},
    )
    assert integration.test_refresh(SETTINGS, REFRESH_AUTH).refresh_token == "rotated"


def test_traits_win_over_properties_in_default_mappings(integration: Any) -> None:
    event = identify(
        {"email": "props@example.com", "first_name": "Prop"},
        traits={"email": "traits@example.com", "title": "CTO", "address": {"city": "Paris"}},
    )
    [request] = integration.test_action(
        "prospects", event=event, settings=SETTINGS, auth=AUTH, use_default_mappings=True
    )
    assert request.json() == {
        "matchEmail": "traits@example.com",
        "prospect": {"email": "traits@example.com", "firstName": "Prop", "jobTitle": "CTO", "city": "Paris"},
        "secondaryDeletedSearch": True,
    }


@pytest.mark.parametrize(
    ("reply", "error_type", "resolution"),
    [({"status": 400, "json": {"code": 4, "message": "Invalid prospect email address"}}, IntegrationError,
      Resolution.TERMINAL),
     ({"status": 400, "json": {"code": 66, "message": "concurrent limit"}}, RetryableError, Resolution.RATE_LIMITED),
     ({"status": 401, "json": {"code": 184, "message": "expired"}}, IntegrationError, Resolution.REFRESH_THEN_RETRY),
     ({"status": 403, "body": "<rsp/>", "headers": {"Content-Type": "text/xml"}}, IntegrationError,
      Resolution.TERMINAL)],
    ids=["code 4", "code 66", "code 184", "xml 403"],
)  # fmt: skip
def test_pardot_errors_go_through_the_classifier(
    reply: dict[str, Any], error_type: type, resolution: Resolution
) -> None:
    integration = create_test_integration(definition)
    integration.transport.add("POST", UPSERT, **reply)
    with pytest.raises(error_type) as raised:
        integration.test_action(
            "prospects",
            event=identify({"email": "a@example.com"}),
            settings=SETTINGS,
            auth=AUTH,
            use_default_mappings=True,
        )
    assert resolution_for(raised.value) is resolution


@pytest.mark.parametrize(
    ("payload", "prospect"),
    [
        ({"email": "a@x.com", "secondaryDeletedSearch": False, "customFields": {"salutation": "Dr."}},
         [["email", "a@x.com"], ["salutation", "Dr."]]),
        ({"email": "a@x.com", "website": "w", "secondaryDeletedSearch": True, "customFields": {"salutation": "Dr."}},
         [["email", "a@x.com"], ["salutation", "Dr."], ["website", "w"]]),
        ({"email": "a@x.com", "secondaryDeletedSearch": True, "customFields": {"Z__c": 1, "10": 2, "2": 3}},
         [["2", 3], ["10", 2], ["email", "a@x.com"], ["Z__c", 1]]),
        ({"email": "a@x.com", "secondaryDeletedSearch": True, "customFields": {"Tier__c": None, "01": "kept in place"}},
         [["email", "a@x.com"], ["Tier__c", None], ["01", "kept in place"]]),
    ],
    ids=["custom standard field", "custom field takes the standard slot", "integer keys first", "null kept"],
)  # fmt: skip
def test_body_key_order_is_javascripts(payload: dict[str, Any], prospect: list[Any]) -> None:
    body = ordered(dumps_json(upsert_body(payload)))  # as the request client writes it
    assert body[1] == ["prospect", prospect]
    assert [key for key, _ in body] == ["matchEmail", "prospect", "secondaryDeletedSearch"]


def test_definition_reads_like_segments() -> None:
    action = definition.actions["prospects"]
    assert definition.slug == "actions-pardot" and definition.concurrency_limit == 5
    assert definition.authentication is not None and definition.authentication.scheme == "oauth2"
    assert (action.title, action.default_subscription) == ("Upsert Prospect", 'type = "identify"')
    assert list(action.fields) == [
        "email",
        "firstName",
        "lastName",
        "salutation",
        "phone",
        "company",
        "jobTitle",
        "industry",
        "city",
        "state",
        "zip",
        "country",
        "website",
        "secondaryDeletedSearch",
        "customFields",
        "enable_batching",
        "batch_size",
        "batch_keys",
    ]  # fmt: skip (batching: ours)
    assert [name for name, f in action.fields.items() if f.required is True] == ["email", "secondaryDeletedSearch"]
    assert list(definition.authentication.fields) == ["businessUnitID", "accountID", "isSandbox", "returnApiUsage"]
    assert action.default_mapping().keys().isdisjoint({"enable_batching", "batch_size", "batch_keys"})
    assert "change a prospect's email" in (definition.faq or "")


def test_a_grant_without_access_token_fails_the_refresh() -> None:
    integration = create_test_integration(definition)
    integration.transport.add("POST", "https://login.salesforce.com/services/oauth2/token", json={"token_type": "x"})
    with pytest.raises(InvalidAuthenticationError, match="Failed to refresh access token") as raised:
        integration.test_refresh(SETTINGS, REFRESH_AUTH)
    assert resolution_for(raised.value) is Resolution.TERMINAL
