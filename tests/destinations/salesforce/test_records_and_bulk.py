"""Salesforce's pieces on their own: the SOQL lookup, the bulk CSV, the object choices, both logins."""

from __future__ import annotations

from typing import Any

import pytest

from destinations.salesforce import definition
from destinations.salesforce.bulk import bulk_csv, pascal_case
from destinations.salesforce.rest import checked_instance_url, soql_lookup
from framework.errors import IntegrationError
from framework.testing.integration import create_test_integration
from framework.testing.transport import MockRouter

SETTINGS = {"instanceUrl": "https://acme.my.salesforce.com"}
AUTH = {"accessToken": "access-1", "refreshToken": "refresh-1", "clientId": "cid", "clientSecret": "csecret"}


def test_the_lookup_quotes_strings_keeps_numbers_and_strips_odd_field_names() -> None:
    query = soql_lookup({"Email": "o'brien@example.com", "Score__c": 2.0, "Vip!": True}, "Lead", "AND")
    assert query == "SELECT Id FROM Lead WHERE Email = 'o\\'brien@example.com' AND Score__c = 2 AND Vip = true"
    with pytest.raises(IntegrationError, match="Unsupported datatype for record matcher traits - object"):
        soql_lookup({"Email": {"nested": 1}}, "Lead", "OR")


@pytest.mark.parametrize("url", ["http://acme.my.salesforce.com", "https://acme.example.com", ""])
def test_an_instance_url_not_on_salesforce_over_https_is_refused(url: str) -> None:
    with pytest.raises(IntegrationError, match="Salesforce instance URL"):
        checked_instance_url(url)


def test_snake_case_keys_become_salesforce_column_names() -> None:
    assert [pascal_case(key) for key in ("last_name", "number_of_employees", "email", "address2")] == [
        "LastName", "NumberOfEmployees", "Email", "Address2"]  # fmt: skip


def test_the_bulk_csv_reads_columns_from_the_last_event_back_and_marks_gaps() -> None:
    payloads: list[dict[str, Any]] = [
        {"operation": "upsert", "last_name": 'Say "hi"', "enable_batching": True,
         "bulkUpsertExternalId": {"externalIdName": "Ext__c", "externalIdValue": "e1"}},
        {"operation": "upsert", "email": "b@example.com", "last_name": None, "customFields": {"Plan__c": 7},
         "enable_batching": True, "bulkUpsertExternalId": {"externalIdName": "Ext__c"}},
    ]  # fmt: skip
    assert bulk_csv(payloads, "Ext__c", "upsert") == (
        'Email,LastName,Plan__c,Ext__c\n#N/A,"Say ""hi""",#N/A,"e1"\n"b@example.com",#N/A,"7","#N/A"\n'
    )


def test_an_insert_csv_has_no_id_column() -> None:
    payloads = [{"last_name": "Ann", "flag": True, "tags": ["a", "b"]}]
    assert bulk_csv(payloads, "", "insert") == 'LastName,Flag,Tags\n"Ann","true","a,b"\n'


def test_a_comma_in_a_custom_field_name_is_refused() -> None:
    with pytest.raises(IntegrationError, match="Invalid character in field name: A,B"):
        bulk_csv([{"customFields": {"A,B": 1}}], "", "insert")


def test_custom_object_choices_are_the_creatable_objects() -> None:
    listed = {"sobjects": [{"name": "Order__c", "label": "Order", "createable": True},
                           {"name": "Report", "label": "Report", "createable": False}]}  # fmt: skip
    router = MockRouter().add("GET", "https://acme.my.salesforce.com/services/data/v53.0/sobjects", json=listed)
    choices = create_test_integration(definition, router).test_dynamic_field(
        "customObject2", "customObjectName", settings=SETTINGS, auth=AUTH
    )
    assert [(c.label, c.value) for c in choices.choices] == [("Order", "Order__c")] and choices.next_page == "2"
    assert router.requests[0].headers["authorization"] == "Bearer access-1"


def test_custom_object_choices_report_a_refusal() -> None:
    refused = [{"message": "Session expired or invalid", "errorCode": "INVALID_SESSION_ID"}]
    router = MockRouter().add("GET", "*", 403, json=refused)
    choices = create_test_integration(definition, router).test_dynamic_field(
        "customObject", "customObjectName", settings=SETTINGS, auth=AUTH
    )
    assert choices.choices == [] and choices.error and "INVALID_SESSION_ID" in choices.error


@pytest.mark.parametrize(("sandbox", "host"), [(False, "login.salesforce.com"), (True, "test.salesforce.com")])
def test_the_refresh_goes_to_the_production_or_sandbox_login(sandbox: bool, host: str) -> None:
    router = MockRouter().add("POST", "*", json={"access_token": "access-2"})
    tokens = create_test_integration(definition, router).test_refresh({**SETTINGS, "isSandbox": sandbox}, AUTH)
    assert tokens.access_token == "access-2" and tokens.refresh_token == "refresh-1"
    sent = router.requests[0]
    assert sent.url == f"https://{host}/services/oauth2/token" and "authorization" not in sent.headers
    assert "grant_type=refresh_token" in str(sent.body)


def test_the_password_login_uses_the_environments_connected_app(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SALESFORCE_CLIENT_ID", "env-id")
    monkeypatch.setenv("SALESFORCE_CLIENT_SECRET", "env-secret")
    router = (MockRouter().add("POST", "https://login.salesforce.com/services/oauth2/token", json={"access_token": "pw-token"})
              .add("POST", "*", 201, json={"id": "00Q1", "success": True}))  # fmt: skip
    settings = {**SETTINGS, "username": "ann@example.com", "auth_password": "pw", "security_token": "tok"}
    create_test_integration(definition, router).test_action(
        "lead", event={"type": "identify", "traits": {"last_name": "Ann"}}, mapping={"operation": "create"},
        settings=settings, auth=AUTH, use_default_mappings=True)  # fmt: skip
    login, created = router.requests
    assert "password=pwtok" in str(login.body) and "client_id=env-id" in str(login.body)
    assert created.headers["authorization"] == "Bearer pw-token" and created.body == b'{"LastName":"Ann"}'
