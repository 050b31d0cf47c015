"""How the actions write HubSpot property values: trimmed text, flattened custom properties.

HubSpot properties are flat strings, numbers and booleans. The mapped ``properties`` object is
flattened as Segment's destination does: a nested object becomes its JSON text, an array its items
joined by ``;`` (objects among them as JSON), text is trimmed, empty values are left out::

    >>> flatten_properties({"plan": " pro ", "tags": ["a", {"b": 1}], "meta": {"x": 1}, "gone": None})
    {'plan': 'pro', 'tags': 'a;{"b":1}', 'meta': '{"x":1}'}

Bodies are built with :data:`UNDEFINED` for unmapped fields so a custom property of the same name
takes the standard field's place, as in a JavaScript object spread; :func:`defined` drops the rest.
"""

from __future__ import annotations

import re
from typing import Any

from framework.jsvalues import JS_WHITESPACE, UNDEFINED, js_string, json_stringify, remove_undefined

__all__ = ["flatten_properties", "trimmed", "lowered", "present", "defined", "event_name_for_hubspot"]


def _flat_value(value: Any) -> Any:
    if isinstance(value, list):
        return ";".join(js_string(json_stringify(item)) if isinstance(item, (dict, list)) or item is None
                        else js_string(item) for item in value)  # fmt: skip
    if isinstance(value, dict):
        return json_stringify(value)
    if isinstance(value, str):
        return value.strip(JS_WHITESPACE)
    return value


def flatten_properties(properties: dict[str, Any] | None) -> dict[str, Any]:
    """The custom properties as HubSpot takes them (see the module docstring)."""
    if not isinstance(properties, dict):
        return {}
    return {key: _flat_value(value) for key, value in properties.items() if value is not None}


def trimmed(payload: dict[str, Any], key: str) -> Any:
    """The payload's text trimmed, or ``UNDEFINED`` when it has none."""
    value = payload.get(key)
    return value.strip(JS_WHITESPACE) if isinstance(value, str) else UNDEFINED


def lowered(payload: dict[str, Any], key: str) -> Any:
    """The payload's text lower-cased and trimmed (lifecycle stages), or ``UNDEFINED``."""
    value = payload.get(key)
    return value.lower().strip(JS_WHITESPACE) if isinstance(value, str) else UNDEFINED


def present(payload: dict[str, Any], key: str) -> Any:
    """The payload's value as mapped (null kept), or ``UNDEFINED`` when the key is absent."""
    return payload[key] if key in payload else UNDEFINED


def defined(body: dict[str, Any]) -> dict[str, Any]:
    """``body`` without its undefined members (what JSON text leaves out)."""
    result: dict[str, Any] = remove_undefined(body)
    return result


def event_name_for_hubspot(name: str) -> str:
    """Segment's event-name rewrite: runs of spaces and dots become ``_``, then lower case."""
    return re.sub(r"[\s.]+", "_", name).lower()
