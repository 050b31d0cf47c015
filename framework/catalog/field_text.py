"""How fields read to a person: types, defaults and resolved values, for ``describe``, ``map``, ``explain``.

One place, so the terminal and the catalog page never disagree about what a field is.
"""

from __future__ import annotations

import json
from typing import Any

__all__ = ["type_text", "default_text", "is_required", "trace_value_text"]

_VALUE_WIDTH = 48


def type_text(field: Any) -> str:
    """``string``, ``string (email)``, ``object``, ``string[]`` for multiple, ``one of: a, b`` for choices."""
    text = str(getattr(field, "type", "?"))
    if getattr(field, "format", None):
        text += f" ({field.format})"
    if getattr(field, "multiple", False):
        text += "[]"
    choices = getattr(field, "choices", None)
    if choices:
        values = [getattr(choice, "value", choice) for choice in choices]
        text += " one of: " + ", ".join(str(value) for value in values)
    return text


def is_required(field: Any) -> bool:
    """True when the field must always be present (conditionally required fields say so elsewhere)."""
    return getattr(field, "required", False) is True


def default_text(default: Any) -> str:
    """A mapping default in one line: ``@path $.traits.email`` for the common case, else compact JSON."""
    if isinstance(default, dict) and set(default) == {"@path"}:
        return f"@path {default['@path']}"
    if isinstance(default, dict) and set(default) == {"@template"}:
        return f"@template {default['@template']}"
    return json.dumps(default, ensure_ascii=False, separators=(", ", ": "))


def trace_value_text(trace: Any) -> str:
    """A resolved field value for a table cell: compact JSON cut to fit, or ``(absent)``."""
    if not trace.present:
        return "(absent)"
    text = json.dumps(trace.value, ensure_ascii=False, default=str)
    return text if len(text) <= _VALUE_WIDTH else text[: _VALUE_WIDTH - 1] + "…"
