"""``upsertObject`` payloads made ready to send: merged by id, checked, cleaned and typed.

Segment's Custom Object V2 prepares a batch before any call, in this order:

1. with sync mode ``upsert`` or ``update``, payloads for the same record (same ``id_field_value``)
   are merged into the first one's place: the later event's property wins, associations add up
   (payloads without an id value are left out here);
2. payloads missing the object type, id field name or id value (null or ``""``) are dropped; a lone
   payload so dropped is refused;
3. property names are lower-cased with anything but ``a-z0-9_`` as ``_`` and must start with a
   letter; values: booleans and numbers stay, ``"true"``/``"false"`` become booleans, objects JSON
   text, other text is trimmed, nulls are left out;
4. each property gets HubSpot's type for its value (:func:`property_types`), to compare with the
   object's properties in HubSpot and create the missing ones (:func:`missing_properties`).
"""

from __future__ import annotations

import time
from typing import Any

from framework.errors import IntegrationError, PayloadValidationError
from framework.jsvalues import JS_WHITESPACE, js_string, json_stringify
from framework.mapping.liquid.dates import parse_date

from .event_schema import clean_property_name, string_format

__all__ = ["merged_by_id", "valid_payloads", "property_types", "hubspot_types", "missing_properties"]

# (type, fieldType) pairs this action reads and writes; any other HubSpot property is ignored.
KNOWN_TYPES = {("date", "date"), ("string", "text"), ("number", "number"), ("datetime", "date"),
               ("enumeration", "booleancheckbox"), ("string", "textarea")}  # fmt: skip
REQUIRED = ("id_field_name", "id_field_value", "object_type")
ASSOCIATION_REQUIRED = ("id_field_name", "object_type", "id_field_value", "association_label")


def _time_of(timestamp: Any) -> float | None:
    """The event's time in seconds, or None when it is not a date."""
    moment = parse_date(timestamp) if isinstance(timestamp, str) and timestamp else None
    return moment.timestamp() if moment is not None else None


def _timed(payloads: list[dict[str, Any]], raw_events: list[Any] | None) -> list[dict[str, Any]]:
    """Every payload with a time to merge by: its own, else its raw event's, else now (Segment's order)."""
    now = time.time()
    timed = []
    for index, payload in enumerate(payloads):
        raw = raw_events[index] if raw_events and index < len(raw_events) else None
        own, fallback = (
            _time_of(payload.get("timestamp")),
            _time_of(raw.get("timestamp") if isinstance(raw, dict) else None),
        )
        timed.append({**payload, "timestamp": own if own is not None else fallback if fallback is not None else now})
    return timed


def _association_key(association: dict[str, Any]) -> str:
    keys = ("object_type", "association_label", "id_field_name", "id_field_value")
    return "|".join(js_string(association.get(key)) for key in keys)


def _merge(existing: dict[str, Any], incoming: dict[str, Any]) -> dict[str, Any]:
    newer = incoming["timestamp"] >= existing["timestamp"]
    merged = {**existing}
    for key in ("properties", "sensitive_properties"):
        values = dict(existing.get(key) or {})
        for name, value in (incoming.get(key) or {}).items():
            if name not in values or newer:
                values[name] = value
        merged[key] = values
    associations = {_association_key(item): item for item in existing.get("associations") or []}
    for item in incoming.get("associations") or []:
        associations.setdefault(_association_key(item), item)
    merged["associations"] = list(associations.values())
    merged["timestamp"] = incoming.get("timestamp") if newer else existing.get("timestamp")
    return merged


def merged_by_id(payloads: list[dict[str, Any]], raw_events: list[Any] | None = None) -> list[dict[str, Any]]:
    """One payload per record id, in first-seen order, without ``timestamp`` (step 1)."""
    by_id: dict[Any, dict[str, Any]] = {}
    for payload in _timed(payloads, raw_events):
        record_id = (payload.get("object_details") or {}).get("id_field_value")
        if not record_id:
            continue
        by_id[record_id] = _merge(by_id[record_id], payload) if record_id in by_id else dict(payload)
    return [{key: value for key, value in payload.items() if key != "timestamp"} for payload in by_id.values()]


