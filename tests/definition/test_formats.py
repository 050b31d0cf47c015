"""Format checks, one table per format, including what Segment's date-like accepts."""

from __future__ import annotations

import pytest

from framework.definition.formats import format_check

CASES = [
    ("email", "a@b.co", True), ("email", "first.last+tag@sub.example.org", True), ("email", "a@b", False),
    ("email", "no-at.example.com", False), ("email", "a b@c.com", False),
    ("uri", "https://example.com/x?y=1", True), ("uri", "mailto:a@b.co", True), ("uri", "example.com", False),
    ("uri", "https://exa mple.com", False),
    ("uri-reference", "/relative/path", True), ("uri-reference", "has space", False),
    ("date-time", "2024-01-02T03:04:05Z", True), ("date-time", "2024-01-02 03:04:05.123+02:00", True),
    ("date-time", "2024-01-02T03:04:05", False), ("date-time", "2024-02-30T00:00:00Z", False),
    ("date-time", "2024-01-02T24:00:00Z", False),
    ("date", "2024-02-29", True), ("date", "2023-02-29", False), ("date", "2024-1-2", False),
    ("time", "03:04:05", True), ("time", "03:04:05.5Z", True), ("time", "25:00:00", False),
    ("hostname", "api.example.com", True), ("hostname", "-bad.example.com", False),
    ("ipv4", "192.168.0.1", True), ("ipv4", "256.0.0.1", False),
    ("ipv6", "::1", True), ("ipv6", "2001:db8::ff00:42:8329", True), ("ipv6", "12345::", False),
    ("uuid", "123e4567-e89b-12d3-a456-426614174000", True), ("uuid", "123e4567", False),
    ("regex", "^a+$", True), ("regex", "(", False),
    ("password", "anything at all", True), ("text", "", True),
    # date-like: Segment's dayjs-based check (every datetime field)
    ("date-like", "2024-01-02T03:04:05.000Z", True), ("date-like", "2024-01-02", True),
    ("date-like", "2024-01-02T03:04:05+02:00", True), ("date-like", "2024/01/02 10:00", True),
    ("date-like", "01/02/2024", True), ("date-like", "January 2, 2024", True), ("date-like", "2 Jan 2024", True),
    ("date-like", "Tue, 05 Mar 2024 10:00:00 GMT", True), ("date-like", "Mar 5 2024 10:00 PM", True),
    ("date-like", "2024-13-45", True), ("date-like", "1700000000", True), ("date-like", "1700000000000", True),
    ("date-like", "-1", True), ("date-like", "1.5", True), ("date-like", "2024", True),
    ("date-like", "abc", False), ("date-like", "true", False), ("date-like", "", False),
    ("date-like", "13/45/2024", False), ("date-like", "January", False), ("date-like", "2024-01-02 banana", False),
]


@pytest.mark.parametrize(("fmt", "text", "valid"), CASES, ids=[f"{f}:{t}" for f, t, _ in CASES])
def test_format(fmt: str, text: str, valid: bool) -> None:
    assert format_check(fmt)(text) is valid


# Probed in Node 22 with Segment's own date-like check (dayjs, then V8's Date parser).
V8_DATE_LIKE = {
    " 5 ": True, "5": True, "5 6": True, "5 6 7": True, "hello 1": True, "abc": False, "true": False,
    "January": False, "Jan 5": True, "5 Jan": True, "2024": True, "13": True, "32": True, "100": True,
    "1/2": True, "13/2/2024": False, "2/30/2024": True, "12/45/2024": False, "2024-1-2": True,
    "2024-01-02 banana": False, "banana 2024-01-02": True, "Mon": False, "12:30": False, "12:30 2024": True,
    "2024 12:30": True, "1 2 3 4": False, "0": True, "-1": True, "+1": True, " ": False, "foo bar 5": True,
    "5 foo": False, "2024-01-02T25:00:00": True, "2024-01-02T10:00:00+25:00": False, "Tue Mar 05 2024": True,
    "March 2024": True, "2024 March": True, "5.5.2024": True, "5-6-2024": True, "2024/13/45": True, "T": False,
    "a1": False, "1a": False, "Z": False, "2024-01-02Z": True, "2024-01-02T10:00Z": True, "10:00 PM": False,
    "PM 10": True, "June 31 2024": True, "Feb 30 2024": True, "(comment) 2024": True, "2024 (comment)": True,
    "2024-06-31": True, "1e3": False, " 2024-01-02": True, "2024-01-02 ": True, "20240102": True,
    "2024010": True, "1/2/3": True, "1.5": True, "1,5": True, "5 May 2024 10:00:00 +0200": True,
    "Thu, 01 Jan 1970 00:00:00 GMT+0100": True, "2024-01-02T10:00:00.000-05:00": True,
    "Sat Jan 1 2000 00:00:00 GMT+0000 (Coordinated Universal Time)": True, "hello": False,
    "2024-02-02 x": False, "x 2024-02-02": True, "1 1": True, "40 2": True, "2 40": False, "12 12 12": True,
    "32 12 12": True, "0 0 0": False,
}


@pytest.mark.parametrize(("text", "valid"), V8_DATE_LIKE.items(), ids=list(V8_DATE_LIKE))
def test_date_like_matches_v8(text: str, valid: bool) -> None:
    assert format_check("date-like")(text) is valid
