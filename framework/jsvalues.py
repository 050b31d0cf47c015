"""JavaScript value semantics Segment's outputs depend on: undefined, truthiness, String(), JSON.

Segment's engine is JavaScript, and several of its outputs are shaped by JS rules rather than by the
mapping: ``String(1.0)`` is ``"1"``, ``[]`` is truthy, ``JSON.stringify`` puts integer-like keys first.
Everything here models one such rule for JSON-shaped Python values (dict, list, str, int, float, bool,
None) plus :data:`UNDEFINED`, the stand-in for JS ``undefined`` (a value that is absent, as opposed to
``None``, which is JSON ``null``). The mapping kit and FQL triggers both use it, so a value prints and
tests the same way in a template and in a trigger.
"""

from __future__ import annotations

import json
import math
import re
from decimal import Decimal
from typing import Any, Final

__all__ = [
    "UNDEFINED",
    "Undefined",
    "JS_WHITESPACE",
    "is_truthy",
    "is_nullish",
    "real_type_of",
    "js_string",
    "number_to_string",
    "string_to_number",
    "json_stringify",
    "json_parse",
    "js_keys",
    "utf16_length",
    "remove_undefined",
    "strip_undefined_members",
    "is_plain_object",
    "to_js_float",
    "json_type_phrase",
]

_MAX_SAFE_INTEGER: Final = 2**53
_MAX_ARRAY_INDEX: Final = 2**32 - 1
_CANONICAL_INDEX = re.compile(r"0|[1-9][0-9]*")
#: What JS ``String.prototype.trim()`` removes, for ``str.strip`` (Python's bare ``strip()`` also
#: removes ``\x1c``-``\x1f``, which JS keeps, and keeps ``\ufeff``, which JS removes).
JS_WHITESPACE: Final = (
    " \t\n\v\f\r\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a"
    "\u2028\u2029\u202f\u205f\u3000\ufeff"
)


class Undefined:
    """The type of :data:`UNDEFINED`: JS ``undefined``, an absent value (a single instance)."""

    _instance: Undefined | None = None

    def __new__(cls) -> Undefined:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "UNDEFINED"

    def __bool__(self) -> bool:
        return False

    def __reduce__(self) -> str:
        return "UNDEFINED"


UNDEFINED: Final = Undefined()


def is_plain_object(value: Any) -> bool:
    """True for a JS plain object (a dict); lists, None and scalars are not objects."""
    return type(value) is dict


def is_nullish(value: Any) -> bool:
    """True for ``null`` and ``undefined`` (what JS ``value ?? x`` replaces)."""
    return value is None or value is UNDEFINED


def is_truthy(value: Any) -> bool:
    """JS truthiness: only false, 0, -0, NaN, "", null and undefined are falsy ([] and {} are truthy)."""
    if value is None or value is UNDEFINED or value is False:
        return False
    kind = type(value)
    if kind is str:
        return value != ""
    if kind is int:
        return value != 0
    if kind is float:
        return value != 0.0 and not math.isnan(value)
    return True


def real_type_of(value: Any) -> str:
    """Segment's ``realTypeOf``: the lower-cased ``Object.prototype.toString`` tag of a value."""
    if value is None:
        return "null"
    if value is UNDEFINED:
        return "undefined"
    kind = type(value)
    if kind is bool:
        return "boolean"
    if kind is int or kind is float:
        return "number"
    if kind is str:
        return "string"
    if kind is list or kind is tuple:
        return "array"
    if kind is dict:
        return "object"
    if callable(value):
        return "function"
    return "object"


def utf16_length(text: str) -> int:
    """JS ``string.length``: UTF-16 code units, so an emoji counts as 2."""
    if text.isascii():
        return len(text)
    return len(text) + sum(1 for char in text if ord(char) > 0xFFFF)


def number_to_string(value: int | float) -> str:
    """JS ``Number.prototype.toString()``: shortest round-trip digits, JS's exponent thresholds."""
    if type(value) is int:
        if -_MAX_SAFE_INTEGER < value < _MAX_SAFE_INTEGER:
            return str(value)
        value = to_js_float(value)
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Infinity" if value > 0 else "-Infinity"
    if value == 0:
        return "0"
    sign = "-" if value < 0 else ""
    _, digit_tuple, exponent = Decimal(repr(abs(value))).as_tuple()
    digits = "".join(map(str, digit_tuple)).rstrip("0") or "0"
    point = int(exponent) + len(digit_tuple)
    return sign + _place_decimal_point(digits, point)


