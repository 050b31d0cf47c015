"""Writes an AST back as FQL text, the way Segment's `generateFql` does, for messages and round trips."""

from __future__ import annotations

import re
from typing import Any, Final

from framework.jsvalues import UNDEFINED, js_string
from framework.subscriptions.nodes import EVENT_KEY_OF_KIND, NESTED_FIELDS
from framework.subscriptions.operands import is_js_number, js_number

__all__ = ["render_fql", "field_text"]

_PLAIN_NAME: Final = re.compile(r"[^a-zA-Z0-9._-]")
_FUNCTIONS: Final = {
    "contains": ("contains", "{}"),
    "starts_with": ("match", "{}*"),
    "ends_with": ("match", "*{}"),
}


def render_fql(node: Any) -> str:
    """FQL text for a node; a group's sub-groups get parentheses, the root's do not."""
    if isinstance(node, dict) and node.get("type") == "group":
        joiner = f" {node.get('operator')} "
        return joiner.join(_render_child(child) for child in node.get("children") or [])
    return _render_condition(node)


def _render_child(node: Any) -> str:
    text = render_fql(node)
    is_group = isinstance(node, dict) and node.get("type") == "group" and len(node.get("children") or []) > 1
    return f"({text})" if is_group else text


def field_text(node: dict[str, Any]) -> str:
    """`properties.price`, `traits.my\\ key`, `type`: the field as a user writes it."""
    node_type = node.get("type")
    field = EVENT_KEY_OF_KIND.get(node_type) if isinstance(node_type, str) else None
    if field in NESTED_FIELDS:
        return f"{field}.{_PLAIN_NAME.sub(lambda m: chr(92) + m.group(0), str(node.get('name', '')))}"
    return field or str(node_type)


def _render_condition(node: Any) -> str:
    if not isinstance(node, dict):
        return repr(node)
    field, operator = field_text(node), str(node.get("operator"))
    value = node.get("value", UNDEFINED)
    negated = operator.startswith("not_") and operator[4:] in _FUNCTIONS
    base = operator[4:] if negated else operator
    if base in _FUNCTIONS:
        function, pattern = _FUNCTIONS[base]
        return f'{"!" if negated else ""}{function}({field}, "{pattern.format(js_string(value))}")'
    simple = {"exists": "!= null", "not_exists": "= null", "is_true": "= true", "is_false": "= false"}
    if operator in simple:
        return f"{field} {simple[operator]}"
    if operator in ("number_equals", "number_not_equals"):
        return f"{field} {'=' if operator == 'number_equals' else '!='} {js_string(js_number(value))}"
    return f"{field} {operator} {_render_value(value)}"


def _render_value(value: Any) -> str:
    if value is True or value is False or is_js_number(value):
        return js_string(value)
    return f'"{js_string(value)}"'
