"""Liquid's standard filters, by their Liquid names, with liquidjs semantics and Segment's deny-list.

Each filter takes the piped value first, then the Liquid arguments; keyword arguments
(``default: 'x', allow_false: true``) arrive as Python keyword arguments. :data:`DISABLED_FILTERS`
are the filters Segment turns off; using one fails the render, as in Segment.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from typing import Any
from urllib.parse import quote, unquote

from framework.jsvalues import (
    JS_WHITESPACE,
    UNDEFINED,
    is_nullish,
    js_string,
    json_stringify,
    number_to_string,
    utf16_length,
)
from framework.jsvalues import is_truthy as js_is_truthy
from framework.mapping.liquid.dates import date_filter
from framework.mapping.liquid.more_filters import MORE_FILTERS
from framework.mapping.liquid.values import (
    compare,
    is_literal_drop,
    is_truthy,
    js_number,
    read_property,
    stringify,
    to_number,
)

__all__ = ["FILTERS", "DISABLED_FILTERS", "LiquidFilterError"]


class LiquidFilterError(Exception):
    """A filter that cannot run (a disabled filter); becomes a MappingResolutionError."""


#: Filters Segment's liquid engine disables (``liquid-directive.js``).
DISABLED_FILTERS: tuple[str, ...] = (
    "array_to_sentence_string", "concat", "find", "find_exp", "find_index", "find_index_exp", "group_by",
    "group_by_exp", "has", "has_exp", "map", "newline_to_br", "reject", "reject_exp", "reverse", "sort",
    "sort_natural", "uniq", "where_exp", "type",
)  # fmt: skip


def _number_result(value: float | int) -> float | int:
    """Keep integral results integral, so they print like JS numbers."""
    if type(value) is float and value.is_integer() and abs(value) < 2**53:
        return int(value)
    return value


def _arith(operation: Callable[[Any, Any], Any]) -> Callable[..., Any]:
    """A two-operand math filter over liquidjs ``toNumber`` operands."""

    def apply(value: Any, argument: Any = UNDEFINED, *_: Any) -> Any:
        try:
            return _number_result(operation(to_number(value), to_number(argument)))
        except (ZeroDivisionError, OverflowError):
            return _js_divide(to_number(value), 0) if operation is _divide else math.nan

    return apply


def _js_divide(left: float, right: float) -> float:
    """JS division, including by zero (Infinity, -Infinity or NaN)."""
    if right == 0:
        if left == 0 or left != left:
            return math.nan
        return math.inf if left > 0 else -math.inf
    return left / right


def _divide(left: float, right: float) -> float:
    return _js_divide(left, right)


def _js_remainder(left: float, right: float) -> float:
    """JS ``left % right``: NaN for NaN operands, an infinite dividend or a zero divisor."""
    if left != left or right != right or math.isinf(left) or right == 0:
        return math.nan
    return left if math.isinf(right) else math.fmod(left, right)


def _modulo(left: float, right: float) -> float:
    """liquidjs: ``((v % arg) + arg) % arg`` with JS remainder semantics."""
    return _js_remainder(_js_remainder(left, right) + right, right)


def _shift_decimal(number: float | int, exponent: float | int) -> float | int:
    """liquidjs ``shiftDecimal``: ``Number(mantissa + "e" + (power + exponent))`` on JS ``String(number)``."""
    mantissa, _, power = number_to_string(number).partition("e")
    return js_number(f"{mantissa}e{number_to_string(js_number(power or '0') + exponent)}")


def _round(value: Any, digits: Any = 0, *_: Any) -> Any:
    """liquidjs ``round``: shift the decimal point in the text, ``Math.round``, shift back (half up on
    the absolute value); a result that is not a safe integer after shifting returns the number as is."""
    number, places = to_number(value), to_number(digits)
    scaled = _shift_decimal(abs(number), places)
    if not scaled <= 2**53 - 1:
        return number
    rounded = _shift_decimal(math.floor(scaled + 0.5), -places)
    return _number_result(-rounded if number < 0 else rounded)


def _one_number(operation: Callable[[float], Any]) -> Callable[..., Any]:
    def apply(value: Any, *_: Any) -> Any:
        return _number_result(operation(to_number(value)))

    return apply


def _floor_or_ceil(function: Callable[[float], int]) -> Callable[[float], Any]:
    def apply(number: float) -> Any:
        return number if math.isinf(number) else function(number)

    return apply


def _strings(operation: Callable[..., str]) -> Callable[..., Any]:
    """A filter over the stringified value and stringified arguments."""

    def apply(value: Any, *arguments: Any) -> Any:
        return operation(stringify(value), *(stringify(argument) for argument in arguments))

    return apply


def _capitalize(text: str, *_: str) -> str:
    return text[:1].upper() + text[1:].lower()


def _loop_count(bound: float | int) -> int:
    """How many times JS ``for (i = 0; i < bound; i++)`` runs: NaN and negatives none, 2.5 three."""
    if not bound > 0:
        return 0
    return 2**62 if math.isinf(bound) else math.ceil(bound)


def _js_integer(number: float | int) -> int:
    """JS ``ToIntegerOrInfinity`` (as ``Array.prototype.slice`` applies it): NaN is 0, fractions truncated."""
    if number != number:
        return 0
    if math.isinf(number):
        return 2**62 if number > 0 else -(2**62)
    return int(number)


def _truncate(value: Any, length: Any = 50, ellipsis: Any = "...", *_: Any) -> Any:
    """liquidjs counts code points, with JS comparisons: a length that is not a number gives ``...``."""
    text, suffix = stringify(value), stringify(ellipsis)
    limit = 50 if length is UNDEFINED else js_number(length)
    if len(text) <= limit or _loop_count(limit) >= len(text):
        return value
    return text[: _loop_count(limit - len(suffix))] + suffix


def _truncatewords(value: Any, words: Any = 15, ellipsis: Any = "...", *_: Any) -> str:
    """liquidjs compares ``words`` as JS does: a count that is not a number keeps no word and no ``...``."""
    parts = re.split(r"\s+", stringify(value).lstrip())
    count = 15 if words is UNDEFINED else js_number(words)
    if count <= 0:
        count = 1
    result = " ".join(parts[: max(_js_integer(count), 0)])
    return result + stringify(ellipsis) if len(parts) >= count else result


def _split(value: Any, separator: Any = UNDEFINED, *_: Any) -> list[str]:
    """JS split (``""`` splits into characters), trailing empty strings removed as Ruby does."""
    text, sep = stringify(value), stringify(separator)
    parts = list(text) if sep == "" else text.split(sep)
    while parts and parts[-1] == "":
        parts.pop()
    return parts


def _to_array(value: Any) -> list[Any]:
    if is_nullish(value):
        return []
    return value if type(value) is list else [value]


def _join(value: Any, separator: Any = UNDEFINED, *_: Any) -> str:
    sep = " " if is_nullish(separator) else stringify(separator)
    return sep.join("" if is_nullish(item) else js_string(item) for item in _to_array(value))


def _first(value: Any, *_: Any) -> Any:
    """liquidjs reads an item of arrays and of non-empty text; anything else (``""`` too) gives ``""``."""
    if type(value) is list:
        return value[0] if value else UNDEFINED
    if type(value) is str and value:
        return value[0]
    return ""


def _last(value: Any, *_: Any) -> Any:
    """liquidjs reads an item of arrays and of non-empty text; anything else (``""`` too) gives ``""``."""
    if type(value) is list:
        return value[-1] if value else UNDEFINED
    if type(value) is str and value:
        return value[-1]
    return ""


def _size(value: Any, *_: Any) -> Any:
    """liquidjs ``(v && v.length) || 0``: an object's own truthy ``length`` member is its size."""
    if type(value) is str:
        return utf16_length(value)
    if type(value) is list:
        return len(value)
    if type(value) is dict and js_is_truthy(value.get("length")):
        return value["length"]
    return 0


