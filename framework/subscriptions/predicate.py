"""Compiles an AST into one generated Python function, so matching an event is a single call.

`type = "identify"` becomes `event["type"] == c1`; a whole trigger becomes one boolean
expression over the event with no per-condition calls, which is what lets a trigger keep up with
Segment's JIT-compiled `validate`. Only names of this module and numbered constants (`c0`, `c1`,
…, bound in the function's namespace, never spliced into the source) appear in the generated
code. The comparisons are those of evaluate.py, the reference walk; a property test checks that
both agree on random ASTs and events, and an AST too deep to compile falls back to that walk.
"""

from __future__ import annotations

from typing import Any, Callable, Final

from framework.subscriptions.evaluate import evaluate, event_key
from framework.subscriptions.jsvalues import UNDEFINED, get_path, is_js_number, js_number, js_string, split_path
from framework.subscriptions.nodes import NESTED_FIELDS

__all__ = ["Predicate", "compile_predicate"]

Predicate = Callable[[Any], bool]

_EMPTY_EVENT: Final[dict[str, Any]] = {}
_STRING = "((a := {value}).__class__ is str or isinstance(a, str))"
_NUMBER = "((a := {value}).__class__ is int or a.__class__ is float or is_number(a))"
_AS_FLOAT = "(a if a.__class__ is float or -M <= a <= M else number(a))"  # exact below 2**53, like JS
_TESTS: Final = {
    "=": "{value} == {c}",
    "!=": "{value} != {c}",
    "number_equals": f"({_NUMBER} and {_AS_FLOAT} == {{c}})",
    "number_not_equals": f"({_NUMBER} and {_AS_FLOAT} != {{c}})",
    "<": f"({_NUMBER} and {_AS_FLOAT} < {{c}})",
    "<=": f"({_NUMBER} and {_AS_FLOAT} <= {{c}})",
    ">": f"({_NUMBER} and {_AS_FLOAT} > {{c}})",
    ">=": f"({_NUMBER} and {_AS_FLOAT} >= {{c}})",
    "contains": f"({_STRING} and {{c}} in a)",
    "not_contains": f"({_STRING} and {{c}} not in a)",
    "starts_with": f"({_STRING} and a.startswith({{c}}))",
    "not_starts_with": f"({_STRING} and not a.startswith({{c}}))",
    "ends_with": f"({_STRING} and a.endswith({{c}}))",
    "not_ends_with": f"({_STRING} and not a.endswith({{c}}))",
    "exists": "((a := {value}) is not None and a is not U)",
    "not_exists": "((a := {value}) is None or a is U)",
    "is_true": "({value} is True)",
    "is_false": "({value} is False)",
}
_NUMERIC: Final = frozenset({"number_equals", "number_not_equals", "<", "<=", ">", ">="})


def compile_predicate(node: Any) -> Predicate:
    """One function `predicate(event) -> bool` equivalent to `evaluate(node, event)`.

    Two variants are generated: `predicate` reads `event["type"]` by subscript (every Segment event
    has a type, and a subscript is much cheaper than a `.get` call), and falls back to `safe`, which
    only uses `.get` and treats a non-object event as an empty one, whenever that raises.
    """
    constants: list[Any] = []
    fast, safe = _expression(node, constants, fast=True), _expression(node, constants, fast=False)
    source = (
        "def predicate(event):\n"
        "    try:\n"
        f"        return {fast}\n"
        "    except (KeyError, TypeError, AttributeError):\n"
        "        return safe(event)\n"
        "def safe(event):\n"
        "    if not isinstance(event, dict):\n"
        "        event = EMPTY\n"
        f"    return {safe}\n"
    )
    namespace: dict[str, Any] = {f"c{index}": value for index, value in enumerate(constants)}
    namespace.update(U=UNDEFINED, EMPTY=_EMPTY_EVENT, M=2**53, step=_step, number=js_number, is_number=is_js_number)
    try:
        exec(compile(source, "<trigger>", "exec"), namespace)  # noqa: S102 - our own source, constants by name
    except (SyntaxError, RecursionError, MemoryError):
        return lambda event: evaluate(node, event)
    predicate: Predicate = namespace["predicate"]
    return predicate


def _expression(node: Any, constants: list[Any], fast: bool) -> str:
    """The Python expression for one node; unknown shapes are `False`, as in Segment."""
    if not isinstance(node, dict) or "error" in node:
        return "False"
    if node.get("type") == "group":
        children = [_expression(child, constants, fast) for child in node.get("children") or []]
        return _group(node.get("operator"), children)
    key, operator = event_key(node.get("type")), node.get("operator")
    template = _TESTS.get(operator) if isinstance(operator, str) else None
    if key is None or template is None:
        return "False"
    value = _value_expression(key, node, constants, fast)
    return template.format(value=value, c=_constant(node["operator"], node.get("value", UNDEFINED), constants))


def _group(operator: Any, children: list[str]) -> str:
    if operator == "and":
        return "(" + " and ".join(children) + ")" if children else "True"
    if operator == "or":
        return "(" + " or ".join(children) + ")" if children else "False"
    return "False"


def _constant(operator: str, expected: Any, constants: list[Any]) -> str:
    """Registers the expected value, already converted the way the operator reads it."""
    constants.append(js_number(expected) if operator in _NUMERIC else js_string(expected))
    return f"c{len(constants) - 1}"


def _value_expression(key: str, node: dict[str, Any], constants: list[Any], fast: bool) -> str:
    """Reads the event value: a top-level key, or Segment's get() one key at a time below it."""
    constants.append(key)
    c = f"c{len(constants) - 1}"
    expression = f"event[{c}]" if fast and key == "type" else f"event.get({c}, U)"
    if key not in NESTED_FIELDS:
        return expression
    name = node.get("name")
    keys = split_path(name) if isinstance(name, str) else ()
    if not keys:
        return "U"
    for member in keys:
        constants.append(member)
        c = f"c{len(constants) - 1}"
        expression = f"(t.get({c}, U) if (t := {expression}).__class__ is dict else step(t, {c}))"
    return expression


def _step(value: Any, key: str) -> Any:
    """One step of get() off the fast path: falsy values stop the walk, strings and arrays index."""
    return get_path(value, (key,))
