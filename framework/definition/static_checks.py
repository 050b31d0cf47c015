"""Segment's static checks of a destination definition, as errors and warnings: a library feature.

``actions validate`` prints them; the standard test suite (``framework.testing.standard_suite``) fails
on an error; a tool can call ``check_definition`` directly.

Errors are what would break a user's instance: no actions, an action without a description, a preset
naming an unknown action or field, a default trigger or preset trigger that does not parse, a field
default that is not a valid mapping, a setting that looks secret but is not typed ``password`` (it
would be shown in clear in the UI and logs). Warnings are what makes a destination hard to use: a
field without a description, an auth default of the wrong type.

Each finding says where (``action "prospects" field "email"``), what, and what to do.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Literal

__all__ = ["Finding", "check_definition", "SECRET_NAME"]

SECRET_NAME = re.compile(r"key|token|secret|password|passwd|credential|code", re.IGNORECASE)
"""Setting names that hold credentials (Segment's ``validate-secret-fields`` list, plus a few)."""


@dataclass(frozen=True)
class Finding:
    """One problem: ``error`` fails ``actions validate``, ``warning`` is reported only."""

    level: Literal["error", "warning"]
    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.level}: {self.where}: {self.message}"


def check_definition(definition: Any) -> list[Finding]:
    """Every finding for ``definition``, errors first, in definition order."""
    findings = list(_destination_findings(definition))
    findings.sort(key=lambda finding: finding.level != "error")
    return findings


def _destination_findings(definition: Any) -> Iterator[Finding]:
    actions: Mapping[str, Any] = getattr(definition, "actions", None) or {}
    if not actions:
        yield Finding(
            "error",
            f'destination "{definition.name}"',
            "does not define any actions; add one (see docs/writing-a-destination.md)",
        )
    for key, action in actions.items():
        yield from _action_findings(key, action)
    yield from _settings_findings(definition)
    for index, preset in enumerate(getattr(definition, "presets", None) or []):
        yield from _preset_findings(index, preset, actions)


def _action_findings(key: str, action: Any) -> Iterator[Finding]:
    where = f'action "{key}"'
    if not (getattr(action, "description", "") or "").strip():
        yield Finding("error", where, "has no description; say what the action does in one sentence")
    trigger = getattr(action, "default_subscription", None)
    if trigger:
        problem = _fql_problem(trigger)
        if problem:
            yield Finding("error", where, f"has an invalid default_subscription {trigger!r}: {problem}")
    for field_key, field in (getattr(action, "fields", None) or {}).items():
        yield from _field_findings(f'{where} field "{field_key}"', field_key, field)
    dynamic = getattr(action, "dynamic_fields", None) or {}
    for field_key, field in (getattr(action, "fields", None) or {}).items():
        if getattr(field, "dynamic", False) and field_key not in dynamic:
            yield Finding(
                "warning",
                f'{where} field "{field_key}"',
                "is dynamic but the action has no dynamic_fields function for it; `actions fields` cannot list its choices",
            )


def _field_findings(where: str, key: str, field: Any) -> Iterator[Finding]:
    if not (getattr(field, "description", "") or "").strip():
        yield Finding("warning", where, "has no description; users see it in the mapping UI and the catalog")
    default = getattr(field, "default", None)
    if default is not None:
        problem = _mapping_problem({key: default})
        if problem:
            yield Finding("error", where, f"default is not a valid mapping: {problem}")


def _settings_findings(definition: Any) -> Iterator[Finding]:
    authentication = getattr(definition, "authentication", None)
    fields: Mapping[str, Any] = getattr(authentication, "fields", None) or {}
    for key, field in fields.items():
        where = f'setting "{key}"'
        kind = getattr(field, "type", None)
        if SECRET_NAME.search(key) and kind != "password":
            yield Finding(
                "error",
                where,
                f"looks like a secret but is typed {kind!r}; type it 'password' so "
                "it is masked in the UI and redacted in output",
            )
        if not (getattr(field, "description", "") or "").strip():
            yield Finding("warning", where, "has no description; say where the user finds this value")
        yield from _default_type_findings(where, field)


def _default_type_findings(where: str, field: Any) -> Iterator[Finding]:
    kind, default = getattr(field, "type", None), getattr(field, "default", None)
    wrong_boolean = kind == "boolean" and default is not None and not isinstance(default, bool)
    wrong_number = (
        kind in ("number", "integer")
        and default is not None
        and (isinstance(default, bool) or not isinstance(default, (int, float)))
    )
    if wrong_boolean or wrong_number:
        yield Finding(
            "warning",
            where,
            f"is typed {kind!r} but its default {default!r} is a "
            f"{type(default).__name__}; give a default of the field's type",
        )


def _preset_findings(index: int, preset: Any, actions: Mapping[str, Any]) -> Iterator[Finding]:
    name = getattr(preset, "name", None) or f"#{index}"
    where = f'preset "{name}"'
    action_key = getattr(preset, "partner_action", None)
    action = actions.get(action_key) if action_key else None
    if action is None:
        yield Finding(
            "error",
            where,
            f"names action {action_key!r}, which this destination does not define "
            f"(actions: {', '.join(actions) or 'none'})",
        )
    if getattr(preset, "type", "automatic") == "automatic":
        problem = _fql_problem(getattr(preset, "subscribe", "") or "")
        if problem:
            yield Finding("error", where, f"has an invalid subscribe trigger: {problem}")
    mapping = getattr(preset, "mapping", None) or {}
    if action is not None:
        fields = getattr(action, "fields", None) or {}
        for key in mapping:
            if key not in fields:
                yield Finding(
                    "error",
                    where,
                    f"maps field {key!r}, which action {action_key!r} does not have (fields: {', '.join(fields)})",
                )
    problem = _mapping_problem(mapping)
    if problem:
        yield Finding("error", where, f"mapping is not valid: {problem}")


def _fql_problem(text: str) -> str | None:
    from framework.subscriptions import FQLSyntaxError, parse_fql

    if not text.strip():
        return 'the trigger is empty; write one such as type = "track"'
    try:
        parse_fql(text)
    except FQLSyntaxError as error:
        return str(error)
    return None


def _mapping_problem(mapping: Any) -> str | None:
    from framework.mapping import MappingValidationError, validate_mapping

    try:
        validate_mapping(mapping)
    except MappingValidationError as error:
        return "; ".join(error.errors) if getattr(error, "errors", None) else str(error)
    return None
