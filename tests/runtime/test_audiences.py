"""framework.audiences: Engage audience events (identify traits, track properties) read as add/remove."""

from __future__ import annotations

from typing import Any

import pytest

from framework.audiences import audience_membership


def _personas(**extra: Any) -> dict[str, Any]:
    return {"personas": {"computation_class": "audience", "computation_id": "aud_1", **extra}}


@pytest.mark.parametrize(
    ("event", "expected"),
    [
        ({"type": "identify", "traits": {"vips": True}, "context": _personas(computation_key="vips")}, ("vips", "add")),
        (
            {"type": "identify", "traits": {"vips": False}, "context": _personas(computation_key="vips")},
            ("vips", "remove"),
        ),
        # the older key name
        ({"type": "identify", "traits": {"old": True}, "context": _personas(audience_key="old")}, ("old", "add")),
        # track: the property decides, whatever the event's name
        (
            {
                "type": "track",
                "event": "Audience Entered",
                "properties": {"vips": False},
                "context": _personas(computation_key="vips"),
            },
            ("vips", "remove"),
        ),
        # track without the boolean: the event name decides
        (
            {
                "type": "track",
                "event": "Audience Exited",
                "properties": {},
                "context": _personas(computation_key="vips"),
            },
            ("vips", "remove"),
        ),
        ({"type": "track", "event": "Audience Entered", "context": _personas(computation_key="vips")}, ("vips", "add")),
        # a string boolean, as some exports send it
        (
            {"type": "identify", "traits": {"vips": "true"}, "context": _personas(computation_key="vips")},
            ("vips", "add"),
        ),
    ],
)
def test_membership_is_read_from_the_event(event: dict[str, Any], expected: tuple[str, str]) -> None:
    membership = audience_membership(event)
    assert membership is not None
    assert (membership.audience_key, membership.change) == expected
    assert membership.computation_class == "audience" and membership.computation_id == "aud_1"


@pytest.mark.parametrize(
    "event",
    [
        {"type": "identify", "traits": {"vips": True}},  # no personas
        {"type": "identify", "traits": {"vips": True}, "context": {"personas": {}}},  # no key
        {"type": "identify", "traits": {}, "context": _personas(computation_key="vips")},  # no membership value
        {"type": "track", "event": "Order Completed", "properties": {}, "context": _personas(computation_key="vips")},
        {"type": "identify", "traits": {"vips": 1}, "context": _personas(computation_key="vips")},  # not a boolean
        {"type": "identify", "context": "not an object"},
    ],
)
def test_an_event_that_is_not_an_audience_update_gives_none(event: dict[str, Any]) -> None:
    assert audience_membership(event) is None


def test_the_external_audience_id_is_kept() -> None:
    event = {
        "type": "identify",
        "traits": {"vips": True},
        "context": _personas(computation_key="vips", external_audience_id="L7"),
    }
    membership = audience_membership(event)
    assert membership is not None and membership.external_audience_id == "L7"
