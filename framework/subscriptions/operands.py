"""How an FQL condition reads its operands: Segment's `get()` over the event and JavaScript's `Number()`.

Segment evaluates triggers in JavaScript, so whether `properties.price > "5"` or `properties.a.b = 0`
matches depends on `Number()` and its small `get()` helper; the rest of JavaScript's value rules
(`String()`, truthiness, `undefined`) are shared with the mapping kit in `framework.jsvalues`.
"""

from __future__ import annotations

import math
import re
from typing import Any, Final

from framework.jsvalues import JS_WHITESPACE, UNDEFINED, is_truthy, to_js_float, utf16_length

__all__ = ["js_number", "is_js_number", "get_path", "split_path"]


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
        return to_js_float(value) if isinstance(value, int) else float(value)
    if value is None:
        return 0.0
    if isinstance(value, str):
        return _string_to_number(value)
    return math.nan


def _string_to_number(text: str) -> float:
    """ECMAScript StringToNumber: trimmed decimal, signed Infinity, or 0x/0o/0b literals; else NaN."""
    text = text.strip(JS_WHITESPACE)
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
        if not is_truthy(value):
            break
        value = _member(value, key)
    return value


def _member(container: Any, key: str) -> Any:
    """`container[key]` for JSON values: object keys, array/string indexes and `.length`."""
    if isinstance(container, dict):
        return container.get(key, UNDEFINED)
    if isinstance(container, (list, str)):
        if key == "length":
            return utf16_length(container) if isinstance(container, str) else len(container)
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
