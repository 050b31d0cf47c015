"""The HubSpot classifier's table (destinations/hubspot_cloud/classifier.py), row by row."""

from __future__ import annotations

import json

import pytest
import requests

from destinations.hubspot_cloud.classifier import error_for_http_error, refresh_error
from framework.errors import HTTPError, Resolution, resolution_for


def answer(status: int, body: str = "") -> requests.Response:
    response = requests.Response()
    response.status_code, response.url, response._content = (
        status,
        "https://api.hubapi.com/crm/v3/objects/contacts",
        body.encode(),
    )
    response.request = requests.Request("PATCH", response.url).prepare()
    return response


def refused(status: int, body: str = "", retry_after: float | None = None) -> HTTPError:
    response = answer(status, body)
    return HTTPError(response, response.request, retry_after=retry_after)


@pytest.mark.parametrize(
    ("status", "expected"),
    [(400, Resolution.TERMINAL), (401, Resolution.REFRESH_THEN_RETRY), (403, Resolution.TERMINAL),
     (404, Resolution.TERMINAL), (408, Resolution.RETRY), (409, Resolution.TERMINAL), (429, Resolution.RATE_LIMITED),
     (500, Resolution.RETRY), (501, Resolution.TERMINAL), (502, Resolution.RETRY), (503, Resolution.RETRY)],
)  # fmt: skip
def test_hubspot_answers_resolve_by_status(status: int, expected: Resolution) -> None:
    assert resolution_for(error_for_http_error(refused(status))) == expected


def test_the_message_carries_hubspots_message_and_category() -> None:
    body = json.dumps({"status": "error", "message": "Email address is invalid", "category": "VALIDATION_ERROR"})
    message = str(error_for_http_error(refused(400, body)))
    assert "Email address is invalid (VALIDATION_ERROR)" in message and "400" in message


def test_a_429_keeps_retry_after() -> None:
    assert getattr(error_for_http_error(refused(429, retry_after=7)), "retry_after", None) == 7


def test_an_answer_that_is_not_json_is_named_by_its_status() -> None:
    message = str(error_for_http_error(refused(502, "<html>bad gateway</html>")))
    assert "502" in message and "<html>" not in message


@pytest.mark.parametrize(("status", "expected"), [(400, Resolution.TERMINAL), (401, Resolution.TERMINAL),
                                                  (429, Resolution.RATE_LIMITED), (503, Resolution.RETRY)])  # fmt: skip
def test_a_refused_refresh_is_terminal_unless_transient(status: int, expected: Resolution) -> None:
    body = json.dumps({"status": "BAD_REFRESH_TOKEN", "message": "missing or unknown refresh token"})
    error = refresh_error(answer(status, body))
    assert resolution_for(error) == expected
    assert "refresh-1" not in str(error)
