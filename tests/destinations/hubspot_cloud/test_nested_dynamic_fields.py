"""The per-property dynamic fields of ``upsertObject`` and ``customEvent``, answered by the emulator over loopback.

The id field choices are the object type's unique properties the emulator holds (the record id and,
for contacts, ``email`` first); an association's are its own item's object type's, by array index.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from destinations.hubspot_cloud import definition
from destinations.hubspot_cloud.emulator import HubSpotEmulator, start_hubspot_emulator
from framework.cli import main
from framework.runtime.dynamic_fields import fetch_choices
from framework.testing.integration import as_tokens

AUTH = {"access_token": "emulator-access-token", "refresh_token": "emulator-refresh-token"}
TOKENS = {"accessToken": AUTH["access_token"], "refreshToken": AUTH["refresh_token"]}


@pytest.fixture
def emulator() -> Iterator[HubSpotEmulator]:
    started = start_hubspot_emulator(AUTH, {"portalId": "123"})
    for object_type, name, unique in [
        ("deals", "deal_code", True),
        ("deals", "Amount", False),
        ("contacts", "member_no", True),
        ("contacts", "hs_unique_creation_key", True),
    ]:
        started.store.define_property(object_type, {"name": name, "label": name.replace("_", " ").title(),
                                                    "type": "string", "hasUniqueValue": unique})  # fmt: skip
    started.store.property_groups["deals"] = [
        {"name": "zeta", "label": "zeta info", "archived": False},
        {"name": "dealinformation", "label": "Deal information", "archived": False},
        {"name": "old", "label": "Old", "archived": True},
    ]
    started.store.association_labels[("deals", "contacts")] = [
        {"category": "USER_DEFINED", "typeId": 42, "label": "Buyer"},
        {"category": "HUBSPOT_DEFINED", "typeId": 3, "label": None},
    ]
    yield started
    started.stop()


def choices(emulator: HubSpotEmulator, action: str, path: str, payload: dict[str, Any]) -> list[Any]:
    """The path's ``(label, value)`` choices, or its error, fetched from the emulator."""
    with requests.Session() as session:
        found, _ = fetch_choices(definition, action, path, settings={"portalId": "123"}, auth=as_tokens(TOKENS),
                                 session=session, payload=payload, endpoint=emulator.base_url)  # fmt: skip
    return [found.error] if found.error else [(c.label, c.value) for c in found.choices]


def test_the_records_id_fields_are_the_unique_properties_of_its_object_type(emulator: HubSpotEmulator) -> None:
    found = choices(
        emulator, "upsertObject", "object_details.id_field_name", {"object_details": {"object_type": "deals"}}
    )
    assert found == [("Hubspot Record ID (updates only)", "hs_object_id"), ("Deal Code", "deal_code")]
    assert choices(emulator, "upsertObject", "object_details.id_field_name", {}) == [
        "Select a value from the 'Object Type' field"
    ]


def test_an_associations_id_fields_follow_the_object_type_of_its_own_item(emulator: HubSpotEmulator) -> None:
    payload = {"object_details": {"object_type": "deals"},
               "associations": [{"object_type": "deals"}, {"object_type": "contacts"}, {}]}  # fmt: skip
    assert choices(emulator, "upsertObject", "associations.[1].id_field_name", payload) == [
        ("Hubspot Record ID (updates only)", "hs_object_id"), ("email", "email"), ("Member No", "member_no")]  # fmt: skip
    assert choices(emulator, "upsertObject", "dissociations.[0].id_field_name", payload) == [
        "Select a value from the 'To Object Type' field"
    ]
    assert choices(emulator, "upsertObject", "associations.[2].id_field_name", payload) == [
        "Select a value from the 'To Object Type' field"
    ]


@pytest.mark.parametrize(
    ("action", "path"),
    [("upsertObject", "object_details.object_type"), ("upsertObject", "associations.[0].object_type"),
     ("customEvent", "record_details.object_type")],
)  # fmt: skip
def test_object_types_are_offered_per_property(emulator: HubSpotEmulator, action: str, path: str) -> None:
    assert ("Deal", "deal") in choices(emulator, action, path, {})


def test_property_groups_are_the_object_types_live_groups_by_label(emulator: HubSpotEmulator) -> None:
    payload = {"object_details": {"object_type": "deal"}}
    assert choices(emulator, "upsertObject", "object_details.property_group", payload) == [
        ("Deal information", "dealinformation"), ("zeta info", "zeta")]  # fmt: skip
    assert choices(emulator, "upsertObject", "object_details.property_group", {}) == [
        "Select a value from the 'Object Type' field"
    ]


def test_association_labels_are_from_the_records_type_to_the_items(emulator: HubSpotEmulator) -> None:
    payload = {"object_details": {"object_type": "deals"}, "associations": [{"object_type": "companies"},
                                                                            {"object_type": "contacts"}]}  # fmt: skip
    assert choices(emulator, "upsertObject", "associations.[1].association_label", payload) == [
        ("deals to contacts (Default label: typeId 3)", "HUBSPOT_DEFINED:3"),
        ("deals to contacts Buyer", "USER_DEFINED:42"),
    ]
    assert choices(emulator, "upsertObject", "associations.[0].association_label", payload) == []
    assert choices(
        emulator, "upsertObject", "associations.[1].association_label", {"associations": [{}, {"object_type": "deals"}]}
    ) == ["Select a value from the from 'Object Type' field"]


def test_the_list_name_is_not_offered(emulator: HubSpotEmulator) -> None:
    with pytest.raises(LookupError, match="action 'upsertObject' has no dynamic field 'list_details'"):
        choices(emulator, "upsertObject", "list_details.list_name", {})


def test_actions_fields_takes_a_property_path_and_the_payload(
    emulator: HubSpotEmulator, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    instance = tmp_path / "hubspot.toml"
    instance.write_text(
        f'destination = "actions-hubspot-cloud"\nendpoint = "{emulator.base_url}"\n[settings]\nportalId = "123"\n'
        f'[auth]\naccess_token = "{AUTH["access_token"]}"\nrefresh_token = "{AUTH["refresh_token"]}"\n',
        encoding="utf-8",
    )
    base = ["fields", "actions-hubspot-cloud", "upsertObject", "--instance", str(instance), "--json"]
    payload = json.dumps({"associations": [{"object_type": "deals"}]})
    assert main([*base[:3], "associations.[0].id_field_name", *base[3:], "--payload", payload]) == 0
    assert [c["value"] for c in json.loads(capsys.readouterr().out)["choices"]] == ["hs_object_id", "deal_code"]
    assert main([*base[:3], "object_details.colour", *base[3:]]) == 2
    assert "no dynamic property 'colour' (dynamic: object_details.object_type" in capsys.readouterr().err
    assert main([*base[:3], "object_details.id_field_name", *base[3:], "--payload", "[1]"]) == 2
    assert "--payload must be a JSON object, not list" in capsys.readouterr().err
