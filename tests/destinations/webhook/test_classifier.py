"""The webhook classifier's table (destinations/webhook/classifier.py), row by row."""

from __future__ import annotations

import pytest

from destinations.webhook.classifier import error_for_http_error as webhook_error
from framework.errors import HTTPError, Resolution, resolution_for
from framework.testing import refused_answer


def refused(status: int, body: str = "", retry_after: float | None = None) -> HTTPError:
    return refused_answer(status, body, url="https://hooks.example.com/in", retry_after=retry_after)


@pytest.mark.parametrize(
    ("status", "expected"),
    [(400, Resolution.TERMINAL), (401, Resolution.TERMINAL), (403, Resolution.TERMINAL), (404, Resolution.TERMINAL),
     (408, Resolution.RETRY), (429, Resolution.RATE_LIMITED), (500, Resolution.RETRY), (501, Resolution.TERMINAL),
     (502, Resolution.RETRY), (503, Resolution.RETRY), (599, Resolution.RETRY)],
)  # fmt: skip
def test_webhook_answers_resolve_by_status(status: int, expected: Resolution) -> None:
    assert resolution_for(webhook_error(refused(status))) == expected


def test_a_webhook_429_keeps_retry_after_and_names_the_host_not_the_body() -> None:
    error = webhook_error(refused(429, body="secret echo", retry_after=7))
    assert getattr(error, "retry_after", None) == 7
    assert "hooks.example.com" in str(error) and "secret echo" not in str(error)
