"""String formats a field may declare, checked the way ajv-formats ("full" mode) checks them.

Formats only constrain strings (a number given to a ``datetime`` field always passes). ``text`` and
``password`` always pass. ``date-like`` (every ``datetime`` field) accepts what Segment's dayjs check
accepts: numeric strings (unix time), dayjs's ``YYYY[-/]MM[-/]DD[ HH:mm:ss.SSS]`` shape (overflowing
dates such as ``2024-13-45`` included), and what JavaScript's lenient ``Date`` parser reads (ISO 8601,
``01/02/2024``, ``January 2, 2024``, RFC 2822, even ``hello 1``): ``js_date`` follows V8's rules, and
the tests check it against V8 on thousands of strings.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable

from framework.definition.coercion import js_number
from framework.definition.js_date import is_js_date
from framework.jsvalues import js_string

__all__ = [
    "FORMAT_CHECKS",
    "is_date_like",
    "format_check",
    "is_date",
    "is_date_time",
    "is_ipv6",
    "is_regex",
    "is_time",
    "is_uri",
]

_EMAIL = re.compile(
    r"^[a-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
    r"@(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$",
    re.IGNORECASE,
)
_HOSTNAME = re.compile(
    r"^(?=.{1,253}\.?$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[-0-9a-z]{0,61}[0-9a-z])?)*\.?$",
    re.IGNORECASE,
)
_IPV4 = re.compile(r"^(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$")
_UUID = re.compile(r"^(?:urn:uuid:)?[0-9a-f]{8}-(?:[0-9a-f]{4}-){3}[0-9a-f]{12}$", re.IGNORECASE)
_DATE = re.compile(r"^(\d\d\d\d)-(\d\d)-(\d\d)$")
_TIME = re.compile(r"^(\d\d):(\d\d):(\d\d(?:\.\d+)?)(z|([+-])(\d\d)(?::?(\d\d))?)?$", re.IGNORECASE)
_URI = re.compile(r"^[a-z][a-z0-9+.-]*:[^\s<>\"{}|\\^`]*$", re.IGNORECASE)
_URI_REFERENCE = re.compile(r"^[^\s<>\"{}|\\^`]*$")
_URI_TEMPLATE = re.compile(
    r"^(?:[^\x00-\x20\"'<>%\\^`{|}]|%[0-9a-f]{2}|\{[+#./;?&=,!@|]?[a-z0-9_%.,:*]+\})*$", re.IGNORECASE
)
_DAYS = (0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def _leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def is_date(text: str) -> bool:
    """A real calendar date ``YYYY-MM-DD`` (leap years honoured)."""
    match = _DATE.match(text)
    if not match:
        return False
    year, month, day = (int(g) for g in match.groups())
    if not 1 <= month <= 12 or day < 1:
        return False
    return day <= (29 if month == 2 and _leap(year) else _DAYS[month])


def is_time(text: str, *, zone_required: bool = False) -> bool:
    """``HH:MM:SS[.frac][Z|±HH[:MM]]``; a leap second only at 23:59:60 UTC."""
    match = _TIME.match(text)
    if not match:
        return False
    hour, minute, second = int(match[1]), int(match[2]), float(match[3])
    if zone_required and not match[4]:
        return False
    if match[5]:
        if int(match[6]) > 23 or int(match[7] or 0) > 59:
            return False
    if hour <= 23 and minute <= 59 and second < 60:
        return True
    return second < 61 and ((hour == 23 and minute == 59) or bool(match[5]))


def is_date_time(text: str) -> bool:
    """RFC 3339 date-time with a time zone, date and time separated by ``T`` or a space."""
    parts = re.split(r"t|\s", text, maxsplit=1, flags=re.IGNORECASE)
    return len(parts) == 2 and is_date(parts[0]) and is_time(parts[1], zone_required=True)


def is_uri(text: str) -> bool:
    """ajv-formats' ``uri``: ASCII only (an IRI such as ``https://ünïcode.example`` is refused, as Segment does)."""
    return text.isascii() and bool(_URI.match(text)) and ("/" in text or ":" in text)


def is_ipv6(text: str) -> bool:
    try:
        ipaddress.IPv6Address(text)
    except ValueError:
        return False
    return True


def is_regex(text: str) -> bool:
    try:
        re.compile(text)
    except re.error:
        return False
    return True


def _always(_: str) -> bool:
    return True


FORMAT_CHECKS: dict[str, Callable[[str], bool]] = {
    "date": is_date,
    "time": is_time,
    "date-time": is_date_time,
    "uri": is_uri,
    "uri-reference": lambda s: bool(_URI_REFERENCE.match(s)),
    "uri-template": lambda s: bool(_URI_TEMPLATE.match(s)),
    "email": lambda s: bool(_EMAIL.match(s)),
    "hostname": lambda s: bool(_HOSTNAME.match(s)),
    "ipv4": lambda s: bool(_IPV4.match(s)),
    "ipv6": is_ipv6,
    "regex": is_regex,
    "uuid": lambda s: bool(_UUID.match(s)),
    "password": _always,
    "text": _always,
}


def format_check(fmt: str) -> Callable[[str], bool]:
    """The checker for a format name (``date-like`` included)."""
    if fmt == "date-like":
        return is_date_like
    return FORMAT_CHECKS[fmt]


# ---- date-like: what dayjs(...).isValid() accepts --------------------------------------------------

_DAYJS = re.compile(r"^(\d{4})[-/]?(\d{1,2})?[-/]?(\d{0,2})[Tt\s]*(\d{1,2})?:?(\d{1,2})?:?(\d{1,2})?[.:]?(\d+)?$")
_MAX_TIME_MS = 8.64e15  # the largest time value a JavaScript Date holds


def is_date_like(text: str) -> bool:
    """Whether Segment's ``date-like`` format accepts ``text`` (dayjs, then JavaScript's Date)."""
    number = js_number(text)
    if number is not None and js_string(number) == text:
        return abs(number) * 1000 <= _MAX_TIME_MS  # a canonical number string is unix seconds
    if text[-1:] not in ("z", "Z") and _DAYJS.match(text):
        return True  # dayjs builds the date from parts; out-of-range parts roll over
    return is_js_date(text)
