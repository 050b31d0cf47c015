"""The destination against its stateful emulator over loopback HTTP: what HubSpot would end up holding."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from destinations.hubspot_cloud import definition
from destinations.hubspot_cloud.emulator import HubSpotEmulator, start_hubspot_emulator
from framework.instance import DestinationInstance
from framework.runtime import run_batch

AUTH = {"access_token": "emulator-access-token", "refresh_token": "emulator-refresh-token",
        "clientId": "emulator-client-id", "clientSecret": "emulator-client-secret"}  # fmt: skip


@pytest.fixture
def emulator() -> Iterator[HubSpotEmulator]:
    started = start_hubspot_emulator(AUTH, {"portalId": "123"})
    yield started
    started.stop()


def instance_for(emulator: HubSpotEmulator, action: str, mapping: dict[str, Any] | None = None) -> DestinationInstance:
    """An instance of one subscription: the action's default mapping with ``mapping`` over it."""
    mapping = {**definition.actions[action].default_mapping(), **(mapping or {})}
    settings = {"portalId": "123", "oauth": AUTH,
                "subscriptions": [{"subscribe": 'type = "identify" or type = "group" or type = "track"',
                                   "partnerAction": action, "mapping": mapping}]}  # fmt: skip
    return DestinationInstance.from_settings(settings, "actions-hubspot-cloud", endpoint=emulator.base_url)


def identify(email: str, **traits: Any) -> dict[str, Any]:
    return {"type": "identify", "userId": "u-1", "traits": {"email": email, **traits}}


def statuses(instance: DestinationInstance, event: dict[str, Any]) -> list[str]:
    return [result.status.value for result in instance.send(event)]


def test_a_contact_is_created_once_then_updated_by_email(emulator: HubSpotEmulator) -> None:
    mapping = {"email": {"@path": "$.traits.email"}, "firstname": {"@path": "$.traits.firstName"}}
    with instance_for(emulator, "upsertContact", mapping) as instance:
        assert statuses(instance, identify("ann@example.com", firstName="Ann")) == ["delivered"]
        assert statuses(instance, identify("ann@example.com", firstName="Annie")) == ["delivered"]
    assert [props["firstname"] for props in emulator.store.contacts.values()] == ["Annie"]
    assert [call[:2] for call in emulator.calls][:2] == [
        ("PATCH", "/crm/v3/objects/contacts/ann@example.com?idProperty=email"),
        ("POST", "/crm/v3/objects/contacts"),
    ]


def test_a_lifecycle_stage_moves_backwards_by_clearing_it_first(emulator: HubSpotEmulator) -> None:
    with instance_for(emulator, "upsertContact", {"email": {"@path": "$.traits.email"},
                                                  "lifecyclestage": {"@path": "$.traits.stage"}}) as instance:  # fmt: skip
        statuses(instance, identify("ann@example.com", stage="customer"))
        assert statuses(instance, identify("ann@example.com", stage="Lead")) == ["delivered"]
    assert [props["lifecyclestage"] for props in emulator.store.contacts.values()] == ["lead"]


def test_an_expired_token_is_refreshed_and_the_event_delivered(emulator: HubSpotEmulator) -> None:
    emulator.expire_tokens()
    with instance_for(emulator, "upsertContact", {"email": {"@path": "$.traits.email"}}) as instance:
        assert statuses(instance, identify("ann@example.com")) == ["delivered"]
    paths = [call[1] for call in emulator.calls]
    assert "/oauth/v1/token" in paths and len(emulator.store.contacts) == 1


