"""Whether JavaScript (V8) reads a string as a date: ``new Date(text)`` is not ``Invalid Date``.

Segment's ``date-like`` format falls back to ``new Date(text)``, and V8's parser is lenient in ways
no regular expression captures (``hello 1`` is a date, ``Monday99`` is not), so this module follows
its rules: first an ES5 ISO string (``[+-yy]yyyy[-MM[-DD]][THH:mm[:ss[.sss]][Z|±hh:mm]]``), then,
for whatever is left, the legacy rules:

* words before the first number are ignored, unless glued to it; after it only month names, time
  zones and AM/PM may appear; a month name is any word starting with one (``Septober``);
* ``n:`` starts a time, ``.`` then a number gives milliseconds; ``±hh[:mm]``/``±hhmm`` after a time
  or ``UTC`` is an offset; parenthesised text is ignored;
* at most three other numbers form the day: ``m/d[/y]``, or ``y/m/d`` when the first cannot be a
  day, with a named month ``d y`` or ``y d``; two-digit years are 19xx/20xx.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from framework.jsvalues import JS_WHITESPACE

__all__ = ["is_js_date"]

_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_ZONES = {
    "ut": 0,
    "utc": 0,
    "z": 0,
    "gmt": 0,
    "cdt": -5,
    "cst": -6,
    "edt": -4,
    "est": -5,
    "mdt": -6,
    "mst": -7,
    "pdt": -7,
    "pst": -8,
}
_MAX_DIGITS = 9  # V8 keeps this many significant digits of a numeral
_YEARS = range(-271821, 275761)  # what a Date's time value can hold
_SYMBOLS = ":-+.)"
_JS_SPACES = frozenset(JS_WHITESPACE)


@dataclass(frozen=True, slots=True)
class _Token:
    kind: str  # number | symbol | month | zone | ampm | t | word | space | other | end
    value: int | str = 0
    length: int = 0


_END = _Token("end")


def _tokens(text: str) -> list[_Token]:
    found: list[_Token] = []
    position = 0
    while position < len(text):
        token, position = _scan(text, position)
        found.append(token)
    found.append(_END)
    return found


def _scan(text: str, position: int) -> tuple[_Token, int]:
    char = text[position]
    if "0" <= char <= "9":
        end = position
        while end < len(text) and "0" <= text[end] <= "9":
            end += 1
        digits = text[position:end]
        significant = digits.lstrip("0")[:_MAX_DIGITS]  # leading zeros do not count
        return _Token("number", int(significant or "0"), len(digits)), end
    if char in _SYMBOLS:
        return _Token("symbol", char, 1), position + 1
    if ord(char) >= ord("A") and char not in _JS_SPACES:
        end = position
        while end < len(text) and ord(text[end]) >= ord("A") and text[end] not in _JS_SPACES:
            end += 1
        return _keyword(text[position:end]), end
    if char in _JS_SPACES:
        return _Token("space", 0, 1), position + 1
    if char == "(":
        return _Token("other"), _skip_parentheses(text, position)
    return _Token("other"), position + 1


def _keyword(word: str) -> _Token:
    prefix = "".join(chr(ord(c) | 0x20) for c in word[:3])
    if prefix in _MONTHS:
        return _Token("month", _MONTHS.index(prefix) + 1, len(word))
    if len(word) <= 3:
        if prefix in _ZONES:
            return _Token("zone", _ZONES[prefix], len(word))
        if prefix in ("am", "pm"):
            return _Token("ampm", 0 if prefix == "am" else 12, len(word))
        if prefix == "t":
            return _Token("t", 0, 1)
    return _Token("word", 0, len(word))


def _skip_parentheses(text: str, position: int) -> int:
    depth = 0
    while position < len(text):
        depth += {"(": 1, ")": -1}.get(text[position], 0)
        position += 1
        if depth <= 0:
            break
    return position


class _Stream:
    def __init__(self, text: str) -> None:
        self._tokens = _tokens(text)
        self._index = 0

    def peek(self) -> _Token:
        return self._tokens[self._index]

    def next(self) -> _Token:
        token = self._tokens[self._index]
        self._index = min(self._index + 1, len(self._tokens) - 1)
        return token

    def skip(self, symbol: str) -> bool:
        if self.peek() == _Token("symbol", symbol, 1):
            self.next()
            return True
        return False


def _fixed(token: _Token, length: int) -> bool:
    return token.kind == "number" and token.length == length


@dataclass
class _Parts:
    """What has been read so far (V8's day, time and zone composers)."""

    day: list[int] = field(default_factory=list)
    named_month: int | None = None
    iso: bool = False
    time: list[int] = field(default_factory=list)
    hour_offset: int | None = None
    zone_hour: int | None = None
    zone_minute: int | None = None
    zone_signed: bool = False

    def add_day(self, number: int) -> bool:
        if len(self.day) >= 3:
            return False
        self.day.append(number)
        return True

    def add_time(self, number: int) -> bool:
        if len(self.time) >= 4:
            return False
        self.time.append(number)
        return True

    def finish_time(self, number: int) -> bool:
        if not self.add_time(number):
            return False
        self.time.extend([0] * (4 - len(self.time)))
        return True

    def time_expects(self, number: int) -> bool:
        limits = {1: 59, 2: 59, 3: 999}
        return len(self.time) in limits and 0 <= number <= limits[len(self.time)]

    def zone_expects(self, number: int) -> bool:
        return self.zone_hour is not None and self.zone_minute is None and 0 <= number <= 59

    def set_zone(self, hours: int) -> None:
        self.zone_signed, self.zone_hour, self.zone_minute = True, abs(hours), 0

    @property
    def zone_is_utc(self) -> bool:
        return self.zone_hour == 0 and self.zone_minute == 0


def is_js_date(text: str) -> bool:
    """Whether ``new Date(text)`` gives a valid date in V8 (Node, Chrome)."""
    stream, parts = _Stream(text), _Parts()
    token = _parse_iso(stream, parts)
    if token is None:
        return False
    has_number = bool(parts.day)
    while token.kind != "end":
        verdict = _legacy_step(token, stream, parts, has_number)
        if verdict is None:
            return False
        has_number = verdict
        token = stream.next()
    return _day_ok(parts) and _time_ok(parts)


def _parse_iso(stream: _Stream, parts: _Parts) -> _Token | None:
    """ES5 ISO date-time; returns the first token left for the legacy rules (END when done, None if invalid)."""
    first = stream.peek()
    if first.kind == "symbol" and first.value in ("+", "-"):
        sign = stream.next()
        if not _fixed(stream.peek(), 6):
            return sign
        year = stream.next().value
        if sign.value == "-" and year == 0:
            return sign
        parts.day.append(-int(year) if sign.value == "-" else int(year))
    elif _fixed(first, 4):
        parts.day.append(int(stream.next().value))
    else:
        return stream.next()
    for low, high in ((1, 12), (1, 31)):
        if not stream.skip("-"):
            break
        if not _fixed(stream.peek(), 2) or not low <= int(stream.peek().value) <= high:
            return stream.next()
        parts.day.append(int(stream.next().value))
    if stream.peek().kind != "t":
        return stream.next() if stream.peek().kind != "end" else _finish_iso(parts)
    stream.next()
    return _finish_iso(parts) if _iso_time(stream, parts) else None


def _iso_time(stream: _Stream, parts: _Parts) -> bool:
    hour = stream.peek()
    if not _fixed(hour, 2) or not 0 <= int(hour.value) <= 24:
        return False
    midnight = hour.value == 24
    parts.time.append(int(stream.next().value))
    if not stream.skip(":"):
        return False
    for index, limit in enumerate((59, 59)):
        number = stream.peek()
        if not _fixed(number, 2) or not 0 <= int(number.value) <= limit or (midnight and number.value != 0):
            return False
        parts.time.append(int(stream.next().value))
        if index == 0 and not stream.skip(":"):
            break
    else:
        if stream.skip("."):
            if stream.peek().kind != "number" or (midnight and stream.peek().value != 0):
                return False
            stream.next()
    return _iso_zone(stream, parts) and stream.peek().kind == "end"


def _iso_zone(stream: _Stream, parts: _Parts) -> bool:
    token = stream.peek()
    if token.kind == "zone" and token.length == 1:  # Z
        stream.next()
        parts.set_zone(0)
        return True
    if not (token.kind == "symbol" and token.value in ("+", "-")):
        return True
    stream.next()
    if _fixed(stream.peek(), 4):
        hhmm = int(stream.next().value)
        return hhmm // 100 <= 23 and hhmm % 100 <= 59
    if not _fixed(stream.peek(), 2) or int(stream.peek().value) > 23:
        return False
    stream.next()
    if not stream.skip(":"):
        return False
    return _fixed(stream.peek(), 2) and int(stream.next().value) <= 59


def _finish_iso(parts: _Parts) -> _Token:
    parts.iso = True
    return _END


def _legacy_step(token: _Token, stream: _Stream, parts: _Parts, has_number: bool) -> bool | None:
    """One legacy token; the new "a number has been read" flag, or None when the text is not a date."""
    if token.kind == "number":
        return True if _legacy_number(int(token.value), stream, parts) else None
    if token.kind in ("month", "zone", "ampm", "t", "word"):
        return has_number if _legacy_word(token, stream, parts, has_number) else None
    if token.kind == "symbol" and token.value in ("+", "-") and (parts.zone_is_utc or parts.time):
        return True if _legacy_offset(token, stream, parts) else None
    if token.kind == "symbol" and token.value in ("+", "-", ")") and has_number:
        return None
    return has_number


def _legacy_number(number: int, stream: _Stream, parts: _Parts) -> bool:
    if stream.skip(":"):
        if stream.skip(":"):
            if parts.time:
                return False
            parts.time.extend([number, 0])
            return True
        if not parts.add_time(number):
            return False
        if stream.peek() == _Token("symbol", ".", 1):
            stream.next()
        return True
    if stream.skip(".") and parts.time_expects(number):
        parts.add_time(number)
        if stream.peek().kind != "number":
            return False
        parts.finish_time(_milliseconds(stream.next()))  # V8 ignores a fifth time part
        return True
    if parts.zone_expects(number):
        parts.zone_minute = number
        return True
    if parts.time_expects(number):
        parts.finish_time(number)
        follower = stream.peek()
        return (
            follower.kind in ("end", "space")
            or (follower.kind == "zone" and follower.length == 1)
            or (follower.kind == "symbol" and follower.value in ("+", "-"))
        )
    if not parts.add_day(number):
        return False
    stream.skip("-")
    return True


def _milliseconds(token: _Token) -> int:
    """The first three digits of a fraction (``5`` → 500, ``12345`` → 123)."""
    digits = str(token.value).zfill(min(token.length, _MAX_DIGITS))
    return int((digits + "00")[:3])


def _legacy_word(token: _Token, stream: _Stream, parts: _Parts, has_number: bool) -> bool:
    if token.kind == "ampm" and parts.time:
        parts.hour_offset = int(token.value)
        return True
    if token.kind == "month":
        parts.named_month = int(token.value)
        stream.skip("-")
        return True
    if token.kind == "zone" and has_number:
        parts.set_zone(int(token.value))
        return True
    return not has_number and stream.peek().kind != "number"  # ignorable words, not glued to a number


def _legacy_offset(sign: _Token, stream: _Stream, parts: _Parts) -> bool:
    parts.zone_signed = True
    number, length = 0, 0
    if stream.peek().kind == "number":
        token = stream.next()
        number, length = int(token.value), token.length
    if stream.peek() == _Token("symbol", ":", 1):
        parts.zone_hour, parts.zone_minute = number, None
    elif length in (1, 2):
        parts.zone_hour, parts.zone_minute = number, 0
    elif length in (3, 4):
        parts.zone_hour, parts.zone_minute = number // 100, number % 100
    else:
        return False
    return True


def _day_ok(parts: _Parts) -> bool:
    if not parts.day:
        return False
    comps = parts.day + [1] * (3 - len(parts.day))
    year, month, day = _ordered(comps, parts)
    if not parts.iso and 0 <= year <= 99:
        year += 2000 if year <= 49 else 1900
    return 1 <= month <= 12 and 1 <= day <= 31 and year in _YEARS


def _ordered(comps: list[int], parts: _Parts) -> tuple[int, int, int]:
    first, second, third = comps
    if parts.named_month is not None:
        if not 1 <= first <= 31:
            return first, parts.named_month, second
        return second, parts.named_month, first
    if parts.iso or not 1 <= first <= 31:
        return first, second, third
    return third, first, second


def _time_ok(parts: _Parts) -> bool:
    hour, minute, second, milli = parts.time + [0] * (4 - len(parts.time))
    if parts.hour_offset is not None:
        if not 0 <= hour <= 12:
            return False
        hour = hour % 12 + parts.hour_offset
    if 0 <= hour <= 23 and 0 <= minute <= 59 and 0 <= second <= 59 and 0 <= milli <= 999:
        return True
    return hour == 24 and minute == second == milli == 0
