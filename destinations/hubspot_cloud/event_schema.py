"""Custom event schemas for ``customEvent``: clean the payload, describe it, compare it with HubSpot's.

HubSpot custom events have a definition (name, primary object, typed properties). Before sending,
the action makes the payload fit one, as Segment's destination does:

* names: lower case, anything but ``a-z0-9_-`` (events) or ``a-z0-9_`` (properties) becomes ``_``;
  a property name must then start with a letter;
* values: booleans and numbers stay, ``"true"``/``"false"`` become booleans, anything JavaScript's
  ``Number()`` reads becomes a number (``""`` and null too: 0), objects become JSON text, the rest
  trimmed text;
* each property is typed ``number``, ``boolean`` or ``string`` (format ``date``, ``datetime`` or
  ``string``), and compared with HubSpot's definition: a full match, properties missing, or no
  definition at all. A number HubSpot keeps as a string is sent as a string.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any

from framework.errors import PayloadValidationError
from framework.jsvalues import JS_WHITESPACE, js_string, json_stringify, string_to_number

__all__ = [
    "EventSchema",
    "SchemaDiff",
    "clean_payload",
    "clean_property_name",
    "string_format",
    "schema_of",
    "hubspot_schema",
    "compare",
    "property_body",
]

_ISO_DATETIME = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])(?:([ T])(\d{2}):?(\d{2})(?::?(\d{2})"
                           r"(?:[,.](\d{1,}))?)?(?:(Z)|([+\-])(\d{2})(?::?(\d{2}))?)?)?$")  # fmt: skip
_DATE_ONLY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_CREATED = "(created by Segment)"


@dataclass
class EventSchema:
    """An event definition: its name, HubSpot's full name once known, and ``{property: (type, format)}``."""

    name: str
    primary_object: str = ""
    properties: dict[str, tuple[str, str | None]] = field(default_factory=dict)
    fully_qualified_name: str | None = None


@dataclass
class SchemaDiff:
    """How an event's schema compares with HubSpot's: ``full_match``, ``properties_missing`` or ``no_match``."""

    match: str
    missing: dict[str, tuple[str, str | None]] = field(default_factory=dict)
    numeric_strings: list[str] = field(default_factory=list)


def _js_number(value: Any) -> float:
    if value is None:
        return 0.0
    if isinstance(value, list):
        return string_to_number(js_string(value))
    if isinstance(value, str):
        return string_to_number(value)
    return math.nan


def _clean_value(value: Any) -> Any:
    if isinstance(value, (bool, int, float)):
        return value
    if isinstance(value, str) and value.lower().strip(JS_WHITESPACE) in ("true", "false"):
        return value.lower().strip(JS_WHITESPACE) == "true"
    number = _js_number(value)
    if not math.isnan(number):
        return int(number) if number.is_integer() else number
    if isinstance(value, (dict, list)):
        return str(json_stringify(value)).strip(JS_WHITESPACE)
    return js_string(value).strip(JS_WHITESPACE)


def _underscored(text: str, allowed: re.Pattern[str]) -> str:
    """Every character not ``allowed`` as ``_``, one per UTF-16 unit (an emoji is two, as in JavaScript)."""
    return "".join(char if allowed.match(char) else "_" * (2 if ord(char) > 0xFFFF else 1) for char in text)


_EVENT_CHARACTER = re.compile(r"[a-z0-9_-]")
_PROPERTY_CHARACTER = re.compile(r"[a-z0-9_]")


def clean_property_name(name: str) -> str:
    cleaned = _underscored(name.lower(), _PROPERTY_CHARACTER)
    if not re.match(r"^[a-z]", cleaned):
        raise PayloadValidationError(
            f"Property {cleaned} in event has an invalid name. Property names must start with a letter."
        )
    return cleaned


def clean_payload(payload: dict[str, Any]) -> dict[str, Any]:
    """The payload checked and cleaned as the module docstring says (a new dict; the input is kept)."""
    record = dict(payload["record_details"])
    is_contact = record.get("object_type") == "contact"
    has_number_id = isinstance(record.get("object_id"), (int, float)) and not isinstance(record.get("object_id"), bool)
    if not is_contact and not has_number_id:
        raise PayloadValidationError("object_id is required and must be numeric")
    if is_contact and not has_number_id and not record.get("email") and not record.get("utk"):
        raise PayloadValidationError(
            "Contact requires at least one of object_id (as number), email or utk to be provided"
        )
    if not is_contact:
        record.pop("email", None)
        record.pop("utk", None)
    name = _underscored(str(payload["event_name"]).lower(), _EVENT_CHARACTER).strip(JS_WHITESPACE)
    properties = {
        clean_property_name(key): _clean_value(value) for key, value in (payload.get("properties") or {}).items()
    }
    return {**payload, "record_details": record, "event_name": name, "properties": properties}


