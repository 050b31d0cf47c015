"""Builds AST nodes in Segment's JSON shape from a field, an operator and a value token.

The table (docs/triggers.md, "Conditions") is Segment's `parseFql` condition construction: which
operator a `field op value` becomes depends on the field kind and on the value token, e.g.
`properties.price = 10` → `number_equals`, `traits.vip = false` → `is_false`,
`userId != null` → `exists`. One deliberate difference: `type`/`event` compared with `null`
become `exists`/`not_exists` like every other field (Segment compares them with the string "null").
"""

from __future__ import annotations

from typing import Any, Final

from framework.jsvalues import js_string
from framework.subscriptions.lexer import Kind, Token

__all__ = [
    "MAX_DEPTH",
    "ast_depth_exceeds",
    "FIELD_KINDS",
    "EVENT_KEY_OF_KIND",
    "TOP_LEVEL_FIELDS",
    "NESTED_FIELDS",
    "field_node",
    "condition_node",
    "group_node",
    "token_value",
]

MAX_DEPTH: Final = 64
"""Groups nest at most this deep, in text and in ASTs, so no trigger can exhaust the stack."""

TOP_LEVEL_FIELDS: Final = {"type": "event-type", "event": "event", "name": "name", "userId": "userId"}
NESTED_FIELDS: Final = {"properties": "event-property", "traits": "event-trait", "context": "event-context"}
FIELD_KINDS: Final = {**TOP_LEVEL_FIELDS, **NESTED_FIELDS}
EVENT_KEY_OF_KIND: Final = {kind: field for field, kind in FIELD_KINDS.items()}
"""The event's top-level key a node type reads (`event-property` → `properties`)."""
_TYPED_VALUE_KINDS: Final = frozenset({"userId", *NESTED_FIELDS.values()})


def token_value(token: Token) -> Any:
    """Segment's `getTokenValue`: strings unquoted, numbers as numbers, `true`/`false` as booleans."""
    if token.kind is Kind.NUMBER:
        number = float(token.value)
        return int(number) if number.is_integer() and abs(number) < 2**53 else number
    if token.kind is Kind.FIELD and token.value in ("true", "false"):
        return token.value == "true"
    return token.value


def field_node(path: str) -> dict[str, Any]:
    """The node skeleton for a supported field path (the caller has checked the first segment)."""
    head, _, rest = path.partition(".")
    kind = FIELD_KINDS[head]
    return {"type": kind, "name": rest} if head in NESTED_FIELDS else {"type": kind}


def condition_node(path: str, operator: str, value: Token) -> dict[str, Any]:
    """`field operator value` as Segment's parser derives it (section "Conditions" of the docs)."""
    node = field_node(path)
    kind = node["type"]
    special = _special_operator(kind, operator, value)
    if special is not None:
        node["operator"] = special
        return node
    typed = token_value(value)
    if kind in NESTED_FIELDS.values() and value.kind is Kind.NUMBER and operator in ("=", "!="):
        node.update(operator="number_equals" if operator == "=" else "number_not_equals", value=typed)
        return node
    node.update(operator=operator, value=typed if kind in NESTED_FIELDS.values() else js_string(typed))
    return node


def _special_operator(kind: str, operator: str, value: Token) -> str | None:
    """The value-less operators: (not_)exists for null, is_true/is_false where Segment has them."""
    if value.kind is Kind.NULL and operator in ("=", "!="):
        return "not_exists" if operator == "=" else "exists"
    is_boolean = value.kind is Kind.FIELD and value.value in ("true", "false")
    if is_boolean and operator == "=" and kind in _TYPED_VALUE_KINDS:
        return "is_true" if value.value == "true" else "is_false"
    return None


def group_node(operator: str, children: list[dict[str, Any]]) -> dict[str, Any]:
    """A group; a single child stands alone, as in Segment's parser."""
    if len(children) == 1:
        return children[0]
    return {"type": "group", "operator": operator, "children": children}


def ast_depth_exceeds(ast: Any, limit: int = MAX_DEPTH) -> bool:
    """Whether groups nest deeper than `limit` (checked without recursion, so any input is safe)."""
    pending = [(ast, 0)]
    while pending:
        node, depth = pending.pop()
        if isinstance(node, dict) and node.get("type") == "group":
            if depth > limit:
                return True
            children = node.get("children")
            if isinstance(children, list):
                pending.extend((child, depth + 1) for child in children)
    return False
