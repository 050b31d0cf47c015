"""The dynamic fields' choices from HubSpot's answers (recorded shapes), and HubSpot's refusal shown as an error."""

from __future__ import annotations

from typing import Any

from destinations.hubspot_cloud import definition
from framework.testing.integration import create_test_integration
from framework.testing.transport import MockRouter

AUTH = {"accessToken": "test-access-token", "refreshToken": "test-refresh-token"}
DEFINITIONS = "https://api.hubapi.com/events/v3/event-definitions"
SCHEMAS = "https://api.hubapi.com/crm/v3/schemas?archived=false"


def choices(router: MockRouter, action: str, field: str, payload: dict[str, Any] | None = None) -> Any:
    integration = create_test_integration(definition, router)
    return integration.test_dynamic_field(action, field, settings={"portalId": "123"}, auth=AUTH, payload=payload)


def test_behavioral_event_names_are_the_accounts_event_definitions() -> None:
    router = MockRouter().add("GET", DEFINITIONS, json={"results": [
        {"name": "Signed up", "fullyQualifiedName": "pe123_signed_up"}, {"name": "Paid", "fullyQualifiedName": "pe123_paid"}]})  # fmt: skip
    found = choices(router, "sendCustomBehavioralEvent", "eventName")
    assert [(c.label, c.value) for c in found.choices] == [("Signed up", "pe123_signed_up"), ("Paid", "pe123_paid")]


def test_custom_event_names_leave_out_archived_and_unlabelled_ones_sorted_by_label() -> None:
    results = [{"labels": {"singular": "zeta"}, "fullyQualifiedName": "pe123_z"},
               {"labels": {"plural": "Alphas"}, "fullyQualifiedName": "pe123_a"},
               {"labels": {"singular": "Gone"}, "fullyQualifiedName": "pe123_g", "archived": True},
               {"labels": {}, "fullyQualifiedName": "pe123_none"}]  # fmt: skip
    router = MockRouter().add("GET", f"{DEFINITIONS}/?includeProperties=false", json={"results": results})
    assert [c.value for c in choices(router, "customEvent", "event_name").choices] == ["pe123_a", "pe123_z"]


def test_object_types_add_the_accounts_custom_objects_to_hubspots_own() -> None:
    router = MockRouter().add(
        "GET", SCHEMAS, json={"results": [{"labels": {"plural": "Pets"}, "fullyQualifiedName": "p123_pets"}]}
    )
    found = choices(router, "customEvent", "record_details")
    assert [c.label for c in found.choices] == ["Company", "Contact", "Deal", "Pets (Custom)", "Ticket"]


def test_association_labels_read_category_and_type() -> None:
    labels = "https://api.hubapi.com/crm/v4/associations/deals/contacts/labels"
    router = MockRouter().add("GET", labels, json={"results": [{"category": "HUBSPOT_DEFINED", "typeId": 3, "label": None},
                                                               {"category": "USER_DEFINED", "typeId": 42, "label": "Buyer"}]})  # fmt: skip
    found = choices(
        router, "upsertCustomObjectRecord", "associationLabel", {"objectType": "deals", "toObjectType": "contacts"}
    )
    assert [(c.label, c.value) for c in found.choices] == [
        ("Unlabeled Association (Type 3)", "HUBSPOT_DEFINED:3"),
        ("Buyer", "USER_DEFINED:42"),
    ]


def test_a_refusal_is_the_choices_error_with_hubspots_message() -> None:
    router = MockRouter().add(
        "GET", DEFINITIONS, 403, json={"message": "This app hasn't been granted all required scopes"}
    )
    found = choices(router, "sendCustomBehavioralEvent", "eventName")
    assert found.choices == [] and found.error is not None and "403" in found.error and "scopes" in found.error
