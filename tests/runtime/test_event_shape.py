"""event_problem names the first malformed spec key of an event, or accepts it."""

from typing import Any

import pytest

from framework.runtime import event_problem


@pytest.mark.parametrize(
    "event, problem",
    [
        ([], "the event should be a JSON object but it is an array."),
        ("identify", "the event should be a JSON object but it is a string."),
        (None, "the event should be a JSON object but it is null."),
        ({"type": 5}, "the event's type should be a string but it is a number."),
        ({"type": "track", "event": ["x"]}, "the event's event should be a string but it is an array."),
        ({"traits": "email"}, "the event's traits should be an object but it is a string."),
        ({"properties": [1]}, "the event's properties should be an object but it is an array."),
        ({"context": True}, "the event's context should be an object but it is a boolean."),
        ({"userId": {"id": 1}}, "the event's userId should be a string but it is an object."),
    ],
)
def test_malformed_events_are_described(event: Any, problem: str) -> None:
    assert event_problem(event) == problem


@pytest.mark.parametrize(
    "event",
    [
        {},
        {"type": "identify", "userId": None, "anonymousId": "a", "traits": {}},
        {"type": "track", "userId": 123, "properties": {"x": [1]}, "unknownKey": object()},
    ],
)
def test_well_formed_events_pass(event: dict[str, Any]) -> None:
    assert event_problem(event) is None
