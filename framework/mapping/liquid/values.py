"""Liquid's value semantics as liquidjs implements them, for JSON-shaped Python values.

Only ``false`` and nil are falsy; output of an array concatenates its items; ``x.size``, ``x.first``
and ``x.last`` are properties of arrays and strings; comparisons follow JavaScript's relational rules.
"""

from __future__ import annotations

import math
import re
from typing import Any, Final

from framework.jsvalues import UNDEFINED, is_nullish, js_string, string_to_number, utf16_length
from framework.mapping.paths import step

__all__ = [
    "NIL",
    "EMPTY",
    "BLANK",
    "is_literal_drop",
    "plain",
    "stringify",
    "is_truthy",
    "to_number",
    "lookup",
    "read_property",
    "compare",
    "liquid_range",
]


class _Special:
    """The ``nil``, ``empty`` and ``blank`` literals (liquidjs "drops").

    They equal only nil, empty or blank values respectively, are never greater or smaller than
    anything, and stand for ``null``/``""`` when a filter receives them (their ``valueOf``).
    """

    def __init__(self, name: str, value: Any) -> None:
        self.name = name
        self.value = value

    def __repr__(self) -> str:
        return self.name

    def matches(self, value: Any) -> bool:
        if self.name == "nil":
            return is_nullish(value) or value is self
        if self.name == "blank" and value is NIL:
            return True  # liquidjs's BlankDrop.equals: isNil(toValue(nil))
        if isinstance(value, _Special):
            return False
        if self.name == "blank" and (value is False or is_nullish(value)):
            return True
        if self.name == "blank" and type(value) is str:
            return value.strip() == ""
        if type(value) in (str, list, dict):
            return len(value) == 0
        return False


NIL: Final = _Special("nil", None)
EMPTY: Final = _Special("empty", "")
BLANK: Final = _Special("blank", "")


def is_literal_drop(value: Any) -> bool:
    """True for the ``nil``, ``empty`` and ``blank`` literals themselves (not the values they match)."""
    return isinstance(value, _Special)


def plain(value: Any) -> Any:
    """liquidjs ``toValue``: a literal drop as the plain value it stands for."""
    return value.value if isinstance(value, _Special) else value


_CANONICAL_INDEX = re.compile(r"-?(0|[1-9][0-9]*)")


def stringify(value: Any) -> str:
    """What ``{{ value }}`` prints: nil as nothing, arrays concatenated, the rest as JS ``String()``."""
    if type(value) is str:
        return value
    if is_nullish(value):
        return ""
    if type(value) is list:
        return "".join(stringify(item) for item in value)
    if isinstance(value, _Special):
        return ""
    return js_string(value)


def is_truthy(value: Any) -> bool:
    """Liquid truthiness: everything except ``false`` and nil (``0`` and ``""`` are truthy)."""
    return value is not False and not is_nullish(value) and value is not NIL


def js_number(value: Any) -> float | int:
    """JS unary ``+value``."""
    kind = type(value)
    if kind is bool:
        return 1 if value else 0
    if kind is int or kind is float:
        return value
    if value is None:
        return 0
    if kind is str:
        number = string_to_number(value)
        return int(number) if number.is_integer() and abs(number) < 2**53 else number
    if kind is list:
        return js_number(js_string(value)) if len(value) <= 1 else math.nan
    return math.nan


def to_number(value: Any) -> float | int:
    """liquidjs ``toNumber``: ``+value || 0`` (NaN and the like become 0)."""
    number = js_number(value)
    if number != number or number == 0:
        return 0
    return number


def read_property(obj: Any, key: Any) -> Any:
    """liquidjs ``readProperty``: JS property read plus the ``size``/``first``/``last`` specials."""
    if is_nullish(obj):
        return obj
    if type(obj) is list and type(key) in (int, float) and type(key) is not bool:
        return _array_element(obj, key)
    name = js_string(key) if type(key) is not str else key
    value = _js_property(obj, name)
    if name == "size":
        return _size(obj, value)
    if name == "first" and type(obj) is list:
        return obj[0] if obj else UNDEFINED
    if name == "last" and type(obj) is list:
        return obj[-1] if obj else UNDEFINED
    return value


