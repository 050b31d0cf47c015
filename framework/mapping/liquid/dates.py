"""The Liquid ``date`` filter: parse like liquidjs (``now``, epoch seconds, ISO 8601), format with strftime.

Dates are formatted in UTC (liquidjs uses the server's time zone; Segment's servers run in UTC). The
format codes, flags (``-``, ``_``, ``0``, ``^``, ``#``, ``:``) and default paddings are liquidjs's.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from framework.jsvalues import is_nullish
from framework.mapping.liquid.values import stringify

__all__ = ["date_filter", "parse_date", "strftime"]

_FORMAT = re.compile(r"%([-_0^#:]+)?(\d+)?([EO])?(.)", re.DOTALL)
_PAD_WIDTHS = {
    "C": 2,
    "d": 2,
    "e": 2,
    "H": 2,
    "I": 2,
    "j": 3,
    "k": 2,
    "l": 2,
    "L": 3,
    "m": 2,
    "M": 2,
    "S": 2,
    "U": 2,
    "W": 2,
    "y": 2,
    "Y": 4,
}
_PAD_WITH_SPACES = set("aAbBceklpP")
_DAYS = ("Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday")
_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_ISO_DATE_ONLY = re.compile(r"\d{4}-\d{2}-\d{2}")


def _from_epoch(seconds: float) -> datetime | None:
    try:
        return _EPOCH + timedelta(seconds=seconds)
    except (OverflowError, ValueError):  # out of range, or NaN: not a date
        return None


def _from_text(text: str) -> datetime | None:
    """ISO 8601 text (``Z`` or an offset, or none: read as UTC), as ``new Date(text)`` accepts it."""
    candidate = text.strip()
    if candidate.endswith(("Z", "z")):
        candidate = candidate[:-1] + "+00:00"
    try:
        parsed = datetime.fromisoformat(candidate)
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def parse_date(value: Any) -> datetime | None:
    """liquidjs ``parseDate``: ``now``/``today``, numbers and digit strings as epoch seconds, else text."""
    if is_nullish(value):
        return None
    if value in ("now", "today"):
        return _from_epoch(time.time())
    if type(value) is bool:  # JS new Date(true) is 1 ms after the epoch
        return _from_epoch(0.001 if value else 0.0)
    if type(value) in (int, float) and type(value) is not bool:
        return _from_epoch(value)
    if type(value) is str:
        return _from_epoch(int(value)) if value.isdigit() and value.isascii() else _from_text(value)
    return None


def _week_of_year(moment: datetime, start_day: int) -> str:
    weekday = (moment.isoweekday() % 7 - start_day + 7) % 7
    return str((moment.timetuple().tm_yday - 1 - weekday + 7) // 7)


def _ordinal(day: int) -> str:
    if day in (11, 12, 13):
        return "th"
    return {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")


_CODES: dict[str, Callable[[datetime], Any]] = {
    "a": lambda d: _DAYS[d.isoweekday() % 7][:3],
    "A": lambda d: _DAYS[d.isoweekday() % 7],
    "b": lambda d: _MONTHS[d.month - 1][:3],
    "h": lambda d: _MONTHS[d.month - 1][:3],
    "B": lambda d: _MONTHS[d.month - 1],
    "C": lambda d: d.year // 100,
    "d": lambda d: d.day,
    "e": lambda d: d.day,
    "H": lambda d: d.hour,
    "I": lambda d: d.hour % 12 or 12,
    "j": lambda d: d.timetuple().tm_yday,
    "k": lambda d: d.hour,
    "l": lambda d: d.hour % 12 or 12,
    "L": lambda d: d.microsecond // 1000,
    "m": lambda d: d.month,
    "M": lambda d: d.minute,
    "p": lambda d: "AM" if d.hour < 12 else "PM",
    "P": lambda d: "am" if d.hour < 12 else "pm",
    "q": lambda d: _ordinal(d.day),
    "s": lambda d: int((d - _EPOCH).total_seconds() // 1),
    "S": lambda d: d.second,
    "u": lambda d: d.isoweekday(),
    "U": lambda d: _week_of_year(d, 0),
    "w": lambda d: d.isoweekday() % 7,
    "W": lambda d: _week_of_year(d, 1),
    "y": lambda d: d.year % 100,
    "Y": lambda d: d.year,
    "z": lambda d: "+0000",
    "Z": lambda d: "UTC",
    "t": lambda d: "\t",
    "n": lambda d: "\n",
    "%": lambda d: "%",
}


def _format_one(moment: datetime, match: re.Match[str]) -> str:
    flags, width, _, code = match.group(1) or "", match.group(2), match.group(3), match.group(4)
    if code == "N":
        digits = int(width) if width else 9
        return f"{moment.microsecond // 1000:03d}"[:digits].ljust(digits, "0")
    convert = _CODES.get(code)
    if convert is None:
        return match.group(0)
    text = "+00:00" if code == "z" and ":" in flags else str(convert(moment))
    pad_char = " " if code in _PAD_WITH_SPACES else "0"
    pad_width = int(width) if width else _PAD_WIDTHS.get(code, 0)
    if "^" in flags:
        text = text.upper()
    elif "#" in flags:
        text = text.upper() if any("a" <= c <= "z" for c in text) else text.lower()
    pad_char = " " if "_" in flags else "0" if "0" in flags else pad_char
    if "-" in flags:
        pad_width = 0
    if pad_char == "0" and text.startswith("-"):
        return "-" + text[1:].rjust(pad_width - 1, "0")
    return text.rjust(pad_width, pad_char)


def strftime(moment: datetime, pattern: str) -> str:
    """liquidjs ``strftime``."""
    return _FORMAT.sub(lambda match: _format_one(moment, match), pattern)


def date_filter(value: Any, pattern: Any = None, *_: Any) -> Any:
    """``{{ value | date: "%Y-%m-%d" }}``: the value unchanged when it is not a date."""
    moment = parse_date(value)
    if moment is None:
        return value
    return strftime(moment, "%A, %B %-e, %Y at %-l:%M %P %z" if is_nullish(pattern) else stringify(pattern))
