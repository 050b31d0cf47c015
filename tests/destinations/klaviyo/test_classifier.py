"""The Klaviyo classifier's table (destinations/klaviyo/classifier.py), row by row."""

from __future__ import annotations

import json

import pytest

from destinations.klaviyo.classifier import error_for_http_error as klaviyo_error
from framework.errors import HTTPError, Resolution, resolution_for
from framework.testing import refused_answer


def refused(status: int, body: str = "", retry_after: float | None = None) -> HTTPError:
    return refused_answer(status, body, url="https://a.klaviyo.com/api/profiles/", retry_after=retry_after)


@pytest.mark.parametrize(
    ("status", "expected"),
    [(400, Resolution.TERMINAL), (401, Resolution.TERMINAL), (403, Resolution.TERMINAL), (404, Resolution.TERMINAL),
     (408, Resolution.RETRY), (429, Resolution.RATE_LIMITED), (500, Resolution.RETRY), (501, Resolution.TERMINAL),
     (502, Resolution.RETRY), (503, Resolution.RETRY)],
)  # fmt: skip
def test_klaviyo_answers_resolve_by_status(status: int, expected: Resolution) -> None:
    assert resolution_for(klaviyo_error(refused(status))) == expected


def test_the_message_carries_klaviyos_detail_not_the_request() -> None:
    body = json.dumps({"errors": [{"status": 400, "detail": "Invalid email address."}]})
    message = str(klaviyo_error(refused(400, body)))
    assert "Invalid email address." in message and "400" in message


def test_a_429_keeps_retry_after() -> None:
    assert getattr(klaviyo_error(refused(429, retry_after=7)), "retry_after", None) == 7


def test_an_answer_that_is_not_json_is_named_by_its_status() -> None:
    message = str(klaviyo_error(refused(401, "<html>nope</html>")))
    assert "401" in message and "API key" in message and "<html>" not in message
