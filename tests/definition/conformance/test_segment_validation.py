"""Our validation and JSON Schema export against Segment's own engine, case by recorded case.

``segment_validation.jsonl`` holds cases with what actions-core 3.170.0 answered (``record.py`` makes
it). Each case must give the same cleaned payload or the same human messages here, except the
divergences listed in DIVERGENCES, each with its reason.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from framework.definition import (
    ActionDefinition,
    Authentication,
    DestinationDefinition,
    InputField,
    compile_payload_validator,
    fields_to_json_schema,
)
from framework.definition.formats import is_date_like
from framework.errors import PayloadValidationError
from framework.testing.recordings import as_params, read_cases


def _load() -> list[dict[str, Any]]:
    """Cases with their fields put back (the file writes each distinct set of fields once)."""
    fieldsets: dict[str, dict[str, Any]] = {}
    cases = []
    for entry in read_cases(Path(__file__).parent / "segment_validation.jsonl"):
        if "fieldset" in entry and "fields" in entry:
            fieldsets[entry["fieldset"]] = entry["fields"]
        elif "fieldset" in entry:
            cases.append({**entry, "fields": fieldsets[entry["fieldset"]]})
        else:
            cases.append(entry)
    return cases


CASES = _load()

# id → why we answer differently from Segment on purpose.
DIVERGENCES: dict[str, str] = {
    "multi-8": "Segment drops every required sub-field of an object once one of its sub-fields is "
    "conditionally required (omitRequiredSchemas); ObjProps.x stays required here.",
    "schema-f6a393ee": "the same: our exported schema keeps ObjProps's nested 'required': ['x'].",
}


def _ours(case: dict[str, Any]) -> dict[str, Any]:
    fields = {key: InputField.model_validate(spec) for key, spec in case.get("fields", {}).items()}
    if case["kind"] == "schema":
        return {"ok": fields_to_json_schema(fields)}
    if case["kind"] == "date_like":
        return {"ok": is_date_like(case["text"])}
    try:
        if case["kind"] == "settings":
            return {"ok": _destination(fields).validate_settings(case["settings"])}
        return {"ok": compile_payload_validator(fields, "case")(case["payload"], batch=case["batch"])}
    except PayloadValidationError as error:
        return {"errors": error.errors}


def _destination(settings: dict[str, InputField]) -> DestinationDefinition:
    return DestinationDefinition(
        name="Case",
        slug="actions-case",
        authentication=Authentication(scheme="custom", fields=settings),
        actions={"noop": ActionDefinition(title="Noop", perform=lambda request, data: None)},
    )


def _same(ours: Any, theirs: Any) -> bool:
    """JSON equality as JavaScript sees it (``7.0`` is ``7``; ``True`` is not ``1``)."""
    return json.dumps(ours, sort_keys=True) == json.dumps(theirs, sort_keys=True) or _loose(ours, theirs)


def _loose(ours: Any, theirs: Any) -> bool:
    if isinstance(ours, bool) or isinstance(theirs, bool):
        return ours is theirs
    if isinstance(ours, (int, float)) and isinstance(theirs, (int, float)):
        return ours == theirs
    if isinstance(ours, dict) and isinstance(theirs, dict):
        return ours.keys() == theirs.keys() and all(_loose(ours[k], theirs[k]) for k in ours)
    if isinstance(ours, list) and isinstance(theirs, list):
        return len(ours) == len(theirs) and all(_loose(a, b) for a, b in zip(ours, theirs, strict=True))
    return ours == theirs


@pytest.mark.parametrize("case", as_params(CASES, DIVERGENCES))
def test_matches_segment(case: dict[str, Any]) -> None:
    ours, theirs = _ours(case), case["segment"]
    given = case.get("payload", case.get("settings", case.get("text")))
    assert _same(ours, theirs), f"fields {case.get('fields')} input {given!r}"