def test_a_new_portal_gets_the_group_id_property_then_the_company(emulator: HubSpotEmulator) -> None:
    emulator.store.group_id_property = False
    group = {"type": "group", "userId": "u-1", "groupId": "org-1", "traits": {"name": "Acme"}}
    with instance_for(emulator, "upsertCompany", {"associateContact": False}) as instance:
        first = instance.send(group)
        assert [(r.status.value, r.resolution.value if r.resolution else None) for r in first] == [("failed", "retry")]
        assert statuses(instance, group) == ["delivered"]
        assert statuses(instance, {**group, "traits": {"name": "Acme Inc"}}) == ["delivered"]
    assert [(c["segment_group_id"], c["name"]) for c in emulator.store.companies.values()] == [("org-1", "Acme Inc")]


def test_a_batch_creates_the_missing_contacts_and_updates_the_others(emulator: HubSpotEmulator) -> None:
    emulator.store.create_contact({"email": "old@example.com", "firstname": "Old"})
    mapping = {
        "email": {"@path": "$.traits.email"},
        "firstname": {"@path": "$.traits.firstName"},
        "enable_batching": True,
    }
    events = [identify("old@example.com", firstName="Renewed"), identify("NEW@example.com", firstName="New")]
    with instance_for(emulator, "upsertContact", mapping) as instance:
        pipeline = instance._pipeline  # noqa: SLF001 - the batch path has no public instance method yet
        run = run_batch(pipeline, pipeline.subscriptions[0], events)
    assert [result.status.value for result in run.results if result is not None] == ["delivered", "delivered"]
    held = sorted((props["email"], props["firstname"]) for props in emulator.store.contacts.values())
    assert held == [("new@example.com", "New"), ("old@example.com", "Renewed")]


def test_custom_events_define_their_schema_once_then_send(emulator: HubSpotEmulator) -> None:
    mapping = {"__segment_internal_sync_mode": "upsert", "event_name": {"@path": "$.event"},
               "record_details": {"object_type": "contact", "email": {"@path": "$.context.traits.email"}},
               "properties": {"@path": "$.properties"}}  # fmt: skip
    track = {"type": "track", "event": "Order Completed", "userId": "u-1", "properties": {"total": "42.5"},
             "context": {"traits": {"email": "ann@example.com"}}}  # fmt: skip
    with instance_for(emulator, "customEvent", mapping) as instance:
        assert statuses(instance, track) == ["delivered"]
        assert statuses(instance, {**track, "properties": {"total": 7, "coupon": "X"}}) == ["delivered"]
    definition = emulator.store.definitions["pe123_order_completed"]
    assert [prop["name"] for prop in definition["properties"]] == ["total", "coupon"]
    assert [event["properties"] for event in emulator.store.events] == [{"total": 42.5}, {"total": 7, "coupon": "X"}]


def test_a_deal_is_created_associated_with_its_contact_then_updated(emulator: HubSpotEmulator) -> None:
    contact_id, _ = emulator.store.create_contact({"email": "ann@example.com"})
    mapping = {"objectType": "deals", "properties": {"dealname": {"@path": "$.properties.order_id"},
                                                     "amount": {"@path": "$.properties.total"}},
               "customObjectSearchFields": {"dealname": {"@path": "$.properties.order_id"}},
               "toObjectType": "contacts", "associationLabel": "HUBSPOT_DEFINED:3",
               "searchFieldsToAssociateCustomObjects": {"email": {"@path": "$.context.traits.email"}}}  # fmt: skip
    order = {"type": "track", "event": "Order Completed", "userId": "u-1", "properties": {"order_id": "o-1", "total": 10},
             "context": {"traits": {"email": "ann@example.com"}}}  # fmt: skip
    with instance_for(emulator, "upsertCustomObjectRecord", mapping) as instance:
        assert statuses(instance, order) == ["delivered"]
        assert statuses(instance, {**order, "properties": {"order_id": "o-1", "total": 12}}) == ["delivered"]
    deals = emulator.store.objects["deals"]
    assert [props for props in deals.values()] == [{"dealname": "o-1", "amount": 12}]
    (deal_id,) = deals
    assert [link[:4] for link in emulator.store.links] == [("deals", deal_id, "contacts", contact_id)] * 2


