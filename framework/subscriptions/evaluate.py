"""Evaluation of an AST against an event, with Segment's comparison rules.

Segment compares strictly and without coercing the event's value: `=` is true only for a string
equal to `String(expected)`, `<`/`>` only for numbers, `contains`/`match` only for strings,
`exists` for anything but null/missing. `make_test(operator, expected)` precomputes the expected
side once, so a compiled trigger (predicate.py) and this reference walk share one definition.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Final

from framework.jsvalues import UNDEFINED, js_string
from framework.subscriptions.nodes import EVENT_KEY_OF_KIND, NESTED_FIELDS
from framework.subscriptions.operands import get_path, is_js_number, js_number, split_path

__all__ = ["Test", "make_test", "actual_value", "evaluate", "event_key", "OPERATORS", "NUMERIC_OPERATORS"]

Test = Callable[[Any], bool]

OPERATORS: Final = frozenset(
    {
        "=",
        "!=",
        "<",
        "<=",
        ">",
        ">=",
        "number_equals",
        "number_not_equals",
        "contains",
        "not_contains",
        "starts_with",
        "not_starts_with",
        "ends_with",
        "not_ends_with",
        "exists",
        "not_exists",
        "is_true",
        "is_false",
    }
)
NUMERIC_OPERATORS: Final = frozenset({"number_equals", "number_not_equals", "<", "<=", ">", ">="})
"""Operators that compare `Number(expected)` with an actual value that must be a number."""


def event_key(node_type: Any) -> str | None:
    """The event's top-level key a node reads (`event-property` → `properties`), None if unknown."""
    return EVENT_KEY_OF_KIND.get(node_type) if isinstance(node_type, str) else None


def actual_value(node: dict[str, Any], event: Any) -> Any:
    """The event value a condition compares: a top-level field, or Segment's `get()` below one."""
    key = event_key(node.get("type", ""))
    if key is None:
        return UNDEFINED
    root = event.get(key, UNDEFINED) if isinstance(event, dict) else UNDEFINED
    if key in NESTED_FIELDS:
        name = node.get("name")
        return get_path(root, split_path(name)) if isinstance(name, str) else UNDEFINED
    return root


def make_test(operator: Any, expected: Any) -> Test:
    """A one-argument test of the actual value; unknown operators never match (as in Segment)."""
    factory = _TEST_FACTORIES.get(operator) if isinstance(operator, str) else None
    return factory(expected) if factory else _never


def _never(actual: Any) -> bool:
    return False


def _equals(expected: Any) -> Test:
    text = js_string(expected)
    return lambda actual: actual == text and isinstance(actual, str)


def _not_equals(expected: Any) -> Test:
    text = js_string(expected)
    return lambda actual: not (actual == text and isinstance(actual, str))


def _numeric(compare: Callable[[float, float], bool]) -> Callable[[Any], Test]:
    def factory(expected: Any) -> Test:
        number = js_number(expected)
        return lambda actual: is_js_number(actual) and compare(js_number(actual), number)

    return factory


def _textual(compare: Callable[[str, str], bool]) -> Callable[[Any], Test]:
    def factory(expected: Any) -> Test:
        text = js_string(expected)
        return lambda actual: isinstance(actual, str) and compare(actual, text)

    return factory


def _constant_test(test: Test) -> Callable[[Any], Test]:
    return lambda expected: test


_TEST_FACTORIES: Final[dict[str, Callable[[Any], Test]]] = {
    "=": _equals,
    "!=": _not_equals,
    "number_equals": _numeric(lambda a, b: a == b),
    "number_not_equals": _numeric(lambda a, b: a != b),
    "<": _numeric(lambda a, b: a < b),
    "<=": _numeric(lambda a, b: a <= b),
    ">": _numeric(lambda a, b: a > b),
    ">=": _numeric(lambda a, b: a >= b),
    "contains": _textual(lambda a, b: b in a),
    "not_contains": _textual(lambda a, b: b not in a),
    "starts_with": _textual(str.startswith),
    "not_starts_with": _textual(lambda a, b: not a.startswith(b)),
    "ends_with": _textual(str.endswith),
    "not_ends_with": _textual(lambda a, b: not a.endswith(b)),
    "exists": _constant_test(lambda actual: actual is not None and actual is not UNDEFINED),
    "not_exists": _constant_test(lambda actual: actual is None or actual is UNDEFINED),
    "is_true": _constant_test(lambda actual: actual is True),
    "is_false": _constant_test(lambda actual: actual is False),
}


def evaluate(node: Any, event: Any) -> bool:
    """Walks the AST (the reference the compiled predicate must agree with)."""
    if not isinstance(node, dict) or "error" in node:
        return False
    if node.get("type") == "group":
        children = node.get("children") or []
        if node.get("operator") == "and":
            return all(evaluate(child, event) for child in children)
        if node.get("operator") == "or":
            return any(evaluate(child, event) for child in children)
        return False
    if event_key(node.get("type", "")) is None:
        return False
    test = make_test(node.get("operator", ""), node.get("value", UNDEFINED))
    return test(actual_value(node, event))
