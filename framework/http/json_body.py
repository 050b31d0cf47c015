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


# ``json.dumps`` with these options builds a new encoder on every call; one encoder, built once,
# writes the same text (it keeps no state between calls).
_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))
_C_ENCODER = getattr(json.encoder, "c_make_encoder", None)
_ENCODE_STRING = json.encoder.encode_basestring


def dumps_json(value: Any) -> str:
    """``JSON.stringify(value)`` for JSON-compatible Python data."""
    return _encode(_js_numbers(value))


def _encode(value: Any) -> str:
    """``_ENCODER.encode(value)``: the same C encoder call, without the Python layers around it.

    ``JSONEncoder.encode`` goes through ``iterencode``, which defines a float formatter the C encoder
    never uses before making that encoder; a third of a request body's encoding time. The C encoder
    is made per call, as there, with its own table of containers being written (circular references
    raise the same ``ValueError``).
    """
    if _C_ENCODER is None or isinstance(value, str):
        return _ENCODER.encode(value)
    encoder = _ENCODER
    chunks = _C_ENCODER(
        {},
        encoder.default,
        _ENCODE_STRING,
        None,
        encoder.key_separator,
        encoder.item_separator,
        encoder.sort_keys,
        encoder.skipkeys,
        encoder.allow_nan,
    )(value, 0)
    return "".join(chunks)


_AS_IS = frozenset({str, int, bool, type(None)})  # exact types: most of a body's leaves, returned at once


def _js_numbers(value: Any) -> Any:
    """``value`` with JavaScript's numbers and key order; the same object when nothing changes.

    Every delivered event's body passes through here, and almost none holds an integral float or a
    key starting with a digit: containers are copied only from the first item that changes.
    """
    kind = type(value)
    if kind in _AS_IS:
        return value
    if kind is dict or isinstance(value, dict):
        return _js_object(value)
    if kind is list or isinstance(value, (list, tuple)):
        return _js_array(value)
    if isinstance(value, float):
        return int(value) if value.is_integer() and abs(value) < _MAX_EXACT else value
    return value


def _js_object(obj: dict[Any, Any]) -> dict[Any, Any]:
    if _reordered(obj):
        return {key: _js_numbers(obj[key]) for key in js_keys(obj)}
    for item in obj.values():
        if type(item) not in _AS_IS and _js_numbers(item) is not item:
            return {k: _js_numbers(v) for k, v in obj.items()}
    return obj


def _js_array(items: list[Any] | tuple[Any, ...]) -> list[Any] | tuple[Any, ...]:
    for item in items:
        if type(item) not in _AS_IS and _js_numbers(item) is not item:
            return [_js_numbers(v) for v in items]
    return items


def _reordered(obj: dict[Any, Any]) -> bool:
    """Whether ``JSON.stringify`` would write the keys in another order (a key starting with a digit)."""
    digit_first = False
    for key in obj:
        if type(key) is not str:
            return False
        if key[:1].isdigit():
            digit_first = True
    return digit_first
