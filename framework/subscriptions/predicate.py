"""Compiles an AST into one Python predicate, so matching an event costs a few calls, not a walk.

Each condition becomes a closure over its precomputed expected value (evaluate.make_test) and a
reader for its event value; the commonest shapes (`type = "identify"`, a one-key property) read
the event with a single dict lookup. Groups become `all`/`any` over their children, with two-child
groups inlined. Results always equal evaluate.evaluate on the same AST (a property test checks).
"""

from __future__ import annotations

from typing import Any, Callable

from framework.subscriptions.evaluate import event_key, make_test
from framework.subscriptions.jsvalues import UNDEFINED, get_path, js_string, split_path
from framework.subscriptions.nodes import NESTED_FIELDS

__all__ = ["Predicate", "compile_predicate"]

Predicate = Callable[[Any], bool]


def compile_predicate(node: Any) -> Predicate:
    """The predicate for any AST node Segment's `validate` accepts; malformed nodes never match."""
    if not isinstance(node, dict) or "error" in node:
        return _never
    if node.get("type") == "group":
        return _compile_group(node.get("operator"), [compile_predicate(child) for child in node.get("children") or []])
    key = event_key(node.get("type"))
    if key is None:
        return _never
    if key in NESTED_FIELDS:
        return _compile_nested(key, node)
    return _compile_top_level(key, node.get("operator"), node.get("value", UNDEFINED))


def _never(event: Any) -> bool:
    return False


def _always(event: Any) -> bool:
    return True


def _compile_group(operator: Any, children: list[Predicate]) -> Predicate:
    """`and` is every child (true when empty), `or` is some child; any other operator is false."""
    if operator not in ("and", "or"):
        return _never
    if not children:
        return _always if operator == "and" else _never
    if len(children) == 1:
        return children[0]
    if len(children) == 2:
        first, second = children
        if operator == "and":
            return lambda event: first(event) and second(event)
        return lambda event: first(event) or second(event)
    if operator == "and":
        return lambda event: all(child(event) for child in children)
    return lambda event: any(child(event) for child in children)


def _compile_top_level(key: str, operator: Any, expected: Any) -> Predicate:
    """`type`, `event`, `name`, `userId`: one dict lookup; `=`/`!=` compare strings directly."""
    if operator == "=":
        return _top_level_equals(key, js_string(expected))
    test = make_test(operator, expected)

    def predicate(event: Any) -> bool:
        try:
            return test(event.get(key, UNDEFINED))
        except AttributeError:
            return test(UNDEFINED)

    return predicate


def _top_level_equals(key: str, text: str) -> Predicate:
    """The hot path of most triggers (`type = "identify"`): a string is only equal to a string."""

    def predicate(event: Any) -> bool:
        # Among JSON values only a str can equal a str, so no type check is needed.
        try:
            return event.get(key) == text
        except AttributeError:  # not an object: every field is missing
            return False

    return predicate


def _compile_nested(key: str, node: dict[str, Any]) -> Predicate:
    """`properties.x`, `traits.a.b`, `context.*`: Segment's get(), with a fast path for one key."""
    test = make_test(node.get("operator"), node.get("value", UNDEFINED))
    name = node.get("name")
    keys = split_path(name) if isinstance(name, str) else ()
    if len(keys) == 1:
        return _one_key_reader(key, keys[0], test)

    def predicate(event: Any) -> bool:
        root = event.get(key, UNDEFINED) if isinstance(event, dict) else UNDEFINED
        return test(get_path(root, keys))

    return predicate


def _one_key_reader(key: str, member: str, test: Callable[[Any], bool]) -> Predicate:
    """`properties.price > 5`: two dict lookups when both levels are objects."""
    keys = (member,)

    def predicate(event: Any) -> bool:
        root = event.get(key, UNDEFINED) if isinstance(event, dict) else UNDEFINED
        if root.__class__ is dict:
            return test(root.get(member, UNDEFINED))
        return test(get_path(root, keys))

    return predicate
