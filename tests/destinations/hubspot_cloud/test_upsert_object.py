"""``upsertObject`` (Custom Object V2): payloads merged, cleaned and typed; its dynamic fields.

Request parity with Segment is in conformance/ (cases ``4xxx-upsertObject-*``); these pin the rules
those cases rely on, one by one, so a failure names the rule.
"""

from __future__ import annotations

from typing import Any

import pytest

from destinations.hubspot_cloud import definition
from destinations.hubspot_cloud.object_payloads import merged_by_id, missing_properties, property_types, valid_payloads
from framework.errors import IntegrationError, PayloadValidationError
from framework.testing.integration import create_test_integration
from framework.testing.transport import MockRouter

AUTH = {"accessToken": "test-access-token", "refreshToken": "test-refresh-token"}


def payload(record_id: Any, timestamp: Any = "2026-12-06T12:00:00Z", **properties: Any) -> dict[str, Any]:
    return {"object_details": {"object_type": "deal", "id_field_name": "deal_key", "id_field_value": record_id},
            "properties": properties, "timestamp": timestamp}  # fmt: skip


def test_a_later_event_wins_a_property_and_an_undated_one_counts_as_now() -> None:
    merged = merged_by_id([payload("D-1", plan="a", seats=1), payload("D-1", "2026-12-06T11:00:00Z", plan="old"),
                           payload("D-2", plan="x"), payload("D-1", "not a date", seats=9)])  # fmt: skip
    assert [(p["object_details"]["id_field_value"], p["properties"]) for p in merged] == [
        ("D-1", {"plan": "a", "seats": 9}), ("D-2", {"plan": "x"})]  # fmt: skip
    assert all("timestamp" not in p for p in merged)


def test_payloads_without_an_id_value_are_left_out_of_a_merge() -> None:
    assert merged_by_id([payload(""), payload(None)]) == []


def test_names_and_values_are_cleaned_as_hubspot_takes_them() -> None:
    [cleaned] = valid_payloads([payload("D-1", **{"Plan Name": " pro ", "Flag": " TRUE ", "meta": {"a": 1},
                                                 "gone": None, "n": 2.5})])  # fmt: skip
    assert cleaned["properties"] == {"plan_name": "pro", "flag": True, "meta": '{"a":1}', "n": 2.5}


def test_a_property_name_not_starting_with_a_letter_is_refused() -> None:
    with pytest.raises(PayloadValidationError, match="Property 2fast in event has an invalid name"):
        valid_payloads([payload("D-1", **{"2fast": "x"})])


def test_a_lone_payload_without_its_id_is_refused_but_a_batch_drops_it() -> None:
    with pytest.raises(PayloadValidationError, match="Null or empty values are not allowed"):
        valid_payloads([payload("")])
    assert [p["object_details"]["id_field_value"] for p in valid_payloads([payload(""), payload("D-1")])] == ["D-1"]


def test_values_get_hubspots_types_and_a_different_type_in_hubspot_is_refused() -> None:
    types = property_types(
        [payload("D-1", n=1, b=True, day="2026-12-06", at="2026-12-06T12:00:00Z", t="x")], "properties"
    )
    assert types == {"n": ("number", "number"), "b": ("enumeration", "booleancheckbox"), "day": ("date", "date"),
                     "at": ("datetime", "date"), "t": ("string", "text")}  # fmt: skip
    assert missing_properties(types, {"t": ("string", "textarea"), "n": ("number", "number")}) == ["b", "day", "at"]
    with pytest.raises(IntegrationError, match="Payload property with name n has a different type"):
        missing_properties(types, {"n": ("string", "text")})


def test_property_choices_are_the_writable_non_unique_properties_of_the_object_type() -> None:
    results = [{"name": "plan", "label": "Plan", "type": "string", "hasUniqueValue": False,
                "modificationMetadata": {"readOnlyValue": False}},
               {"name": "key", "label": "Key", "type": "string", "hasUniqueValue": True,
                "modificationMetadata": {"readOnlyValue": False}},
               {"name": "created", "label": "Created", "type": "datetime", "hasUniqueValue": False,
                "modificationMetadata": {"readOnlyValue": True}},
               {"name": "amount", "label": "amount", "type": "number", "hasUniqueValue": False,
                "modificationMetadata": {"readOnlyValue": False}}]  # fmt: skip
    router = MockRouter().add("GET", "https://api.hubapi.com/crm/v3/properties/deal", json={"results": results})
    integration = create_test_integration(definition, router)
    found = integration.test_dynamic_field("upsertObject", "properties", settings={}, auth=AUTH,
                                           payload={"object_details": {"object_type": "deal"}})  # fmt: skip
    assert [(c.label, c.value) for c in found.choices] == [("amount - number", "amount"), ("Plan - string", "plan")]
    asked = integration.test_dynamic_field("upsertObject", "properties", settings={}, auth=AUTH, payload={})
    assert asked.error == "Select a value from the 'Object Type' field"
