"""Klaviyo's lists as Engage audiences and its user deletion, as a destination author tests them.

Request parity with Segment is ``conformance/test_audience_conformance.py``; here: the harness, a
``responses`` test through a real instance, and the emulator's state after each call.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
import responses

from destinations.klaviyo import definition
from destinations.klaviyo.audiences import NOT_OWNED
from destinations.klaviyo.emulator import KlaviyoEmulator, start_klaviyo_emulator
from framework.errors import APIError, IntegrationError, PayloadValidationError
from framework.instance import DestinationInstance
from framework.runtime.audience_calls import create_audience, get_audience, instance_parts
from framework.runtime.deletion import delete_user
from framework.testing import create_test_integration

KEY = {"api_key": "pk_test_not_a_real_key"}
LISTS = "https://a.klaviyo.com/api/lists"
SUBSCRIPTION = {"subscribe": 'type = "identify"', "partnerAction": "upsertProfile",
                "mapping": {"email": {"@path": "$.traits.email"}, "external_id": {"@path": "$.userId"}}}  # fmt: skip


def test_the_definition_declares_segment_s_audience_part() -> None:
    config = definition.audience_config
    assert config is not None and config.creates_audiences
    assert (config.mode.type, config.mode.full_audience_sync) == ("synced", False)
    assert list(definition.audience_fields) == ["listId"] and definition.audience_fields["listId"].type == "string"
    assert definition.on_delete is not None


def test_an_audience_with_a_list_id_setting_uses_that_list_without_a_request() -> None:
    tester = create_test_integration(definition)
    result = tester.test_create_audience("VIP", settings=KEY, audience_settings={"listId": "LstChosen"})
    assert result.external_id == "LstChosen" and tester.requests == []


def test_a_new_audience_is_a_new_list_named_after_it() -> None:
    tester = create_test_integration(definition)
    tester.transport.add("POST", LISTS, status=201, json={"data": {"type": "list", "id": "LstNew"}})
    assert tester.test_create_audience("VIP ü", settings=KEY).external_id == "LstNew"
    [sent] = tester.requests
    assert sent.json() == {"data": {"type": "list", "attributes": {"name": "VIP ü"}}}
    assert sent.headers["revision"] == "2025-01-15"
    assert sent.headers["Authorization"] == "Klaviyo-API-Key pk_test_not_a_real_key"
    with pytest.raises(PayloadValidationError, match="^Missing audience name value$"):
        tester.test_create_audience("", settings=KEY)


def test_get_audience_refuses_a_list_of_another_id_and_says_klaviyo_s_detail() -> None:
    tester = create_test_integration(definition)
    tester.transport.add("GET", f"{LISTS}/L1", json={"data": {"type": "list", "id": "Other"}})
    tester.transport.add("GET", f"{LISTS}/L404", status=404, json={"errors": [{"detail": "No list L404."}]})
    with pytest.raises(IntegrationError) as not_owned:
        tester.test_get_audience("L1", settings=KEY)
    assert (not_owned.value.message, not_owned.value.code, not_owned.value.status) == (
        NOT_OWNED,
        "INVALID_REQUEST_DATA",
        400,
    )
    with pytest.raises(APIError) as missing:
        tester.test_get_audience("L404", settings=KEY)
    assert (missing.value.message, missing.value.status) == ("No list L404.", 404)


def test_responses_sees_the_audience_calls_of_a_real_instance() -> None:
    with DestinationInstance.from_settings({**KEY, "subscriptions": [SUBSCRIPTION]}, "actions-klaviyo") as instance:
        with responses.RequestsMock() as mock:  # unmatched requests fail, none reach the network
            mock.post(LISTS, status=201, json={"data": {"type": "list", "id": "LstNew"}})
            mock.get(f"{LISTS}/LstNew", json={"data": {"type": "list", "id": "LstNew"}})
            created = create_audience(instance.definition, "VIP", **instance_parts(instance))
            checked = get_audience(instance.definition, created.external_id, **instance_parts(instance))
            body = mock.calls[0].request.body
        assert created == checked and checked.external_id == "LstNew"
        assert isinstance(body, bytes) and json.loads(body)["data"]["attributes"]["name"] == "VIP"


@pytest.fixture
def emulator() -> Iterator[KlaviyoEmulator]:
    started = start_klaviyo_emulator()
    yield started
    started.stop()


def test_against_the_emulator_a_created_audience_is_found_and_a_deleted_user_is_gone(emulator: KlaviyoEmulator) -> None:
    settings = {**KEY, "subscriptions": [SUBSCRIPTION]}
    with DestinationInstance.from_settings(settings, "actions-klaviyo", endpoint=emulator.base_url) as instance:
        created = create_audience(instance.definition, "VIP users", **instance_parts(instance))
        assert get_audience(instance.definition, created.external_id, **instance_parts(instance)) == created
        assert emulator.state.lists[created.external_id]["name"] == "VIP users"
        [result] = instance.send({"type": "identify", "userId": "u-1", "traits": {"email": "ann@example.com"}})
        assert result.status.value == "delivered"
        [profile_id] = emulator.state.profiles
        answer = delete_user(instance.definition, user_id=profile_id, **instance_parts(instance))
        assert answer.status_code == 202 and emulator.state.profiles == {}


def test_against_the_emulator_an_unknown_list_fails_with_klaviyo_s_404(emulator: KlaviyoEmulator) -> None:
    settings = {**KEY, "subscriptions": [SUBSCRIPTION]}
    with DestinationInstance.from_settings(settings, "actions-klaviyo", endpoint=emulator.base_url) as instance:
        with pytest.raises(APIError) as refused:
            get_audience(instance.definition, "LstGone", **instance_parts(instance))
    assert (refused.value.message, refused.value.status) == ("A list with id LstGone does not exist.", 404)
    assert emulator.state.lists == {}