def _filled(item: dict[str, Any], keys: tuple[str, ...]) -> bool:
    return all(item.get(key) is not None and item.get(key) != "" for key in keys)


def _clean_value(value: Any) -> Any:
    if isinstance(value, (bool, int, float)):
        return value
    if isinstance(value, str):
        lowered = value.lower().strip(JS_WHITESPACE)
        return lowered == "true" if lowered in ("true", "false") else value.strip(JS_WHITESPACE)
    if isinstance(value, (dict, list)):
        return str(json_stringify(value)).strip(JS_WHITESPACE)
    return js_string(value).strip(JS_WHITESPACE)


def _clean_properties(values: Any) -> dict[str, Any] | None:
    if values is None:
        return None
    cleaned: dict[str, Any] = {}
    for name, value in values.items():
        key = clean_property_name(name)
        if value is None:
            cleaned.pop(key, None)
        else:
            cleaned[key] = _clean_value(value)
    return cleaned


def _cleaned(payload: dict[str, Any]) -> dict[str, Any]:
    result = {**payload}
    for key in ("properties", "sensitive_properties"):
        result[key] = _clean_properties(payload.get(key))
    for key in ("associations", "dissociations"):
        if payload.get(key) is not None:
            result[key] = [dict(item) for item in payload[key] if _filled(item, ASSOCIATION_REQUIRED)]
    return result


def valid_payloads(payloads: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The payloads with an object type, id field and id value, cleaned (steps 2 and 3)."""
    kept = [payload for payload in payloads if _filled(payload.get("object_details") or {}, REQUIRED)]
    if len(payloads) == 1 and not kept:
        raise PayloadValidationError('Payload is missing required fields. Null or empty values are not allowed for '
                                     '"Object Type", "ID Field Name" or "ID Field Value".')  # fmt: skip
    return [_cleaned(payload) for payload in kept]


def _type_of(value: Any) -> tuple[str, str]:
    if isinstance(value, bool):
        return ("enumeration", "booleancheckbox")
    if isinstance(value, (int, float)):
        return ("number", "number")
    if isinstance(value, str):
        kind = string_format(value)
        return ("string", "text") if kind == "string" else (kind, "date")
    return ("string", "text")


def property_types(payloads: list[dict[str, Any]], key: str) -> dict[str, tuple[str, str]]:
    """``{name: (type, fieldType)}`` of the payloads' ``properties`` or ``sensitive_properties`` (the last wins)."""
    types: dict[str, tuple[str, str]] = {}
    for payload in payloads:
        for name, value in (payload.get(key) or {}).items():
            types[name] = _type_of(value)
    return types


def hubspot_types(answer: dict[str, Any]) -> dict[str, tuple[str, str]]:
    """``{name: (type, fieldType)}`` of the object's HubSpot properties this action knows how to write."""
    found = {}
    for item in answer.get("results") or []:
        kind = (item.get("type"), item.get("fieldType"))
        if kind in KNOWN_TYPES:
            found[item.get("name")] = kind
    return found


def _compatible(wanted: tuple[str, str], existing: tuple[str, str]) -> bool:
    """The same type, or payload text going into a HubSpot text area."""
    return wanted == existing or (wanted == ("string", "text") and existing == ("string", "textarea"))


def missing_properties(wanted: dict[str, tuple[str, str]], existing: dict[str, tuple[str, str]]) -> list[str]:
    """The names of ``wanted`` HubSpot lacks; a property HubSpot types differently is refused."""
    missing = []
    for name, kind in wanted.items():
        if name not in existing:
            missing.append(name)
        elif not _compatible(kind, existing[name]):
            have = existing[name]
            raise IntegrationError(f"Payload property with name {name} has a different type to the property in "
                                   f"HubSpot. Expected: type = {kind[0]} fieldType = {kind[1]}. Received: type = "
                                   f"{have[0]} fieldType = {have[1]}", "HUBSPOT_PROPERTY_TYPE_MISMATCH", 400)  # fmt: skip
    return missing
