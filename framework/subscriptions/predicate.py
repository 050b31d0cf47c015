"""Compiles an AST into one generated Python function, so matching an event is a single call.

`type = "identify"` becomes `event["type"] == c1`; a whole trigger becomes one boolean
expression over the event with no per-condition calls, which is what lets a trigger keep up with
Segment's JIT-compiled `validate`. Only names of this module and numbered constants (`c0`, `c1`,
…, bound in the function's namespace, never spliced into the source) appear in the generated
code. The comparisons are those of evaluate.py, the reference walk; a property test checks that
both agree on random ASTs and events, and an AST too deep to compile falls back to that walk.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from typing import Any, Final

from framework.jsvalues import UNDEFINED, js_string
from framework.subscriptions.evaluate import NUMERIC_OPERATORS, evaluate, event_key
from framework.subscriptions.nodes import NESTED_FIELDS
from framework.subscriptions.operands import get_path, is_js_number, js_number, split_path

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


Read = tuple[str, tuple[str, ...]]
"""An event read: the top-level key and the path below it (`("traits", ("email",))`)."""


def compile_predicate(node: Any) -> Predicate:
    """One function `predicate(event) -> bool` equivalent to `evaluate(node, event)`.

    Two variants are generated: `predicate` reads `event["type"]` by subscript (every Segment event
    has a type, and a subscript is much cheaper than a `.get` call), and falls back to `safe`, which
    only uses `.get` and treats a non-object event as an empty one, whenever that raises. A value
    the trigger reads more than once (`traits` in `traits.a = 1 or traits.b = 2`) is read once, at
    the top of the function.
    """
    constants: list[Any] = []
    shared = _shared_reads(node)
    fast, safe = _Writer(constants, shared, fast=True), _Writer(constants, shared, fast=False)
    fast_expression, safe_expression = fast.expression(node), safe.expression(node)
    source = (
        "def predicate(event):\n"
        "    try:\n" + "".join(f"        {line}\n" for line in fast.prologue) + f"        return {fast_expression}\n"
        "    except (KeyError, TypeError, AttributeError):\n"
        "        return safe(event)\n"
        "def safe(event):\n"
        "    if not isinstance(event, dict):\n"
        "        event = EMPTY\n"
        + "".join(f"    {line}\n" for line in safe.prologue)
        + f"    return {safe_expression}\n"
    )
    namespace: dict[str, Any] = {f"c{index}": value for index, value in enumerate(constants)}
    namespace.update(U=UNDEFINED, EMPTY=_EMPTY_EVENT, M=2**53, step=_step, number=js_number, is_number=is_js_number)
    try:
        exec(compile(source, "<trigger>", "exec"), namespace)  # noqa: S102 - our own source, constants by name
    except (SyntaxError, RecursionError, MemoryError):
        return lambda event: evaluate(node, event)
    predicate: Predicate = namespace["predicate"]
    return predicate


def _leaves(node: Any) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every condition that compiles to a test, with the top-level key it reads."""
    if not isinstance(node, dict) or "error" in node:
        return
    if node.get("type") == "group":
        for child in node.get("children") or []:
            yield from _leaves(child)
        return
    key, operator = event_key(node.get("type")), node.get("operator")
    if key is not None and isinstance(operator, str) and operator in _TESTS:
        yield key, node


def _read_of(key: str, node: dict[str, Any]) -> Read | None:
    """What a condition reads; None when its path is empty (it reads nothing, as in Segment)."""
    if key not in NESTED_FIELDS:
        return key, ()
    name = node.get("name")
    keys = split_path(name) if isinstance(name, str) else ()
    return (key, keys) if keys else None


def _shared_reads(node: Any) -> frozenset[Read]:
    """Reads (and roots of nested reads) that more than one condition needs."""
    counts: Counter[Read] = Counter()
    for key, leaf in _leaves(node):
        read = _read_of(key, leaf)
        if read is not None:
            counts[read] += 1
            if read[1]:
                counts[(key, ())] += 1
    return frozenset(read for read, count in counts.items() if count > 1)


class _Writer:
    """Writes one variant of the function: its prologue of shared reads and its boolean expression."""

    def __init__(self, constants: list[Any], shared: frozenset[Read], fast: bool) -> None:
        self.constants = constants
        self.shared = shared
        self.fast = fast
        self.prologue: list[str] = []
        self.names: dict[Read, str] = {}

    def constant(self, value: Any) -> str:
        self.constants.append(value)
        return f"c{len(self.constants) - 1}"

    def expression(self, node: Any) -> str:
        """The Python expression for one node; unknown shapes are `False`, as in Segment."""
        if not isinstance(node, dict) or "error" in node:
            return "False"
        if node.get("type") == "group":
            return _group(node.get("operator"), [self.expression(child) for child in node.get("children") or []])
        key, operator = event_key(node.get("type")), node.get("operator")
        if key is None or not isinstance(operator, str) or operator not in _TESTS:
            return "False"
        read = _read_of(key, node)
        value = self.read(read) if read is not None else "U"
        expected = node.get("value", UNDEFINED)
        return _TESTS[operator].format(value=value, c=self.constant(_expected(operator, expected)))

    def read(self, read: Read) -> str:
        """The expression for a read, or the local it was stored in when conditions share it."""
        if read in self.names:
            return self.names[read]
        expression = self._read_expression(read)
        if read not in self.shared:
            return expression
        name = self.names[read] = f"v{len(self.names)}"
        self.prologue.append(f"{name} = {expression}")
        return name

    def _read_expression(self, read: Read) -> str:
        """A top-level key, then Segment's get() one key at a time with a fast path for objects."""
        key, keys = read
        if keys:
            expression = self.read((key, ()))
        else:
            c = self.constant(key)
            expression = f"event[{c}]" if self.fast and key == "type" else f"event.get({c}, U)"
        for member in keys:
            c = self.constant(member)
            expression = f"(t.get({c}, U) if (t := {expression}).__class__ is dict else step(t, {c}))"
        return expression


def _group(operator: Any, children: list[str]) -> str:
    if operator == "and":
        return "(" + " and ".join(children) + ")" if children else "True"
    if operator == "or":
        return "(" + " or ".join(children) + ")" if children else "False"
    return "False"


def _expected(operator: str, expected: Any) -> Any:
    """The expected value converted once, the way the operator reads it."""
    return js_number(expected) if operator in NUMERIC_OPERATORS else js_string(expected)


def _step(value: Any, key: str) -> Any:
    """One step of get() off the fast path: falsy values stop the walk, strings and arrays index."""
    return get_path(value, (key,))