def string_format(text: str) -> str:
    if _ISO_DATETIME.match(text):
        return "date" if _DATE_ONLY.match(text) else "datetime"
    return "string"


def _type_of(value: Any) -> tuple[str, str | None]:
    if isinstance(value, bool):
        return ("boolean", None)
    if isinstance(value, (int, float)):
        return ("number", None)
    return ("string", string_format(value))


def schema_of(cleaned: dict[str, Any]) -> EventSchema:
    """The schema a cleaned payload needs."""
    properties = {key: _type_of(value) for key, value in cleaned["properties"].items() if value is not None}
    return EventSchema(cleaned["event_name"], cleaned["record_details"].get("object_type") or "", properties)


def hubspot_schema(schema: EventSchema, definition: dict[str, Any]) -> EventSchema | None:
    """HubSpot's definition as seen by ``schema``'s properties (None when archived); refuses clashing types."""
    if definition.get("archived"):
        return None
    theirs = {prop.get("name"): prop for prop in definition.get("properties") or []}
    properties: dict[str, tuple[str, str | None]] = {}
    for name, (kind, string_format) in schema.properties.items():
        match = theirs.get(name)
        if match is None:
            continue
        if match.get("archived") is True:
            raise PayloadValidationError(f"Hubspot.CustomEvent.getSchemaFromHubspot: Property {name} is archived")
        other = match.get("type")
        clash = (kind in ("object", "string", "boolean") and other == "number") or (
            kind == "number" and other in ("datetime", "enumeration"))  # fmt: skip
        if clash:
            raise PayloadValidationError(f"Hubspot.CustomEvent.getSchemaFromHubspot: Expected type {kind} for "
                                         f"property {name} - Hubspot returned type {other}")  # fmt: skip
        properties[name] = ("string", "string") if kind == "number" and other == "string" else (kind, string_format)
    return EventSchema(str(definition.get("name")), "", properties, definition.get("fullyQualifiedName"))


def compare(schema: EventSchema, theirs: EventSchema | None) -> SchemaDiff:
    """Which of the three cases ``schema`` is in against HubSpot's ``theirs``."""
    if theirs is None:
        return SchemaDiff("no_match")
    if schema.name not in (theirs.name, theirs.fully_qualified_name):
        raise PayloadValidationError("Hubspot.CustomEvent.compareSchemas: Schema names don't match")
    diff = SchemaDiff("full_match")
    for name, ours in schema.properties.items():
        other = theirs.properties.get(name)
        if other is None:
            diff.missing[name] = ours
        elif ours[0] == "number" and other[0] == "string":
            diff.numeric_strings.append(name)
        elif ours != other:
            raise PayloadValidationError("Hubspot.CustomEvent.compareSchemas: Schema property types don't match")
    if diff.missing:
        diff.match = "properties_missing"
    return diff


_BOOLEAN_OPTIONS = [{"label": "true", "value": True, "hidden": False, "description": "True", "displayOrder": 1},
                    {"label": "false", "value": False, "hidden": False, "description": "False", "displayOrder": 2}]  # fmt: skip


def property_body(event_name: str, name: str, kind: str, string_format: str | None) -> dict[str, Any]:
    """The property definition HubSpot gets for one of the event's properties."""
    body: dict[str, Any] = {"name": name, "label": name, "type": kind, "description": f"{name} - {_CREATED}"}
    if kind == "object":
        body["type"] = "string"
    elif kind == "boolean":
        body.update(type="enumeration", options=_BOOLEAN_OPTIONS)
    elif kind == "string" and string_format in ("date", "datetime"):
        body["type"] = "datetime"
    elif kind != "number" and not (kind == "string" and string_format == "string"):
        raise PayloadValidationError(f"Property {name} in event {event_name} has an unsupported type: {kind}")
    return body