OBJECT_MAPPING: dict[str, Any] = {
    "object_details": {"object_type": "deal", "id_field_name": "deal_key", "id_field_value": {"@path": "$.properties.key"},
                       "property_group": "segment"},
    "properties": {"Amount": {"@path": "$.properties.amount"}, "stage": {"@path": "$.properties.stage"}},
    "associations": [{"object_type": "company", "association_label": "HUBSPOT_DEFINED:342", "id_field_name": "domain",
                      "id_field_value": {"@path": "$.properties.domain"}}],
}  # fmt: skip


def deal(key: str, **properties: Any) -> dict[str, Any]:
    return {"type": "track", "event": "Deal Changed", "userId": "u-1", "properties": {"key": key, **properties},
            "timestamp": "2026-12-06T12:00:00.000Z"}  # fmt: skip


def test_custom_object_v2_creates_properties_once_then_upserts_and_links(emulator: HubSpotEmulator) -> None:
    mapping = {**OBJECT_MAPPING, "__segment_internal_sync_mode": "upsert"}
    with instance_for(emulator, "upsertObject", mapping) as instance:
        assert statuses(instance, deal("D-1", amount=1200, stage="open", domain="acme.example")) == ["delivered"]
        assert statuses(instance, deal("D-1", amount=1500, stage="won", domain="acme.example")) == ["delivered"]
    deals = emulator.store.objects["deals"]
    assert [(props["deal_key"], props["amount"], props["stage"]) for props in deals.values()] == [("D-1", 1500, "won")]
    assert [props["domain"] for props in emulator.store.companies.values()] == ["acme.example"]
    assert {kind for *_, kind in emulator.store.links} == {("342",)}
    created = [call for call in emulator.calls if call[1] == "/crm/v3/properties/deal/batch/create"]
    assert len(created) == 1  # the second event finds both properties defined
    assert {d["name"]: d["type"] for d in emulator.store.property_definitions("deals", False)} == {
        "amount": "number",
        "stage": "string",
    }


def test_custom_object_v2_sync_modes_decide_what_may_be_created(emulator: HubSpotEmulator) -> None:
    base = {**OBJECT_MAPPING, "associations": []}
    with instance_for(emulator, "upsertObject", {**base, "__segment_internal_sync_mode": "update"}) as instance:
        assert statuses(instance, deal("D-9", amount=1)) == ["delivered"]  # nothing to update: nothing written
    assert not emulator.store.objects.get("deals")
    with instance_for(emulator, "upsertObject", {**base, "__segment_internal_sync_mode": "add"}) as instance:
        statuses(instance, deal("D-9", amount=1))
        statuses(instance, deal("D-9", amount=2))  # exists: add does not update it
    assert [props["amount"] for props in emulator.store.objects["deals"].values()] == [1]


def test_custom_object_v2_batch_merges_events_of_one_record(emulator: HubSpotEmulator) -> None:
    mapping = {**OBJECT_MAPPING, "associations": [], "__segment_internal_sync_mode": "upsert"}
    events = [deal("D-1", amount=1, stage="open"), {**deal("D-1", stage="won"), "timestamp": "2026-12-06T13:00:00Z"},
              deal("D-2", amount=7)]  # fmt: skip
    with instance_for(emulator, "upsertObject", mapping) as instance:
        pipeline = instance._pipeline  # noqa: SLF001 - the batch path has no public instance method yet
        run = run_batch(pipeline, pipeline.subscriptions[0], events)
    assert [result.status.value for result in run.results if result is not None] == ["delivered"] * 3
    held = sorted((p["deal_key"], p.get("amount"), p.get("stage")) for p in emulator.store.objects["deals"].values())
    assert held == [("D-1", 1, "won"), ("D-2", 7, None)]
    upserts = [call for call in emulator.calls if call[1] == "/crm/v3/objects/deal/batch/upsert"]
    assert len(upserts) == 1
