"""DestinationInstance.run_subscription and send_batch: one subscription alone, maybe with another mapping."""

from __future__ import annotations

import json
from typing import Any

import pytest

from framework.instance import DestinationInstance
from framework.testing import MockRouter

URL = "https://hooks.example.com/in"


def webhook(router: MockRouter) -> DestinationInstance:
    subscriptions: list[dict[str, Any]] = [
        {"subscribe": 'type = "track"', "partnerAction": "send",
         "mapping": {"url": URL, "method": "POST", "data": {"who": {"@path": "$.userId"}}}},
        {"subscribe": 'type = "identify"', "partnerAction": "send", "enabled": False,
         "mapping": {"url": URL, "method": "POST", "data": {"traits": {"@path": "$.traits"}}}},
    ]  # fmt: skip
    settings = {"subscriptions": subscriptions}
    return DestinationInstance.from_settings(settings, "actions-webhook", session=router.session())


def test_one_subscription_runs_alone_even_when_disabled() -> None:
    router = MockRouter().add("POST", URL, status=200)
    with webhook(router) as instance:
        result = instance.run_subscription(1, {"type": "identify", "userId": "u", "traits": {"a": 1}})
    assert (result.index, result.status.value) == (1, "delivered")
    assert [json.loads(r.body or b"") for r in router.requests] == [{"traits": {"a": 1}}]


def test_an_edited_mapping_is_used_for_that_call_only() -> None:
    router = MockRouter().add("POST", URL, status=200)
    event = {"type": "track", "event": "E", "userId": "u7"}
    edited = {"url": URL, "method": "POST", "data": {"id": {"@path": "$.userId"}, "edited": True}}
    with webhook(router) as instance:
        instance.run_subscription(0, event, mapping=edited)
        instance.run_subscription(0, event)
    assert [json.loads(r.body or b"") for r in router.requests] == [{"id": "u7", "edited": True}, {"who": "u7"}]


def test_a_batch_goes_through_one_subscription_with_one_result_per_event() -> None:
    router = MockRouter().add("POST", URL, status=200)
    events = [{"type": "track", "event": "E", "userId": f"u{i}"} for i in range(3)]
    with webhook(router) as instance:
        run = instance.send_batch(0, events, mapping={"url": URL, "method": "POST", "enable_batching": True,
                                                      "data": {"who": {"@path": "$.userId"}}})  # fmt: skip
    assert [r.status.value for r in run.results if r is not None] == ["delivered"] * 3
    assert json.loads(router.requests[0].body or b"") == [{"who": "u0"}, {"who": "u1"}, {"who": "u2"}]


def test_an_unknown_subscription_is_named() -> None:
    with webhook(MockRouter()) as instance, pytest.raises(IndexError, match="has no subscription 5"):
        instance.run_subscription(5, {"type": "track", "event": "E"})
