"""The Facebook Conversions API classifier's table (destinations/facebook_conversions_api/classifier.py)."""

from __future__ import annotations

import pytest

from destinations.facebook_conversions_api.classifier import error_for_http_error
from framework.errors import HTTPError, Resolution, resolution_for
from framework.testing import refused_answer


def refused(status: int, body: str = "", retry_after: float | None = None) -> HTTPError:
    return refused_answer(status, body, url="https://graph.facebook.com/v24.0/1/events", retry_after=retry_after)


@pytest.mark.parametrize(
    ("status", "expected"),
    [(400, Resolution.TERMINAL), (401, Resolution.TERMINAL), (403, Resolution.TERMINAL), (404, Resolution.TERMINAL),
     (408, Resolution.RETRY), (429, Resolution.RATE_LIMITED), (500, Resolution.RETRY), (501, Resolution.TERMINAL),
     (502, Resolution.RETRY), (503, Resolution.RETRY)],
)  # fmt: skip
def test_facebook_answers_resolve_by_status(status: int, expected: Resolution) -> None:
    assert resolution_for(error_for_http_error(refused(status))) == expected


def test_a_429_keeps_retry_after_and_never_repeats_the_body() -> None:
    error = error_for_http_error(refused(429, body='{"error":{"message":"em=a@b.c"}}', retry_after=3))
    assert getattr(error, "retry_after", None) == 3
    assert "a@b.c" not in str(error)
