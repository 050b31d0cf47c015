"""The ``*2`` actions: the first version's request, with an insert-only sync mode checked before perform."""

from __future__ import annotations

import json
from typing import Any

from destinations.facebook_conversions_api import definition
from framework.instance import DestinationInstance
from framework.testing import MockRouter

EVENTS_URL = "https://graph.facebook.com/v24.0/123456789012345/events"
EVENT = {"type": "track", "event": "Signed Up", "userId": "u1", "messageId": "m1",
         "timestamp": "2026-12-06T12:00:00.000Z", "context": {"traits": {"email": "a@b.c"}}}  # fmt: skip


def sent(action: str, mapping: dict[str, Any]) -> tuple[str, list[Any]]:
    router = MockRouter().add("POST", EVENTS_URL, status=200, json={"events_received": 1})
    settings = {"pixelId": "123456789012345", "token": "t",
                "subscriptions": [{"subscribe": 'type = "track"', "partnerAction": action, "mapping": mapping}]}  # fmt: skip
    with DestinationInstance.from_settings(settings, definition.slug, session=router.session()) as instance:
        [result] = instance.send(EVENT)
    return result.status.value, [json.loads(r.body or b"") for r in router.requests]


def test_every_first_version_has_a_second_with_the_same_fields_and_insert_only() -> None:
    for key, first in definition.actions.items():
        if key.endswith("2"):
            continue
        second = definition.actions[f"{key}2"]
        assert second.title == f"{first.title} V2" and second.fields == first.fields
        assert second.sync_mode is not None and second.sync_mode.allowed == ("add",)
        assert first.sync_mode is None


def test_custom2_sends_what_custom_sends() -> None:
    mapping = {"action_source": "app", "event_name": {"@path": "$.event"}, "event_time": {"@path": "$.timestamp"},
               "user_data": {"email": {"@path": "$.context.traits.email"}}}  # fmt: skip
    first = sent("custom", mapping)
    second = sent("custom2", {**mapping, "__segment_internal_sync_mode": "add"})
    assert first == second and first[0] == "delivered"


def test_a_mode_other_than_add_is_invalid_and_sends_nothing() -> None:
    mapping = {"action_source": "app", "event_name": "E", "event_time": {"@path": "$.timestamp"},
               "user_data": {"email": "a@b.c"}, "__segment_internal_sync_mode": "upsert"}  # fmt: skip
    assert sent("custom2", mapping) == ("invalid", [])
