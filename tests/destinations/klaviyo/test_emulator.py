"""The Klaviyo emulator over loopback HTTP, driven by the real instance: state follows what was sent."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import requests

from destinations.klaviyo.emulator import KlaviyoEmulator, start_klaviyo_emulator
from framework.instance import DestinationInstance, SubscriptionStatus

KEY = {"api_key": "pk_emulator_test"}


@pytest.fixture
def emulator() -> Iterator[KlaviyoEmulator]:
    started = start_klaviyo_emulator()
    yield started
    started.stop()


def instance(emulator: KlaviyoEmulator, action: str, mapping: dict[str, Any]) -> DestinationInstance:
    subscription = {"name": action, "subscribe": 'type = "identify" or type = "track"', "partnerAction": action,
                    "mapping": mapping}  # fmt: skip
    return DestinationInstance.from_settings({**KEY, "subscriptions": [subscription]}, endpoint=emulator.base_url)


def send(emulator: KlaviyoEmulator, action: str, mapping: dict[str, Any], event: dict[str, Any]) -> SubscriptionStatus:
    with instance(emulator, action, mapping) as running:
        return running.send(event)[0].status


def identify(email: str, user_id: str = "u-1", **traits: Any) -> dict[str, Any]:
    return {"type": "identify", "userId": user_id, "traits": {"email": email, **traits}, "messageId": f"m-{email}"}


def test_upsert_creates_then_updates_the_same_profile_by_email(emulator: KlaviyoEmulator) -> None:
    mapping = {"email": {"@path": "$.traits.email"}, "first_name": {"@path": "$.traits.firstName"}}
    assert (
        send(emulator, "upsertProfile", mapping, identify("ann@example.com", firstName="Ann"))
        is SubscriptionStatus.DELIVERED
    )
    assert (
        send(emulator, "upsertProfile", mapping, identify("ann@example.com", firstName="Anne"))
        is SubscriptionStatus.DELIVERED
    )
    assert [p["first_name"] for p in emulator.state.profiles.values()] == ["Anne"]
    assert [r.status for r in emulator.requests()] == [201, 409, 200]


def test_list_membership_follows_add_and_remove(emulator: KlaviyoEmulator) -> None:
    emulator.state.add_list("Vip")
    mapping = {"email": {"@path": "$.traits.email"}, "list_id": "Vip"}
    assert send(emulator, "addProfileToList", mapping, identify("ann@example.com")) is SubscriptionStatus.DELIVERED
    assert len(emulator.state.lists["Vip"]["members"]) == 1
    assert send(emulator, "removeProfile", mapping, identify("ann@example.com")) is SubscriptionStatus.DELIVERED
    assert emulator.state.lists["Vip"]["members"] == set()


def test_an_unknown_list_answers_klaviyo_s_404_and_is_not_made(emulator: KlaviyoEmulator) -> None:
    headers = {"Authorization": f"Klaviyo-API-Key {KEY['api_key']}"}
    read = requests.get(f"{emulator.base_url}/api/lists/LstGone", headers=headers, timeout=5)
    assert read.status_code == 404
    [error] = read.json()["errors"]
    assert (error["status"], error["code"], error["title"]) == (404, "not_found", "Not found.")
    assert error["detail"] == "A list with id LstGone does not exist." and error["id"]
    emulator.state.profiles["P1"] = {"email": "ann@example.com"}
    members = f"{emulator.base_url}/api/lists/LstGone/relationships/profiles/"
    for method in ("POST", "DELETE"):
        answer = requests.request(method, members, headers=headers, json={"data": [{"type": "profile", "id": "P1"}]},
                                  timeout=5)  # fmt: skip
        assert answer.status_code == 404 and answer.json()["errors"][0]["code"] == "not_found"
    assert emulator.state.lists == {}


def test_a_made_list_is_read_back(emulator: KlaviyoEmulator) -> None:
    headers = {"Authorization": f"Klaviyo-API-Key {KEY['api_key']}"}
    made = requests.post(f"{emulator.base_url}/api/lists", headers=headers, timeout=5,
                         json={"data": {"type": "list", "attributes": {"name": "VIP"}}})  # fmt: skip
    list_id = made.json()["data"]["id"]
    read = requests.get(f"{emulator.base_url}/api/lists/{list_id}", headers=headers, timeout=5)
    assert read.status_code == 200
    assert read.json()["data"] == {"type": "list", "id": list_id, "attributes": {"name": "VIP"}}


def test_a_national_phone_number_arrives_in_e164(emulator: KlaviyoEmulator) -> None:
    mapping = {"phone_number": {"@path": "$.traits.phone"}, "country_code": "US"}
    event = {"type": "identify", "userId": "u-9", "traits": {"phone": "(415) 555-0100"}}
    assert send(emulator, "upsertProfile", mapping, event) is SubscriptionStatus.DELIVERED
    assert [p["phone_number"] for p in emulator.state.profiles.values()] == ["+14155550100"]


def test_subscribe_then_unsubscribe_records_the_consent(emulator: KlaviyoEmulator) -> None:
    mapping = {"email": {"@path": "$.traits.email"}, "list_id": "News"}
    send(emulator, "subscribeProfile", mapping, identify("ann@example.com"))
    (profile,) = emulator.state.profiles.values()
    assert profile["subscriptions"]["email"]["marketing"]["consent"] == "SUBSCRIBED"
    assert len(emulator.state.lists["News"]["members"]) == 1
    send(emulator, "unsubscribeProfile", mapping, identify("ann@example.com"))
    assert profile["subscriptions"]["email"]["marketing"]["consent"] == "UNSUBSCRIBED"


def test_an_order_and_its_products_are_events_of_one_profile(emulator: KlaviyoEmulator) -> None:
    mapping = {"profile": {"email": {"@path": "$.properties.email"}}, "properties": {"@path": "$.properties"},
               "products": {"@path": "$.properties.products"}}  # fmt: skip
    event = {"type": "track", "event": "Order Completed", "userId": "u-1",
             "properties": {"email": "ann@example.com", "total": 30, "products": [{"sku": "a"}, {"sku": "b"}]}}  # fmt: skip
    assert send(emulator, "orderCompleted", mapping, event) is SubscriptionStatus.DELIVERED
    assert [e["metric"] for e in emulator.state.events] == ["Order Completed", "Ordered Product", "Ordered Product"]
    assert len({e["profile_id"] for e in emulator.state.events}) == 1


def test_a_batch_imports_every_valid_profile_and_refuses_the_others_alone(emulator: KlaviyoEmulator) -> None:
    mapping = {
        "email": {"@path": "$.traits.email"},
        "phone_number": {"@path": "$.traits.phone"},
        "enable_batching": True,
    }
    events = [identify("a@example.com"), {"type": "identify", "userId": "u-2", "traits": {"phone": "123"}},
              identify("b@example.com", user_id="u-3")]  # fmt: skip
    with instance(emulator, "upsertProfile", mapping) as running:
        run = running.send_batch(0, events)
    statuses = [result.status for result in run.results if result is not None]
    assert statuses == [SubscriptionStatus.DELIVERED, SubscriptionStatus.INVALID, SubscriptionStatus.DELIVERED]
    assert sorted(p["email"] for p in emulator.state.profiles.values()) == ["a@example.com", "b@example.com"]
    assert [r.path for r in emulator.requests()] == ["/api/profile-bulk-import-jobs/"]


def test_calls_without_the_api_key_are_refused(emulator: KlaviyoEmulator) -> None:
    answer = requests.get(f"{emulator.base_url}/api/lists/", timeout=5)
    assert answer.status_code == 401
    assert "Klaviyo-API-Key" in answer.json()["errors"][0]["detail"]


def test_the_shared_fault_mix_applies() -> None:
    faulty = start_klaviyo_emulator(faults="500:1.0", seed=1)
    try:
        mapping = {"email": {"@path": "$.traits.email"}}
        with instance(faulty, "upsertProfile", mapping) as running:
            result = running.send(identify("ann@example.com"))[0]
        assert result.status is not SubscriptionStatus.DELIVERED
        assert faulty.state.profiles == {}
    finally:
        faulty.stop()
