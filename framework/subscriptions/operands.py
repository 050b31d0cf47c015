"""How an FQL condition reads its operands: Segment's `get()` over the event and JavaScript's `Number()`.

Segment evaluates triggers in JavaScript, so whether `properties.price > "5"` or `properties.a.b = 0`
matches depends on `Number()` and its small `get()` helper; the rest of JavaScript's value rules
(`String()`, truthiness, `undefined`) are shared with the mapping kit in `framework.jsvalues`.
"""

from __future__ import annotations

import math
import re
from typing import Any

from framework.jsvalues import UNDEFINED, is_truthy, string_to_number, to_js_float, utf16_length

__all__ = ["js_number", "is_js_number", "get_path", "split_path"]

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
        return string_to_number(value)
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
