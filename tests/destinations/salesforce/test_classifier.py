"""The Salesforce classifier's table (destinations/salesforce/classifier.py), row by row."""

from __future__ import annotations

import json

import pytest

from destinations.salesforce.classifier import error_for_http_error as salesforce_error
from framework.errors import HTTPError, Resolution, resolution_for
from framework.testing import refused_answer


def refused(status: int, body: str = "", retry_after: float | None = None) -> HTTPError:
    return refused_answer(status, body, url="https://acme.my.salesforce.com/x", retry_after=retry_after)


def said(code: str, message: str = "x") -> str:
    return json.dumps([{"message": message, "errorCode": code}])


@pytest.mark.parametrize(
    ("status", "body", "expected"),
    [(400, said("REQUIRED_FIELD_MISSING"), Resolution.TERMINAL), (401, said("INVALID_SESSION_ID"), Resolution.REFRESH_THEN_RETRY),
     (401, "", Resolution.REFRESH_THEN_RETRY), (403, said("REQUEST_LIMIT_EXCEEDED"), Resolution.RATE_LIMITED),
     (403, said("INSUFFICIENT_ACCESS"), Resolution.TERMINAL), (404, said("NOT_FOUND"), Resolution.TERMINAL),
     (408, "", Resolution.RETRY), (429, "", Resolution.RATE_LIMITED), (500, said("UNKNOWN_EXCEPTION"), Resolution.RETRY),
     (501, "", Resolution.TERMINAL), (503, "<html>down</html>", Resolution.RETRY)],
)  # fmt: skip
def test_salesforce_answers_resolve_by_the_table(status: int, body: str, expected: Resolution) -> None:
    assert resolution_for(salesforce_error(refused(status, body))) == expected


def test_the_message_names_salesforces_code_and_message() -> None:
    message = str(salesforce_error(refused(400, said("INVALID_EMAIL_ADDRESS", "Email: invalid email address"))))
    assert "400 INVALID_EMAIL_ADDRESS: Email: invalid email address" in message


def test_a_429_keeps_retry_after() -> None:
    assert getattr(salesforce_error(refused(429, retry_after=7)), "retry_after", None) == 7


def test_an_answer_that_is_not_json_is_named_by_its_status_only() -> None:
    message = str(salesforce_error(refused(503, "<html>down</html>")))
    assert "503" in message and "<html>" not in message
