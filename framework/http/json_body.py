"""JSON bodies: requests' as JavaScript's ``JSON.stringify`` writes them, responses' as ``json.loads`` reads them.

Compact separators, non-ASCII kept as is, integer-like keys first in every object (JavaScript
enumerates ``{"b": 1, "10": 2, "2": 3}`` as ``2, 10, b``), and integral floats written without ``.0``
(JavaScript has one number type: a mapped ``5.0`` is sent as ``5``). Very small or large non-integral floats keep
Python's exponent spelling (``1e-07`` where JavaScript writes ``1e-7``).

A request body is written by orjson when it holds only plain JSON values whose text orjson writes
exactly as the standard encoder does (checked while the numbers are converted: exact ``dict``,
``list``, ``tuple``, ``str``, ``int``, ``bool``, ``None``, and floats between 1e-4 and 1e16, whose
spelling has no exponent in either); anything else (a float with an exponent, NaN, an integer past
64 bits, a non-string key, another type) goes through the standard encoder, which is the reference.

A response body is read by orjson too, the standard decoder being the reference: orjson refuses
everything that decoder reads differently (NaN, a lone surrogate escape, ``1e400``, a byte order
mark, other encodings than UTF-8) except integers beyond 64 bits, which it reads as floats; a body
orjson refuses, or with nineteen digits in a row, goes through ``json.loads`` (as event files do,
``framework.events``).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Collection
from typing import Any

import orjson

from framework.jsvalues import js_keys

__all__ = ["dumps_json", "dumps_json_bytes", "loads_json"]

_MAX_EXACT = 2**53


# ``json.dumps`` with these options builds a new encoder on every call; one encoder, built once,
# writes the same text (it keeps no state between calls).
_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))
_C_ENCODER = getattr(json.encoder, "c_make_encoder", None)
_ENCODE_STRING = json.encoder.encode_basestring


def dumps_json(value: Any) -> str:
    """``JSON.stringify(value)`` for JSON-compatible Python data."""
    return _encode(_js_numbers(value))


def dumps_json_bytes(value: Any) -> bytes:
    """``dumps_json(value).encode("utf-8")``: a request body, written by orjson when that is the same text.

    The standard encoder costs most of a small body's encoding; orjson writes plain values several
    times faster, straight to UTF-8.
    """
    try:
        return orjson.dumps(_plain_js(value))
    except (_NotPlain, TypeError, orjson.JSONEncodeError):  # TypeError: a value orjson refuses; the reference says why
        return dumps_json(value).encode("utf-8")


def loads_json(content: bytes) -> Any:
    """``json.loads(content)`` for a response body's bytes, UTF-8 read first (see the module docstring)."""
    if _NINETEEN_DIGITS not in content.translate(_DIGITS_AS_ZEROS):
        try:
            return orjson.loads(content)
        except orjson.JSONDecodeError:
            pass  # the reference decides, and words the error
    return json.loads(_json_text(content))


# An integer orjson might read as a float has 19 digits in a row: every digit made "0" and everything
# else "-", the body holds nineteen zeros.
_DIGITS_AS_ZEROS = bytes(ord("0") if chr(byte) in "0123456789" else ord("-") for byte in range(256))
_NINETEEN_DIGITS = b"0" * 19


def _json_text(content: bytes) -> bytes | str:
    """What ``json.loads`` decodes ``content`` to, decoded here when it plainly is UTF-8.

    ``json.loads`` looks for a UTF-16/32 byte order or NUL bytes first; a body opening with ``{``
    or ``[`` and no NUL after it is UTF-8 by those same rules (anything else is left to it).
    """
    if content[:1] in (b"{", b"[") and content[1:2] != b"\x00":
        return content.decode("utf-8", "surrogatepass")
    return content


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
    return _converted_object(obj, _js_numbers, _AS_IS)


def _js_array(items: list[Any] | tuple[Any, ...]) -> list[Any] | tuple[Any, ...]:
    return _converted_array(items, _js_numbers, _AS_IS)


def _converted_object(obj: dict[Any, Any], convert: Callable[[Any], Any], leaves: Collection[object]) -> dict[Any, Any]:
    """``obj`` with ``convert`` applied to its values, in JavaScript's key order; ``obj`` itself when
    that changes nothing (no copy of the common body, whose values are all ``leaves`` or unchanged)."""
    if _reordered(obj):
        return {key: convert(obj[key]) for key in js_keys(obj)}
    for item in obj.values():
        if type(item) not in leaves and convert(item) is not item:
            return {k: convert(v) for k, v in obj.items()}
    return obj


def _converted_array(
    items: list[Any] | tuple[Any, ...], convert: Callable[[Any], Any], leaves: Collection[object]
) -> list[Any] | tuple[Any, ...]:
    """``_converted_object`` for an array."""
    for item in items:
        if type(item) not in leaves and convert(item) is not item:
            return [convert(v) for v in items]
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


class _NotPlain(Exception):
    """A value whose JSON text orjson may write differently from the standard encoder."""


_PLAIN_LEAVES = frozenset({str, int, bool, type(None)})
_MIN_PLAIN_FLOAT = 1e-4  # below, Python writes ``1e-05`` and orjson ``1e-5``
_MAX_PLAIN_FLOAT = 1e16  # from here Python writes ``1e+16``: orjson too today, but nothing needs the bet


def _plain_js(value: Any) -> Any:
    """``_js_numbers(value)`` when every part of it is plain (see the module docstring); else ``_NotPlain``."""
    kind = type(value)
    if kind in _PLAIN_LEAVES:
        return value
    if kind is dict:
        return _plain_object(value)
    if kind is list or kind is tuple:
        return _plain_array(value)
    if kind is float:
        if value.is_integer() and abs(value) < _MAX_EXACT:
            return int(value)
        if _MIN_PLAIN_FLOAT <= abs(value) < _MAX_PLAIN_FLOAT:  # False for NaN and infinities too
            return value
    raise _NotPlain


def _plain_object(obj: dict[Any, Any]) -> dict[Any, Any]:
    return _converted_object(obj, _plain_js, _PLAIN_LEAVES)


def _plain_array(items: list[Any] | tuple[Any, ...]) -> list[Any] | tuple[Any, ...]:
    return _converted_array(items, _plain_js, _PLAIN_LEAVES)
