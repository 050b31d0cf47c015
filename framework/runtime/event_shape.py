"""The minimal shape an event must have before a trigger or mapping sees it.

Segment's tracking API refuses events that are not objects or whose spec fields have the wrong type,
so its engine never sees them. Events here may come from any file, so the runtime checks the same
few things itself and reports a malformed event as ``invalid`` instead of crashing on it.
"""

from __future__ import annotations

from typing import Any

from framework.jsvalues import json_type_phrase

__all__ = ["event_problem"]

_TEXT = (str,)
_ID = (str, int, float)
_OBJECT = (dict,)
# Keys whose values become queue columns (identity, ordering): a NUL byte there fails PostgreSQL's text.
_IDENTITY_KEYS = ("type", "event", "messageId", "userId", "anonymousId", "groupId", "previousId")
_SPEC_TYPES: dict[str, tuple[tuple[type, ...], str]] = {
    "type": (_TEXT, "a string"),
    "event": (_TEXT, "a string"),
    "messageId": (_TEXT, "a string"),
    "userId": (_ID, "a string"),
    "anonymousId": (_ID, "a string"),
    "properties": (_OBJECT, "an object"),
    "traits": (_OBJECT, "an object"),
    "context": (_OBJECT, "an object"),
    "integrations": (_OBJECT, "an object"),
}
_IDENTITY_KEY_SET = frozenset(_IDENTITY_KEYS)
_CHECKED_KEYS = frozenset(_SPEC_TYPES).union(_IDENTITY_KEYS)


def event_problem(event: Any) -> str | None:
    """None for a well-formed event, else a sentence saying which key is wrong and how.

    ``None`` values are allowed everywhere (Segment sends ``"userId": null`` for anonymous users).
    Runs for every event at intake and again at delivery: only the checked keys the event has are
    looked at (usually four or five of sixteen), and the ordered search for the sentence runs only
    when one of them is wrong.
    """
    if not isinstance(event, dict):
        return f"the event should be a JSON object but it is {json_type_phrase(event)}."
    for key in _CHECKED_KEYS.intersection(event):
        value = event[key]
        if value is None:
            continue
        types = _SPEC_TYPES.get(key)
        if (types is not None and (isinstance(value, bool) or not isinstance(value, types[0]))) or (
            key in _IDENTITY_KEY_SET and isinstance(value, str) and "\x00" in value
        ):
            return _first_problem(event)
    return None


def _first_problem(event: dict[str, Any]) -> str | None:
    """The sentence for the first wrong key, in the order of the checks (types first, then NUL bytes)."""
    for key, (types, expected) in _SPEC_TYPES.items():
        value = event.get(key)
        if value is not None and (isinstance(value, bool) or not isinstance(value, types)):
            return f"the event's {key} should be {expected} but it is {json_type_phrase(value)}."
    for key in _IDENTITY_KEYS:
        value = event.get(key)
        if isinstance(value, str) and "\x00" in value:
            return (
                f"the event's {key} contains a NUL character (\\u0000), which no queue column can hold; "
                "remove it from the value"
            )
    return None