def _slice(value: Any, begin: Any = 0, length: Any = 1, *_: Any) -> Any:
    """liquidjs ``slice``: arrays by ``Array.prototype.slice``, text by code points, with JS arithmetic
    (a ``begin`` that is not a number empties an array but starts text at 0)."""
    if is_nullish(value):
        return []
    items: Any = value if type(value) is list else stringify(value)
    start = js_number(begin)  # undefined is NaN, as in JS
    count = 1 if length is UNDEFINED else js_number(length)
    if start < 0:
        start += len(items)
    if start < 0 or count < 0:
        return [] if type(items) is list else ""
    if type(items) is list:
        return items[_js_integer(start) : max(_js_integer(start + count), 0)]
    first = min(_loop_count(start), len(items))
    return items[first : first + _loop_count(count)]


def _default(value: Any, fallback: Any = UNDEFINED, *_: Any, allow_false: Any = False) -> Any:
    if type(value) in (str, list):
        return value if value else fallback
    if value is False and allow_false not in (False, None, UNDEFINED):
        return False
    return fallback if value is False or is_nullish(value) else value


def _compact(value: Any, *_: Any) -> list[Any]:
    return [item for item in _to_array(value) if not is_nullish(item)]


def _where(value: Any, prop: Any = UNDEFINED, expected: Any = UNDEFINED, *_: Any) -> list[Any]:
    items = _to_array(value)
    if expected is UNDEFINED:
        return [item for item in items if is_truthy(read_property(item, stringify(prop)))]
    return [item for item in items if compare("==", read_property(item, stringify(prop)), expected)]


def _json(value: Any, *_: Any) -> Any:
    """The ``nil``/``empty``/``blank`` literals are objects in liquidjs: ``JSON.stringify`` gives ``{}``."""
    return "{}" if is_literal_drop(value) else json_stringify(value)