_DECIMAL_LITERAL = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_RADIX_LITERAL = re.compile(r"0([xX][0-9a-fA-F]+|[oO][0-7]+|[bB][01]+)")
_RADIX_BASE: Final = {"x": 16, "o": 8, "b": 2}


def string_to_number(text: str) -> float:
    """JS ``Number(text)`` (StringToNumber): JS-trimmed ASCII decimal, signed ``Infinity``, or a
    ``0x``/``0o``/``0b`` literal; ``""`` is 0 and anything else NaN (Python's ``float`` would also
    take ``1_000``, ``nan`` and non-ASCII digits)."""
    text = text.strip(JS_WHITESPACE)
    if not text:
        return 0.0
    unsigned = text.lstrip("+-")
    if unsigned == "Infinity" and len(text) - len(unsigned) <= 1:
        return -math.inf if text[0] == "-" else math.inf
    if _DECIMAL_LITERAL.fullmatch(text):
        return float(text)
    radix = _RADIX_LITERAL.fullmatch(text)
    if radix:
        return to_js_float(int(radix.group(1)[1:], _RADIX_BASE[radix.group(1)[0].lower()]))
    return math.nan


def to_js_float(value: int) -> float:
    """An integer as JavaScript holds it: the nearest double, or an infinity past the double range.

    JSON.parse does this to big integers; Python keeps them exact, and ``float()`` raises past 1e308.
    """
    try:
        return float(value)
    except OverflowError:
        return math.inf if value > 0 else -math.inf


def _place_decimal_point(digits: str, point: int) -> str:
    """Lay out significant ``digits`` with the decimal point at ``point`` as ECMAScript's Number::toString."""
    count = len(digits)
    if count <= point <= 21:
        return digits + "0" * (point - count)
    if 0 < point <= 21:
        return digits[:point] + "." + digits[point:]
    if -6 < point <= 0:
        return "0." + "0" * (-point) + digits
    exponent = point - 1
    mantissa = digits if count == 1 else digits[0] + "." + digits[1:]
    return f"{mantissa}e{'+' if exponent >= 0 else '-'}{abs(exponent)}"


def js_string(value: Any) -> str:
    """JS ``String(value)``: numbers JS-formatted, arrays comma-joined, objects ``[object Object]``."""
    kind = type(value)
    if kind is str:
        return value
    if kind is bool:
        return "true" if value else "false"
    if kind is int or kind is float:
        return number_to_string(value)
    if value is None:
        return "null"
    if value is UNDEFINED:
        return "undefined"
    if kind is list or kind is tuple:
        return ",".join("" if is_nullish(item) else js_string(item) for item in value)
    return "[object Object]"


def _is_array_index(key: str) -> bool:
    """True when ``key`` is a canonical array index, the keys JS orders first in every object."""
    return type(key) is str and _CANONICAL_INDEX.fullmatch(key) is not None and int(key) < _MAX_ARRAY_INDEX


def js_keys(obj: dict[str, Any]) -> list[str]:
    """``Object.keys`` order: integer-like keys ascending first, then the rest in insertion order."""
    keys = list(obj)
    indexes = [key for key in keys if _is_array_index(key)]
    if not indexes:
        return keys
    indexes.sort(key=int)
    return indexes + [key for key in keys if not _is_array_index(key)]


_SURROGATE_PAIR = re.compile("[\ud800-\udbff][\udc00-\udfff]")
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def _quote(text: str) -> str:
    """A JSON string literal as JS writes it: non-ASCII kept, lone surrogates escaped (``\\ud800``)."""
    quoted = json.dumps(text, ensure_ascii=False)
    if not _LONE_SURROGATE.search(quoted):
        return quoted
    paired = _SURROGATE_PAIR.sub(lambda m: m.group().encode("utf-16-le", "surrogatepass").decode("utf-16-le"), quoted)
    return _LONE_SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", paired)


