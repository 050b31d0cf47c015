"""The Salesforce emulator: SOQL lookups, records per object, bulk jobs, tokens, and the destination against it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from destinations.salesforce.emulator import SalesforceEmulator, start_emulator
from destinations.salesforce.emulator.store import RecordStore, SOQLError, parse_lookup
from framework.instance import DestinationInstance

API = "/services/data/v53.0/"
AUTH = {"access_token": "emulator-access-token", "refresh_token": "emulator-refresh-token"}
BEARER = {"Authorization": "Bearer emulator-access-token"}


@pytest.fixture
def emulator() -> Iterator[SalesforceEmulator]:
    started = start_emulator(AUTH)
    yield started
    started.stop()


def test_a_lookup_query_is_read_back_into_its_tests() -> None:
    found = parse_lookup("SELECT Id FROM Lead WHERE Email = 'o\\'brien@example.com' AND Score__c = 2.5 AND Vip = true")
    assert found == ("Lead", [("Email", "o'brien@example.com"), ("Score__c", 2.5), ("Vip", True)], "AND")
    with pytest.raises(SOQLError):
        parse_lookup("SELECT Name FROM Lead")


def test_records_are_found_by_any_field_with_or_and_and() -> None:
    store = RecordStore()
    first = store.create("Lead", {"Email": "a@example.com", "Company": "Acme"})
    store.create("Lead", {"Email": "b@example.com", "Company": "Acme"})
    assert store.find("Lead", [("Email", "a@example.com")], "OR") == [first]
    assert len(store.find("Lead", [("Company", "Acme"), ("Email", "x")], "OR")) == 2
    assert store.find("Lead", [("Company", "Acme"), ("Email", "a@example.com")], "AND") == [first]
    assert store.find("Contact", [("Company", "Acme")], "OR") == []


def test_a_bulk_csv_upserts_by_its_external_id_column() -> None:
    store = RecordStore()
    store.create("Account", {"Name": "Old", "AccountNumber": "A-1"})
    done, failed = store.apply_csv("Account", "upsert", "AccountNumber",
                                   'Name,AccountNumber\n"New","A-1"\n"Other","A-2"\n#N/A,#N/A\n')  # fmt: skip
    names = sorted(fields["Name"] for _, _, fields in store.rows() if "Name" in fields)
    assert (done, failed) == (3, 1) and names == ["New", "Other"]


def test_an_unknown_token_is_refused_and_the_refresh_grant_issues_a_new_one(emulator: SalesforceEmulator) -> None:
    url = emulator.base_url + API + "sobjects/Lead"
    refused = requests.post(url, json={"LastName": "x"}, headers={"Authorization": "Bearer stale"}, timeout=5)
    assert refused.status_code == 401 and refused.json()[0]["errorCode"] == "INVALID_SESSION_ID"
    grant = {"grant_type": "refresh_token", "refresh_token": "emulator-refresh-token"}
    token = requests.post(emulator.base_url + "/services/oauth2/token", data=grant, timeout=5).json()["access_token"]
    created = requests.post(url, json={"LastName": "x"}, headers={"Authorization": f"Bearer {token}"}, timeout=5)
    assert created.status_code == 201 and created.json()["id"].startswith("00Q")
    bad = requests.post(emulator.base_url + "/services/oauth2/token", data={**grant, "refresh_token": "no"}, timeout=5)
    assert bad.status_code == 400 and bad.json()["error"] == "invalid_grant"


def test_the_expire_fault_revokes_the_calls_token(emulator: SalesforceEmulator) -> None:
    emulator._faults.set("expire:1")  # noqa: SLF001 - the fault mix is set at start in normal use
    answer = requests.get(emulator.base_url + API + "sobjects", headers=BEARER, timeout=5)
    emulator._faults.set(None)  # noqa: SLF001
    assert answer.status_code == 401
    assert requests.get(emulator.base_url + API + "sobjects", headers=BEARER, timeout=5).status_code == 401


def _instance(emulator: SalesforceEmulator, tmp_path: Path, mapping: str, action: str = "lead2") -> Path:
    config = tmp_path / "salesforce.toml"
    config.write_text(f"""destination = "actions-salesforce"
endpoint = "{emulator.base_url}"
[settings]
instanceUrl = "https://acme.my.salesforce.com"
[auth]
access_token = "emulator-access-token"
refresh_token = "emulator-refresh-token"
client_id = "id"
client_secret = "secret"
[[subscriptions]]
name = "leads"
subscribe = 'type = "identify"'
action = "{action}"
[subscriptions.mapping]
{mapping}
""", encoding="utf-8")  # fmt: skip
    return config


UPSERT_BY_EMAIL = """__segment_internal_sync_mode = "upsert"
traits = { Email = { "@path" = "$.traits.email" } }
last_name = { "@path" = "$.traits.last_name" }
email = { "@path" = "$.traits.email" }"""


def test_the_destination_upserts_then_updates_then_deletes_one_lead(
    emulator: SalesforceEmulator, tmp_path: Path
) -> None:
    def event(last_name: str) -> dict[str, Any]:
        return {"type": "identify", "userId": "u1", "traits": {"email": "ann@example.com", "last_name": last_name}}

    with DestinationInstance.from_file(_instance(emulator, tmp_path, UPSERT_BY_EMAIL)) as instance:
        for last_name in ("Ann", "Lovelace"):
            assert [r.status.value for r in instance.send(event(last_name))] == ["delivered"]
    assert [fields["LastName"] for _, _, fields in emulator.store.rows()] == ["Lovelace"]
    delete = '__segment_internal_sync_mode = "delete"\ntraits = { Email = { "@path" = "$.traits.email" } }'
    with DestinationInstance.from_file(_instance(emulator, tmp_path, delete)) as instance:
        assert [r.status.value for r in instance.send(event("Lovelace"))] == ["delivered"]
    assert emulator.store.rows() == []


def test_a_refused_token_is_refreshed_and_the_event_delivered(emulator: SalesforceEmulator, tmp_path: Path) -> None:
    emulator._access.clear()  # noqa: SLF001 - as if the instance's token had expired
    event = {"type": "identify", "userId": "u1", "traits": {"email": "ann@example.com", "last_name": "Ann"}}
    with DestinationInstance.from_file(_instance(emulator, tmp_path, UPSERT_BY_EMAIL)) as instance:
        assert [r.status.value for r in instance.send(event)] == ["delivered"]
    assert any(path == "/services/oauth2/token" for _, path, _, _ in emulator.calls)
    assert len(emulator.store.rows()) == 1
