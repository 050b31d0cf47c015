"""ajv's type coercion (``coerceTypes: "array"``): how a mapped value becomes the declared type.

Segment validates payloads with ajv set to coerce, so ``"5"`` becomes ``5`` for a number field,
``"true"`` becomes ``True`` for a boolean, numbers and booleans become strings for string fields, a
scalar becomes a one-item list for a ``multiple`` field and a one-item list becomes its item for a
scalar field. The rules below are ajv's, with JavaScript's number parsing (``" 5 "`` and ``"0x10"``
are numbers in JavaScript, so they are here).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any, Final

from framework.jsvalues import js_string, string_to_number

__all__ = [
    "NOT_COERCIBLE",
    "COERCIBLE_TYPES",
    "matches_type",
    "matches_any",
    "coerce",
    "js_number",
    "js_equal",
    "unwrapped",
    "type_predicate",
]


class _NotCoercible:
    """Marker: no coercion applies (distinct from every JSON value, ``None`` included)."""

    def __repr__(self) -> str:
        return "NOT_COERCIBLE"


NOT_COERCIBLE: Final = _NotCoercible()
COERCIBLE_TYPES = ("string", "number", "integer", "boolean", "null", "array")


def _is_number(value: Any) -> bool:
    # An int is always finite (and math.isfinite overflows on ints beyond a float's range).
    return type(value) is int or (type(value) is float and math.isfinite(value))


def matches_type(value: Any, json_type: str) -> bool:
    """Whether ``value`` already is of a JSON Schema type (ajv's ``strictNumbers``: no NaN/inf)."""
    if json_type == "string":
        return isinstance(value, str)
    if json_type == "number":
        return _is_number(value)
    if json_type == "integer":
        return type(value) is int or (_is_number(value) and value.is_integer())
    if json_type == "boolean":
        return isinstance(value, bool)
    if json_type == "object":
        return isinstance(value, dict)
    if json_type == "array":
        return isinstance(value, list)
    return value is None


def matches_any(value: Any, types: Sequence[str]) -> bool:
    return any(matches_type(value, t) for t in types)


def _is_str(value: Any) -> bool:
    return isinstance(value, str)


def _is_bool(value: Any) -> bool:
    return isinstance(value, bool)


def _is_dict(value: Any) -> bool:
    return isinstance(value, dict)


def _is_list(value: Any) -> bool:
    return isinstance(value, list)


_SINGLE_TYPE_CHECKS: dict[str, Callable[[Any], bool]] = {
    "string": _is_str,
    "boolean": _is_bool,
    "object": _is_dict,
    "array": _is_list,
    "number": _is_number,
}


def type_predicate(types: Sequence[str]) -> Callable[[Any], bool]:
    """A compiled ``matches_any(value, types)`` (the common single types get a direct check)."""
    if len(types) == 1 and types[0] in _SINGLE_TYPE_CHECKS:
        return _SINGLE_TYPE_CHECKS[types[0]]
    frozen = tuple(types)
    return lambda value: matches_any(value, frozen)


def js_number(text: str) -> float | int | None:
    """JavaScript's ``+text`` for a string, or None when that is NaN or infinite."""
    number = string_to_number(text)
    return _tidy_number(number) if math.isfinite(number) else None


def _tidy_number(number: float) -> float | int:
    """An integral float as an int (JavaScript has one number type; ``5`` should not print ``5.0``)."""
    if number.is_integer() and abs(number) < 2**53:
        return int(number)
    return number


def coerce(value: Any, types: Sequence[str], coerce_to: Sequence[str]) -> Any:
    """ajv's coercion of ``value`` to the first of ``coerce_to`` that applies, or NOT_COERCIBLE.

    A one-item list is first unwrapped. Its item is kept as is when it already has the one wanted
    type; with several wanted types (``allow_null``, ``datetime``) ajv's generated code never keeps
    it, so ``["a"]`` fails a nullable string field while ``[None]`` becomes ``""``. Ported as observed.
    """
    if isinstance(value, list) and len(value) == 1:
        value = value[0]
        if len(types) == 1 and matches_type(value, types[0]):
            return value
    for json_type in coerce_to:
        result = _COERCERS[json_type](value)
        if result is not NOT_COERCIBLE:
            return result
    return NOT_COERCIBLE


def unwrapped(value: Any) -> Any:
    """The value ajv reports in a type error: a one-item list is reported as its item."""
    if isinstance(value, list) and len(value) == 1:
        return value[0]
    return value


def _to_string(value: Any) -> Any:
    if _is_number(value) or isinstance(value, bool):
        return js_string(value)
    return "" if value is None else NOT_COERCIBLE


def _to_number(value: Any) -> Any:
    if isinstance(value, bool) or value is None:
        return int(bool(value))
    if isinstance(value, str) and value:
        number = js_number(value)
        return NOT_COERCIBLE if number is None else number
    return NOT_COERCIBLE


def _to_integer(value: Any) -> Any:
    number = _to_number(value)
    if number is NOT_COERCIBLE or not float(number).is_integer():
        return NOT_COERCIBLE
    return number


def _to_boolean(value: Any) -> Any:
    if value == "false" or value is None or (_is_number(value) and value == 0):
        return False
    if value == "true" or (_is_number(value) and value == 1):
        return True
    return NOT_COERCIBLE


def _to_null(value: Any) -> Any:
    if value == "" or value is False or (_is_number(value) and value == 0):
        return None
    return NOT_COERCIBLE


def _to_array(value: Any) -> Any:
    if value is None or isinstance(value, (str, bool, int, float)):
        return [value]
    return NOT_COERCIBLE


_COERCERS = {
    "string": _to_string,
    "number": _to_number,
    "integer": _to_integer,
    "boolean": _to_boolean,
    "null": _to_null,
    "array": _to_array,
}


def js_equal(left: Any, right: Any) -> bool:
    """Deep equality as JavaScript's fast-deep-equal sees it: ``1 == 1.0`` but ``True != 1``."""
    if isinstance(left, bool) or isinstance(right, bool):
        return isinstance(left, bool) and isinstance(right, bool) and left == right
    if _is_number(left) or _is_number(right):
        return _is_number(left) and _is_number(right) and left == right
    if isinstance(left, dict) and isinstance(right, dict):
        return left.keys() == right.keys() and all(js_equal(left[k], right[k]) for k in left)
    if isinstance(left, list) and isinstance(right, list):
        return len(left) == len(right) and all(js_equal(a, b) for a, b in zip(left, right, strict=True))
    return type(left) is type(right) and left == right