_json.raw_value = True  # type: ignore[attr-defined]  # sees the literal drops (see guarded_filter)


def _escape(text: str, *_: str) -> str:
    return (
        text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&#34;").replace("'", "&#39;")
    )


def _escape_once(text: str, *_: str) -> str:
    unescaped = re.sub(
        r"&(amp|lt|gt|#34|#39);", lambda m: {"amp": "&", "lt": "<", "gt": ">", "#34": '"', "#39": "'"}[m.group(1)], text
    )
    return _escape(unescaped)


def _url_encode(text: str, *_: str) -> str:
    return quote(text, safe="-_.!~*'()").replace("%20", "+")


def _url_decode(text: str, *_: str) -> str:
    return unquote(text.replace("+", " "), errors="strict")


def _strip_html(text: str, *_: str) -> str:
    text = re.sub(r"<script[\s\S]*?</script>|<style[\s\S]*?</style>|<!--[\s\S]*?-->", "", text)
    return re.sub(r"<[^>]*>", "", text)


def _trim_chars(text: str, chars: str, *, left: bool, right: bool) -> str:
    if chars:
        return (
            text.lstrip(chars)
            if left and not right
            else text.rstrip(chars)
            if right and not left
            else text.strip(chars)
        )
    return (
        text.lstrip(JS_WHITESPACE)
        if left and not right
        else text.rstrip(JS_WHITESPACE)
        if right and not left
        else text.strip(JS_WHITESPACE)
    )


def _replace(text: str, pattern: str = "", replacement: str = "", *_: str) -> str:
    """JS ``text.split(pattern).join(replacement)``: an empty pattern puts the replacement between characters."""
    return replacement.join(text) if pattern == "" else text.replace(pattern, replacement)


def _replace_first(text: str, pattern: str = "", replacement: str = "", *_: str) -> str:
    return text.replace(pattern, replacement, 1)


def _replace_last(text: str, pattern: str = "", replacement: str = "", *_: str) -> str:
    index = text.rfind(pattern)
    return text if index < 0 else text[:index] + replacement + text[index + len(pattern) :]


def _to_integer(value: Any, *_: Any) -> Any:
    return _number_result(js_number(value))


def _squish(text: str, *_: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


FILTERS: dict[str, Callable[..., Any]] = {
    "abs": _one_number(abs),
    "at_least": _arith(max),
    "at_most": _arith(min),
    "ceil": _one_number(_floor_or_ceil(math.ceil)),
    "floor": _one_number(_floor_or_ceil(math.floor)),
    "divided_by": _arith(_divide),
    "minus": _arith(lambda a, b: a - b),
    "plus": _arith(lambda a, b: a + b),
    "times": _arith(lambda a, b: a * b),
    "modulo": _arith(_modulo),
    "round": _round,
    "append": _strings(lambda text, other="": text + other),
    "prepend": _strings(lambda text, other="": other + text),
    "capitalize": _strings(_capitalize),
    "downcase": _strings(lambda text, *_: text.lower()),
    "upcase": _strings(lambda text, *_: text.upper()),
    "strip": _strings(lambda text, chars="", *_: _trim_chars(text, chars, left=True, right=True)),
    "lstrip": _strings(lambda text, chars="", *_: _trim_chars(text, chars, left=True, right=False)),
    "rstrip": _strings(lambda text, chars="", *_: _trim_chars(text, chars, left=False, right=True)),
    "strip_newlines": _strings(lambda text, *_: re.sub(r"\r?\n", "", text)),
    "strip_html": _strings(_strip_html),
    "squish": _strings(_squish),
    "remove": _strings(lambda text, pattern="", *_: text.replace(pattern, "") if pattern else text),
    "remove_first": _strings(lambda text, pattern="", *_: text.replace(pattern, "", 1)),
    "remove_last": _strings(lambda text, pattern="", *_: _replace_last(text, pattern, "")),
    "replace": _strings(_replace),
    "replace_first": _strings(_replace_first),
    "replace_last": _strings(_replace_last),
    "truncate": _truncate,
    "truncatewords": _truncatewords,
    "split": _split,
    "join": _join,
    "first": _first,
    "last": _last,
    "size": _size,
    "slice": _slice,
    "compact": _compact,
    "where": _where,
    "default": _default,
    "json": _json,
    "jsonify": _json,
    "escape": _strings(_escape),
    "xml_escape": _strings(_escape),
    "escape_once": _strings(_escape_once),
    "url_encode": _strings(_url_encode),
    "url_decode": _strings(_url_decode),
    "date": date_filter,
    "to_integer": _to_integer,
    "raw": lambda value, *_: value,
}


# The less common filters live in their own module (which does not import this one).
FILTERS.update(MORE_FILTERS)
