"""upsertProfile's list: the dynamic ``list_id`` choices and the ``retlOnMappingSave`` hook, over mocked answers."""

from __future__ import annotations

from destinations.klaviyo import definition
from framework.testing.integration import create_test_integration
from framework.testing.transport import MockRouter

SETTINGS = {"api_key": "pk_test_lists"}
LISTS = "https://a.klaviyo.com/api/lists"


def test_list_id_choices_are_the_accounts_lists() -> None:
    router = MockRouter().add("GET", f"{LISTS}/", json={"data": [
        {"type": "list", "id": "Lst1", "attributes": {"name": "Newsletter"}},
        {"type": "list", "id": "Lst2", "attributes": {"name": "VIP ☃"}}]})  # fmt: skip
    choices = create_test_integration(definition, router).test_dynamic_field(
        "upsertProfile", "list_id", settings=SETTINGS
    )
    assert [(c.label, c.value) for c in choices.choices] == [("Newsletter", "Lst1"), ("VIP ☃", "Lst2")]
    assert router.requests[0].headers["Authorization"] == "Klaviyo-API-Key pk_test_lists"


def test_list_id_choices_report_a_refusal_without_the_key() -> None:
    router = MockRouter().add("GET", f"{LISTS}/", 401, json={"errors": [{"detail": "bad key"}]})
    choices = create_test_integration(definition, router).test_dynamic_field(
        "upsertProfile", "list_id", settings=SETTINGS
    )
    assert choices.choices == [] and choices.error and "401" in choices.error and "pk_test" not in choices.error


def test_the_hook_connects_to_an_existing_list() -> None:
    router = MockRouter().add("GET", f"{LISTS}/Lst1", json={"data": {"id": "Lst1", "attributes": {"name": "VIP"}}})
    result = create_test_integration(definition, router).test_hook(
        "upsertProfile", "retlOnMappingSave", {"list_identifier": "Lst1"}, settings=SETTINGS
    )
    assert result.error is None and result.saved_data == {"id": "Lst1", "name": "VIP"}


def test_the_hook_creates_a_list_by_name() -> None:
    router = MockRouter().add("POST", LISTS, 201, json={"data": {"id": "New1", "attributes": {"name": "Synced"}}})
    result = create_test_integration(definition, router).test_hook(
        "upsertProfile", "retlOnMappingSave", {"list_name": "Synced"}, settings=SETTINGS
    )
    assert result.saved_data == {"id": "New1", "name": "Synced"}
    assert router.requests[0].body == b'{"data":{"type":"list","attributes":{"name":"Synced"}}}'


def test_the_hook_reports_a_list_that_is_not_there() -> None:
    router = MockRouter().add("GET", f"{LISTS}/Gone", 404, json={"errors": [{"detail": "List not found."}]})
    result = create_test_integration(definition, router).test_hook(
        "upsertProfile", "retlOnMappingSave", {"list_identifier": "Gone"}, settings=SETTINGS
    )
    assert result.error and "List not found." in result.error and not result.saved_data
