"""framework.errors: every error and status maps to the Resolution the delivery engine acts on."""

from __future__ import annotations

import pytest
import requests

from framework.errors import (
    HTTP_STATUS_CODES,
    ActionsError,
    APIError,
    HTTPError,
    IntegrationError,
    InvalidAuthenticationError,
    PayloadValidationError,
    RequestTimeoutError,
    Resolution,
    RetryableError,
    SelfTimeoutError,
    error_code_for_status,
    resolution_for,
    status_of,
)


def _response(status: int, reason: str = "") -> requests.Response:
    response = requests.Response()
    response.status_code = status
    response.reason = reason
    return response


RETRY, RATE, REFRESH, TERMINAL = (
    Resolution.RETRY,
    Resolution.RATE_LIMITED,
    Resolution.REFRESH_THEN_RETRY,
    Resolution.TERMINAL,
)

ERROR_TABLE = [
    (RetryableError("busy"), RETRY),
    (RetryableError("busy", 503), RETRY),
    (RetryableError("slow down", 429), RATE),
    (RetryableError("locked", 423), RETRY),
    (InvalidAuthenticationError("expired"), REFRESH),
    (InvalidAuthenticationError("gone", code="OAUTH_REFRESH_FAILED"), TERMINAL),
    (InvalidAuthenticationError("gone", code="REFRESH_TOKEN_EXPIRED"), TERMINAL),
    (PayloadValidationError("Email is missing"), TERMINAL),
    (IntegrationError("bad", "BAD", 400), TERMINAL),
    (IntegrationError("down", "DOWN", 503), RETRY),
    (APIError("not found", 404), TERMINAL),
    (APIError("server", 500), RETRY),
    (APIError("not implemented", 501), TERMINAL),
    (APIError("quota", 429), RATE),
    (SelfTimeoutError("polling gave up"), RETRY),
    (RequestTimeoutError("Request timed out after 10000ms"), RETRY),
    (requests.ConnectionError("refused"), RETRY),
    (requests.Timeout("slow"), RETRY),
    (requests.ReadTimeout("slow"), RETRY),
    (ValueError("programming error"), TERMINAL),
    (PayloadValidationError("daily quota", resolution=RATE), RATE),
    (APIError("teapot", 418, resolution=RETRY), RETRY),
]


@pytest.mark.parametrize(("error", "expected"), ERROR_TABLE, ids=lambda v: repr(v)[:40])
def test_resolution_for_errors(error: BaseException, expected: Resolution) -> None:
    assert resolution_for(error) is expected


STATUS_TABLE = (
    [(s, RETRY) for s in (500, 502, 503, 504, 505, 507, 511, 598, 599)]
    + [(501, TERMINAL), (408, RETRY), (423, RETRY), (429, RATE), (401, REFRESH)]
    + [(s, TERMINAL) for s in (400, 402, 403, 404, 405, 409, 410, 413, 418, 422)]
    + [(200, Resolution.SUCCESS), (204, Resolution.SUCCESS)]
)


@pytest.mark.parametrize(("status", "expected"), STATUS_TABLE)
def test_http_error_resolution_follows_status(status: int, expected: Resolution) -> None:
    assert resolution_for(HTTPError(_response(status))) is expected


def test_http_error_carries_status_message_and_retry_after() -> None:
    error = HTTPError(_response(429, "Too Many Requests"), retry_after=30.0)
    assert (error.status, error.message, error.retry_after) == (429, "Too Many Requests", 30.0)
    assert str(HTTPError(_response(599))) == "599"


@pytest.mark.parametrize(
    ("error", "status", "code"),
    [
        (IntegrationError("m", "C", 418), 418, "C"),
        (RetryableError(), 500, "RETRYABLE_ERROR"),
        (InvalidAuthenticationError(), 401, "INVALID_AUTHENTICATION"),
        (PayloadValidationError("m"), 400, "PAYLOAD_VALIDATION_FAILED"),
        (APIError("m", 404), 404, "404"),
        (SelfTimeoutError("m"), 408, "SELF_TIMEOUT"),
        (RequestTimeoutError("m"), 408, "ETIMEDOUT"),
    ],
)
def test_segment_status_and_code(error: ActionsError, status: int, code: str) -> None:
    assert status_of(error) == status
    assert error.code == code


def test_payload_validation_error_lists_each_problem() -> None:
    error = PayloadValidationError("A is bad. B is bad.", errors=["A is bad.", "B is bad."])
    assert error.errors == ["A is bad.", "B is bad."]
    assert PayloadValidationError("Only one.").errors == ["Only one."]


@pytest.mark.parametrize(
    ("status", "code"),
    [
        (200, "OK"),
        (301, "MOVED_PERMENANTLY"),
        (404, "NOT_FOUND"),
        (418, "IM_A_TEAPOT"),
        (429, "TOO_MANY_REQUESTS"),
        (499, "CANCELLED"),
        (529, "SITE_IS_OVERLOADED"),
        (599, "UNKNOWN_ERROR"),
        (None, "UNKNOWN_ERROR"),
    ],
)
def test_error_code_for_status(status: int | None, code: str) -> None:
    assert error_code_for_status(status) == code


def test_status_table_covers_segment_ranges() -> None:
    expected = {
        *range(100, 104),
        *range(200, 209),
        226,
        *range(300, 309),
        *range(400, 419),
        *range(421, 427),
        428,
        429,
        431,
        451,
        499,
        *range(500, 512),
        529,
    }
    assert set(HTTP_STATUS_CODES) == expected
