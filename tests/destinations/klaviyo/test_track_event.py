"""trackEvent's time, written as JavaScript's ``toISOString`` writes it (the recording covers the requests)."""

from __future__ import annotations

import pytest

from destinations.klaviyo.track_event import iso_time
from framework.errors import PayloadValidationError


@pytest.mark.parametrize(
    ("given", "sent"),
    [("2026-12-06T12:00:00Z", "2026-12-06T12:00:00.000Z"), ("2026-12-06T13:30:05.123+01:30", "2026-12-06T12:00:05.123Z"),
     ("2026-01-01T00:00:00.5Z", "2026-01-01T00:00:00.500Z"), ("2026-12-06T12:00:00.999999Z", "2026-12-06T12:00:00.999Z")],
)  # fmt: skip
def test_times_are_utc_to_the_millisecond(given: str, sent: str) -> None:
    assert iso_time(given) == sent


def test_a_time_that_is_not_iso_is_refused_naming_it() -> None:
    with pytest.raises(PayloadValidationError, match="Dec 6 2026"):
        iso_time("Dec 6 2026")
