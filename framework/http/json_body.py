"""JSON request bodies as JavaScript's ``JSON.stringify`` writes them.

Compact separators, non-ASCII kept as is, integer-like keys first in every object (JavaScript
enumerates ``{"b": 1, "10": 2, "2": 3}`` as ``2, 10, b``), and integral floats written without ``.0``
(JavaScript has one number type: a mapped ``5.0`` is sent as ``5``). Very small or large non-integral floats keep
Python's exponent spelling (``1e-07`` where JavaScript writes ``1e-7``).
"""

from __future__ import annotations

import json
from typing import Any

from framework.jsvalues import js_keys

__all__ = ["dumps_json"]

_MAX_EXACT = 2**53


def dumps_json(value: Any) -> str:
    """``JSON.stringify(value)`` for JSON-compatible Python data."""
    return json.dumps(_js_numbers(value), ensure_ascii=False, separators=(",", ":"))


_AS_IS = frozenset({str, int, bool, type(None)})  # exact types: most of a body's leaves, returned at once


def _js_numbers(value: Any) -> Any:
    if type(value) in _AS_IS:
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() and abs(value) < _MAX_EXACT else value
    if isinstance(value, dict):
        return {key: _js_numbers(value[key]) for key in _key_order(value)}
    if isinstance(value, (list, tuple)):
        return [_js_numbers(item) for item in value]
    return value


def _key_order(obj: dict[Any, Any]) -> Any:
    """``JSON.stringify``'s key order; the usual object (no key starting with a digit) is left as is."""
    if all(type(key) is str for key in obj) and any(key[:1].isdigit() for key in obj):
        return js_keys(obj)
    return obj
