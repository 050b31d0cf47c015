"""Says why an event does not match a trigger: the first failing condition and the event's value.

`type = "identify" is false: type is "track"`. For `and`, the first failing condition is the reason;
for `or`, every alternative failed, so each one is named. Messages end up in `actions explain` and
in each `filtered` subscription result.
"""

from __future__ import annotations

import json
import math
from typing import Any

from framework.jsvalues import UNDEFINED
from framework.subscriptions.evaluate import NUMERIC_OPERATORS, actual_value, evaluate, event_key
from framework.subscriptions.operands import is_js_number
from framework.subscriptions.render import field_text, render_fql

__all__ = ["explain_mismatch"]

_TEXTUAL = frozenset({"=", "contains", "not_contains", "starts_with", "not_starts_with", "ends_with", "not_ends_with"})


def explain_mismatch(ast: Any, event: Any) -> str | None:
    """None when the event matches; otherwise one sentence naming what failed and what was there."""
    if evaluate(ast, event):
        return None
    if isinstance(ast, dict) and "error" in ast:
        return f"the trigger did not parse: {ast['error']}"
    return _explain(ast, event)


def _explain(node: Any, event: Any) -> str:
    if not isinstance(node, dict):
        return f"{node!r} is not a condition"
    if node.get("type") != "group":
        return _explain_condition(node, event)
    children = node.get("children") or []
    if node.get("operator") == "and":
        failing = next(child for child in children if not evaluate(child, event))
        return _explain(failing, event)
    if node.get("operator") == "or":
        reasons = "; ".join(_explain(child, event) for child in children)
        return (
            f"none of the {len(children)} alternatives matched ({reasons})"
            if children
            else "an empty 'or' never matches"
        )
    return f"a group with operator {node.get('operator')!r} never matches"


def _explain_condition(node: dict[str, Any], event: Any) -> str:
    if event_key(node.get("type")) is None:
        return f"a condition of type {node.get('type')!r} never matches"
    actual = actual_value(node, event)
    sentence = f"{render_fql(node)} is false: {field_text(node)} is {describe_value(actual)}"
    return sentence + _hint(str(node.get("operator")), actual)


def _hint(operator: str, actual: Any) -> str:
    """Points at the type rule when the value is there but of the wrong kind."""
    if actual is None or actual is UNDEFINED:
        return ""
    if operator in NUMERIC_OPERATORS and not is_js_number(actual):
        return " (this comparison needs a number)"
    if operator in _TEXTUAL and not isinstance(actual, str):
        return " (this comparison needs a string)"
    return ""


def describe_value(value: Any) -> str:
    """The event's value as JSON, `missing` when absent; long values are shortened."""
    if value is UNDEFINED:
        return "missing"
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    try:
        text = json.dumps(value, ensure_ascii=False, default=str)
    except (TypeError, ValueError):
        text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."