def _array_element(items: list[Any], index: float) -> Any:
    """Integer indexes, negative ones counting from the end."""
    if index != int(index):
        return UNDEFINED
    position = int(index)
    if position < 0:
        position += len(items)
    return items[position] if 0 <= position < len(items) else UNDEFINED


def _js_property(obj: Any, name: str) -> Any:
    """``obj[name]`` for dicts, arrays and strings (no prototype methods)."""
    if type(obj) is dict:
        return obj.get(name, UNDEFINED)
    if type(obj) in (list, str) and obj:
        value = step(obj, name)
        return UNDEFINED if value is obj else value
    if type(obj) in (list, str) and name == "length":
        return 0
    return UNDEFINED


def _size(obj: Any, own: Any) -> Any:
    """``x.size``: an own ``size`` member wins, then length of strings/arrays, key count of objects."""
    if own is not UNDEFINED and type(obj) is dict:
        return own
    if type(obj) is str:
        return utf16_length(obj)
    if type(obj) is list:
        return len(obj)
    if type(obj) is dict:
        return len(obj)
    return UNDEFINED


def lookup(scope: dict[str, Any], payload: Any, keys: tuple[Any, ...]) -> Any:
    """Resolve a variable path: the first key in the assigned variables, else in the event."""
    first = keys[0]
    if type(first) is str and first in scope:
        value = scope[first]
    else:
        value = read_property(payload, first)
    for key in keys[1:]:
        value = read_property(value, key)
    return value


def _equals(left: Any, right: Any) -> bool:
    """liquidjs ``equals``: empty/blank compare specially, arrays item-wise, the rest JS ``===``."""
    if isinstance(left, _Special):
        return left.matches(right)
    if isinstance(right, _Special):
        return right.matches(left)
    if type(left) is list:
        return type(right) is list and len(left) == len(right) and all(map(_equals, left, right))
    if is_nullish(left) or is_nullish(right):
        return is_nullish(left) and is_nullish(right) and left is right
    if (type(left) is bool) != (type(right) is bool):
        return False
    if type(left) is dict or type(right) is dict:
        return left is right
    if _both_numbers(left, right):
        return left == right
    return type(left) is type(right) and left == right


def _both_numbers(left: Any, right: Any) -> bool:
    return type(left) in (int, float) and type(right) in (int, float)


def _primitive(value: Any) -> Any:
    """JS ToPrimitive for comparisons: arrays become their ``String()``, objects ``[object Object]``."""
    if type(value) in (list, dict):
        return js_string(value)
    return value


def _relational(left: Any, right: Any) -> tuple[Any, Any] | None:
    """JS relational comparison operands: two strings compare as strings, else as numbers (None: NaN)."""
    if isinstance(left, _Special) or isinstance(right, _Special):
        return None
    left, right = _primitive(left), _primitive(right)
    if type(left) is str and type(right) is str:
        return left.encode("utf-16-be", "surrogatepass"), right.encode("utf-16-be", "surrogatepass")
    left_number = math.nan if left is UNDEFINED else js_number(left)
    right_number = math.nan if right is UNDEFINED else js_number(right)
    if left_number != left_number or right_number != right_number:
        return None
    return left_number, right_number


def _contains(left: Any, right: Any) -> bool:
    """``contains``: array membership, substring for strings, otherwise false (``empty`` is ``""``)."""
    left = plain(left)
    if type(left) is list:
        return any(_equals(item, right) for item in left)
    if type(left) is str:
        return js_string(plain(right)) in left
    return False


def compare(operator: str, left: Any, right: Any) -> bool:
    """One Liquid comparison."""
    if operator == "==":
        return _equals(left, right)
    if operator in ("!=", "<>"):
        return not _equals(left, right)
    if operator == "contains":
        return _contains(left, right)
    operands = _relational(left, right)
    if operands is None:
        return False
    a, b = operands
    return {"<": a < b, ">": a > b, "<=": a <= b, ">=": a >= b}[operator]


def liquid_range(start: Any, stop: Any) -> list[int]:
    """``(a..b)``: the integers from a to b inclusive (bounded: a template cannot build huge lists)."""
    low, high = int(to_number(start)), int(to_number(stop))
    if high - low > 100_000:
        raise ValueError("range is too long")
    return list(range(low, high + 1))