def json_stringify(value: Any) -> str | Undefined:
    """JS ``JSON.stringify(value)``: compact, JS key order, undefined members omitted, NaN as null."""
    if value is UNDEFINED or callable(value):
        return UNDEFINED
    parts: list[str] = []
    _stringify_into(value, parts)
    return "".join(parts)


def _stringify_into(value: Any, parts: list[str]) -> None:
    """Append the JSON text of a value that is not undefined (iterative over containers via recursion)."""
    kind = type(value)
    if kind is str:
        parts.append(_quote(value))
    elif value is None:
        parts.append("null")
    elif kind is bool:
        parts.append("true" if value else "false")
    elif kind is int or kind is float:
        is_finite = kind is int or math.isfinite(value)
        parts.append(number_to_string(value) if is_finite else "null")
    elif kind is list or kind is tuple:
        _stringify_array(value, parts)
    elif kind is dict:
        _stringify_object(value, parts)
    else:
        parts.append(_quote(str(value)))


def _stringify_array(items: Any, parts: list[str]) -> None:
    """Undefined items become ``null`` (an array has no way to omit a slot)."""
    parts.append("[")
    for position, item in enumerate(items):
        if position:
            parts.append(",")
        if item is UNDEFINED:
            parts.append("null")
        else:
            _stringify_into(item, parts)
    parts.append("]")


def _stringify_object(obj: dict[str, Any], parts: list[str]) -> None:
    """Undefined members are left out entirely, as JS does."""
    parts.append("{")
    first = True
    for key in js_keys(obj):
        member = obj[key]
        if member is UNDEFINED:
            continue
        if not first:
            parts.append(",")
        first = False
        parts.append(_quote(str(key)))
        parts.append(":")
        _stringify_into(member, parts)
    parts.append("}")


def _parse_int(text: str) -> int | float:
    """Integers beyond 2**53 lose precision in JS (past 1e308 they are infinite); mirror that."""
    number = int(text)
    return number if -_MAX_SAFE_INTEGER < number < _MAX_SAFE_INTEGER else to_js_float(number)


def _reject_constant(name: str) -> Any:
    """``NaN`` and ``Infinity`` are not JSON to JS's ``JSON.parse``."""
    raise ValueError(f"{name} is not JSON")


def json_parse(text: str) -> Any:
    """JS ``JSON.parse``; raises ``ValueError`` where JS would throw a SyntaxError."""
    return json.loads(text, parse_int=_parse_int, parse_constant=_reject_constant)


def remove_undefined(value: Any) -> Any:
    """Segment's ``removeUndefined``: drop undefined object members, turn undefined array slots into None."""
    kind = type(value)
    if kind is dict:
        return {key: remove_undefined(item) for key, item in value.items() if item is not UNDEFINED}
    if kind is list or kind is tuple:
        return [None if item is UNDEFINED else remove_undefined(item) for item in value]
    return value


def strip_undefined_members(value: Any) -> Any:
    """Segment's ``removeUndefined`` exactly: undefined object members go, undefined array slots stay.

    This is what a nested ``@transform`` hands to its ``mapping``; the final output uses
    :func:`remove_undefined`, which also turns the slots into ``None`` (JSON ``null``).
    """
    kind = type(value)
    if kind is dict:
        return {key: strip_undefined_members(item) for key, item in value.items() if item is not UNDEFINED}
    if kind is list or kind is tuple:
        return [strip_undefined_members(item) for item in value]
    return value


def json_type_phrase(value: Any, unknown: str | None = None) -> str:
    """How a value's JSON type reads in a message: ``a string``, ``an object``, ``an array``, ``null``.

    One wording for every message that says what a value is instead of what it should be (payload
    validation in Segment's words, event files, event shapes, instance configs). A value JSON cannot
    hold (a TOML date, say) reads ``unknown`` when given, else ``a <Python type>``.
    """
    if value is None:
        return "null"
    if value is UNDEFINED:
        return "undefined"
    kind = type(value)
    if kind is bool:
        return "a boolean"
    if kind is int or kind is float:
        return "a number"
    return _TYPE_PHRASES.get(kind) or unknown or f"a {kind.__name__}"


_TYPE_PHRASES: Final[dict[type, str]] = {str: "a string", list: "an array", tuple: "an array", dict: "an object"}
