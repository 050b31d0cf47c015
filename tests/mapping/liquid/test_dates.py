"""The ``date`` filter: liquidjs's parsing and strftime codes, in UTC."""

from __future__ import annotations

from typing import Any

import pytest

from framework.mapping.liquid.dates import date_filter, parse_date

MOMENT = "2024-03-09T05:06:07.089Z"


@pytest.mark.parametrize(
    ("pattern", "text"),
    [
        ("%Y-%m-%d %H:%M:%S", "2024-03-09 05:06:07"), ("%a %A %b %B", "Sat Saturday Mar March"), ("%e|%-d|%_m|%05Y", " 9|9| 3|02024"),
        ("%I %l %p %P", "05  5 AM am"), ("%j %U %W %u %w", "069 09 10 6 6"), ("%L %N %s", "089 089000000 1709960767"),
        ("%q %y %C %%", "th 24 20 %"), ("%z %:z %Z", "+0000 +00:00 UTC"), ("%^a %#B %Q", "SAT MARCH %Q"),
    ],
)  # fmt: skip
def test_strftime_codes(pattern: str, text: str) -> None:
    assert date_filter(MOMENT, pattern) == text


@pytest.mark.parametrize(
    ("value", "day"),
    [
        (1700000000, "2023-11-14"),
        ("1700000000", "2023-11-14"),
        ("2024-01-15", "2024-01-15"),
        ("2024-01-15T23:30:00-02:00", "2024-01-16"),
    ],
)
def test_accepted_inputs(value: Any, day: str) -> None:
    assert date_filter(value, "%Y-%m-%d") == day


@pytest.mark.parametrize("value", ["not a date", None, {"a": 1}, float("nan")])
def test_values_that_are_not_dates_come_back_unchanged(value: Any) -> None:
    assert parse_date(value) is None
    if value is not None and value == value:
        assert date_filter(value, "%Y") == value
