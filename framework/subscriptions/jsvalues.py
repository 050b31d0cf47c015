"""JavaScript value semantics that Segment's trigger evaluation depends on, reproduced in Python.

Segment evaluates triggers in JavaScript, so whether `properties.price > "5"` or
`properties.a.b = 0` matches depends on `Number()`, `String()`, truthiness and its small `get()`
helper. Everything JS-specific lives here so the evaluator reads like the comparison table in
docs/triggers.md.
"""

from __future__ import annotations

import decimal
import math
import re
from typing import Any, Final

__all__ = ["UNDEFINED", "js_string", "js_number", "js_truthy", "is_js_number", "get_path", "split_path"]


class _Undefined:
    """JavaScript's `undefined`: a missing value, kept distinct from JSON `null` (None)."""

    _instance: "_Undefined | None" = None

    def __new__(cls) -> "_Undefined":
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "UNDEFINED"

    def __bool__(self) -> bool:
        return False


UNDEFINED: Final = _Undefined()

_JS_WHITESPACE = (
    " \t\n\v\f\r\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a"
    "\u2028\u2029\u202f\u205f\u3000\ufeff"
)
_DECIMAL = re.compile(r"[+-]?(?:\d+\.?\d*(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?)")
_RADIX = re.compile(r"0([xX][0-9a-fA-F]+|[oO][0-7]+|[bB][01]+)")
_RADIX_BASE: Final = {"x": 16, "o": 8, "b": 2}
_PATH_SEGMENT = re.compile(r"[^[.\]]+")
_ARRAY_INDEX = re.compile(r"0|[1-9][0-9]*")


def is_js_number(value: Any) -> bool:
    """True for what JavaScript's `typeof` calls a number: int or float, never bool."""
    return (value.__class__ is int or value.__class__ is float) or (
        isinstance(value, (int, float)) and not isinstance(value, bool)
    )


def js_number(value: Any) -> float:
    """JavaScript's `Number(value)` for the values an FQL AST or a JSON event can hold."""
    if value is True or value is False:
        return 1.0 if value else 0.0
    if is_js_number(value):
        return _int_to_float(value) if isinstance(value, int) else float(value)
    if value is None:
        return 0.0
    if isinstance(value, str):
        return _string_to_number(value)
    return math.nan


def _int_to_float(value: int) -> float:
    """Like JSON.parse of a big integer: the nearest double, or an infinity past the range."""
    try:
        return float(value)
    except OverflowError:
        return math.inf if value > 0 else -math.inf


def _string_to_number(text: str) -> float:
    """ECMAScript StringToNumber: trimmed decimal, signed Infinity, or 0x/0o/0b literals; else NaN."""
    text = text.strip(_JS_WHITESPACE)
    if not text:
        return 0.0
    unsigned = text.lstrip("+-")
    if unsigned == "Infinity" and len(text) - len(unsigned) <= 1:
        return -math.inf if text[0] == "-" else math.inf
    if _DECIMAL.fullmatch(text):
        return float(text)
    radix = _RADIX.fullmatch(text)
    if radix:
        return float(int(radix.group(1)[1:], _RADIX_BASE[radix.group(1)[0].lower()]))
    return math.nan


def js_string(value: Any) -> str:
    """JavaScript's `String(value)` for scalar values (FQL values are always scalars)."""
    if value is True:
        return "true"
    if value is False:
        return "false"
    if value is None:
        return "null"
    if value is UNDEFINED:
        return "undefined"
    if isinstance(value, str):
        return value
    if is_js_number(value):
        return _number_to_string(js_number(value))
    if isinstance(value, list):
        return ",".join("" if item is None or item is UNDEFINED else js_string(item) for item in value)
    return "[object Object]"


def _number_to_string(number: float) -> str:
    """ECMAScript Number::toString: shortest round-trip digits, exponent only outside 1e-7..1e21."""
    if math.isnan(number):
        return "NaN"
    if math.isinf(number):
        return "Infinity" if number > 0 else "-Infinity"
    if number == 0:
        return "0"
    sign = "-" if number < 0 else ""
    _, digit_tuple, exponent = decimal.Decimal(repr(abs(number))).normalize().as_tuple()
    digits = "".join(map(str, digit_tuple))
    return sign + _place_decimal_point(digits, len(digits) + int(exponent))


def _place_decimal_point(digits: str, point: int) -> str:
    """Writes `0.digits × 10^point` the way JavaScript prints numbers."""
    count = len(digits)
    if count <= point <= 21:
        return digits + "0" * (point - count)
    if 0 < point <= 21:
        return digits[:point] + "." + digits[point:]
    if -6 < point <= 0:
        return "0." + "0" * -point + digits
    exponent = point - 1
    sign = "+" if exponent >= 0 else "-"
    fraction = "." + digits[1:] if count > 1 else ""
    return f"{digits[0]}{fraction}e{sign}{abs(exponent)}"


def js_truthy(value: Any) -> bool:
    """JavaScript truthiness: objects and arrays are truthy even when empty; NaN is falsy."""
    if value is None or value is UNDEFINED or value is False:
        return False
    if isinstance(value, (str, int, float)):
        return bool(value) and value == value
    return True


def split_path(name: str) -> tuple[str, ...]:
    """Segment's `get()` path split: dots and square brackets separate keys (`a.b[0]` → a, b, 0)."""
    return tuple(_PATH_SEGMENT.findall(name))


def get_path(root: Any, keys: tuple[str, ...]) -> Any:
    """Segment's `get(root, path)`, including its short-circuit on falsy intermediate values.

    `previous && previous[key]` returns the first falsy value it meets, so `properties.a.b` is 0
    when `properties.a` is 0. Only own data is visible: JavaScript prototype members such as
    `constructor` or `map` are not event fields here (a documented divergence).
    """
    if not keys:
        return UNDEFINED
    value = root
    for key in keys:
        if not js_truthy(value):
            break
        value = _member(value, key)
    return value


def _member(container: Any, key: str) -> Any:
    """`container[key]` for JSON values: object keys, array/string indexes and `.length`."""
    if isinstance(container, dict):
        return container.get(key, UNDEFINED)
    if isinstance(container, (list, str)):
        if key == "length":
            return _utf16_length(container) if isinstance(container, str) else len(container)
        if _ARRAY_INDEX.fullmatch(key):
            return _index(container, int(key))
    return UNDEFINED


def _index(container: list[Any] | str, index: int) -> Any:
    """Array element or UTF-16 code unit of a string, UNDEFINED past the end."""
    if isinstance(container, str) and not container.isascii():
        units = container.encode("utf-16-le", "surrogatepass")
        if index * 2 + 2 > len(units):
            return UNDEFINED
        return units[index * 2 : index * 2 + 2].decode("utf-16-le", "surrogatepass")
    return container[index] if index < len(container) else UNDEFINED


def _utf16_length(text: str) -> int:
    """JavaScript's string length counts UTF-16 code units, so an emoji counts twice."""
    return len(text) if text.isascii() else len(text.encode("utf-16-le", "surrogatepass")) // 2
