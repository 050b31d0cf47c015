"""The Pardot response classifier, as a table: answer → error class, status, resolution, retry_after."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import requests

from destinations.pardot import classifier
from destinations.pardot.classifier import error_for_http_error, refresh_error, seconds_until_quota_reset
from framework.errors import (
    ActionsError,
    APIError,
    HTTPError,
    IntegrationError,
    Resolution,
    RetryableError,
    resolution_for,
)

NOW = datetime(2026, 5, 4, 22, 30, tzinfo=UTC)  # 1 h 30 min before midnight UTC
JSON = "application/json"
XML = "text/xml; charset=utf-8"


def http_error(status: int, body: Any, content_type: str = JSON, retry_after: float | None = None) -> HTTPError:
    response = requests.Response()
    response.status_code = status
    response.reason = "Reason"
    response.headers["Content-Type"] = content_type
    response._content = (json.dumps(body) if content_type == JSON else str(body)).encode()
    return HTTPError(response, retry_after=retry_after)


def classify(error: HTTPError) -> Any:
    return error_for_http_error(error, clock=lambda: NOW)


# status, body, content type, Retry-After → class, status, resolution, retry_after, text in the message
TABLE = [
    pytest.param(
        401,
        {"code": 184, "message": "access_token is invalid"},
        JSON,
        None,
        IntegrationError,
        401,
        Resolution.REFRESH_THEN_RETRY,
        None,
        "error code 184",
        id="expired token 401",
    ),
    pytest.param(
        400,
        {"code": 184, "message": "access_token is invalid"},
        JSON,
        None,
        IntegrationError,
        400,
        Resolution.REFRESH_THEN_RETRY,
        None,
        "184",
        id="code 184 without 401",
    ),
    pytest.param(
        401,
        {"code": 49, "message": "Access Denied"},
        JSON,
        None,
        IntegrationError,
        401,
        Resolution.REFRESH_THEN_RETRY,
        None,
        "Access Denied",
        id="401 code 49",
    ),
    pytest.param(
        400,
        {"code": 66, "message": "concurrent request limit"},
        JSON,
        None,
        RetryableError,
        429,
        Resolution.RATE_LIMITED,
        None,
        "error code 66",
        id="concurrency as 400",
    ),
    pytest.param(
        429,
        {"code": 66, "message": "concurrent request limit"},
        JSON,
        3.0,
        RetryableError,
        429,
        Resolution.RATE_LIMITED,
        3.0,
        "5 concurrent",
        id="concurrency as 429",
    ),
    pytest.param(
        429,
        {"code": 122, "message": "Daily API rate limit met"},
        JSON,
        None,
        RetryableError,
        429,
        Resolution.RATE_LIMITED,
        5400.0,
        "daily API quota",
        id="daily quota",
    ),
    pytest.param(
        400,
        {"code": 122, "message": "Daily API rate limit met"},
        JSON,
        None,
        RetryableError,
        429,
        Resolution.RATE_LIMITED,
        5400.0,
        "error code 122",
        id="daily quota as 400",
    ),
    pytest.param(
        429,
        {"code": 122, "message": "Daily API rate limit met"},
        JSON,
        60.0,
        RetryableError,
        429,
        Resolution.RATE_LIMITED,
        60.0,
        "122",
        id="daily quota with Retry-After",
    ),
    pytest.param(
        429,
        {"code": 999, "message": "slow down"},
        JSON,
        7.0,
        RetryableError,
        429,
        Resolution.RATE_LIMITED,
        7.0,
        "slow down",
        id="json 429",
    ),
    pytest.param(
        400,
        {"code": "66", "message": "concurrent request limit"},
        JSON,
        None,
        RetryableError,
        429,
        Resolution.RATE_LIMITED,
        None,
        "5 concurrent",
        id="code as a string",
    ),
    pytest.param(
        429, "Too many", "text/plain", 9.0, RetryableError, 429, Resolution.RATE_LIMITED, 9.0, "429", id="plain 429"
    ),
    pytest.param(
        503,
        {"code": 183, "message": "Internal error"},
        JSON,
        None,
        RetryableError,
        503,
        Resolution.RETRY,
        None,
        "error code 183",
        id="json 503",
    ),
    pytest.param(
        502,
        "<html>bad gateway</html>",
        "text/html",
        None,
        RetryableError,
        502,
        Resolution.RETRY,
        None,
        "502",
        id="html 502",
    ),
    pytest.param(
        400,
        {"code": 62, "message": "Conflicting update"},
        JSON,
        None,
        RetryableError,
        400,
        Resolution.RETRY,
        None,
        "concurrent update",
        id="conflicting update 62",
    ),
    pytest.param(
        400,
        {"code": 183, "message": "Internal error, please retry"},
        JSON,
        None,
        RetryableError,
        400,
        Resolution.RETRY,
        None,
        "error code 183",
        id="internal error 183 as 400",
    ),
    pytest.param(
        500,
        {"code": 183, "message": "Internal error, please retry"},
        JSON,
        2.0,
        RetryableError,
        500,
        Resolution.RETRY,
        2.0,
        "internal error",
        id="internal error 183 as 500",
    ),
    pytest.param(
        501,
        {"code": 183, "message": "Internal error, please retry"},
        JSON,
        None,
        RetryableError,
        501,
        Resolution.RETRY,
        None,
        "183",
        id="code 183 wins over 501",
    ),
    pytest.param(
        504,
        {"code": 214, "message": "API request timed out"},
        JSON,
        None,
        RetryableError,
        504,
        Resolution.RETRY,
        None,
        "time-out",
        id="timed out 214 as 504",
    ),
    pytest.param(
        400,
        {"code": 214, "message": "API request timed out"},
        JSON,
        None,
        RetryableError,
        400,
        Resolution.RETRY,
        None,
        "error code 214",
        id="timed out 214 as 400",
    ),
    pytest.param(
        501,
        {"code": 60, "message": "Not implemented"},
        JSON,
        None,
        IntegrationError,
        501,
        Resolution.TERMINAL,
        None,
        "error code 60",
        id="json 501 is terminal",
    ),
    pytest.param(
        400,
        {"code": 4, "message": "Invalid prospect email address"},
        JSON,
        None,
        IntegrationError,
        400,
        Resolution.TERMINAL,
        None,
        "Invalid prospect email",
        id="invalid email",
    ),
    pytest.param(
        400,
        {"code": 180, "message": "One or more of the specified fields are invalid"},
        JSON,
        None,
        IntegrationError,
        400,
        Resolution.TERMINAL,
        None,
        "error code 180",
        id="invalid fields",
    ),
    pytest.param(
        403,
        {"code": 201, "message": "Business Unit not found"},
        JSON,
        None,
        IntegrationError,
        403,
        Resolution.TERMINAL,
        None,
        "error code 201",
        id="json wrong unit",
    ),
    pytest.param(
        400,
        {"code": 181, "message": "A required header is missing"},
        JSON,
        None,
        IntegrationError,
        400,
        Resolution.TERMINAL,
        None,
        "181",
        id="missing header",
    ),
    pytest.param(
        400,
        '<rsp stat="fail"><err code="49">Access Denied</err></rsp>',
        XML,
        None,
        IntegrationError,
        403,
        Resolution.TERMINAL,
        None,
        "sandbox vs production",
        id="xml 400",
    ),
    pytest.param(
        403,
        '<rsp stat="fail"><err code="201">bad unit</err></rsp>',
        XML,
        None,
        IntegrationError,
        403,
        Resolution.TERMINAL,
        None,
        "Business Unit ID",
        id="xml 403",
    ),
]


@pytest.mark.parametrize(
    ("status", "body", "content_type", "retry_after", "kind", "error_status", "resolution", "wait", "text"), TABLE
)
def test_classifier_table(
    status: int,
    body: Any,
    content_type: str,
    retry_after: float | None,
    kind: type[ActionsError],
    error_status: int,
    resolution: Resolution,
    wait: float | None,
    text: str,
) -> None:
    error = classify(http_error(status, body, content_type, retry_after))
    assert type(error) is kind
    assert error.status == error_status
    assert resolution_for(error) is resolution
    assert error.retry_after == wait
    assert text in error.message


def test_every_code_in_the_classifier_table_has_a_row() -> None:
    documented = {
        int(code)
        for group in re.findall(r"\{code: ([0-9 /]+)\}", classifier.__doc__ or "")
        for code in group.split("/")
    }
    covered = {row.values[1]["code"] for row in TABLE if isinstance(row.values[1], dict)}
    assert {4, 62, 66, 122, 180, 183, 184, 214} <= documented
    assert documented - {int(code) for code in covered} == set()


@pytest.mark.parametrize(
    ("status", "body", "content_type", "resolution"),
    [(404, "<html>nope</html>", "text/html", Resolution.TERMINAL),
     (401, "Unauthorized", "text/plain", Resolution.REFRESH_THEN_RETRY),
     (500, '<rsp stat="fail"/>', XML, Resolution.RETRY),
     (400, {"error": "no code here"}, JSON, Resolution.TERMINAL)],
    ids=["html 404", "plain 401", "xml 500", "json without code"],
)  # fmt: skip
def test_answers_without_a_pardot_code_keep_the_status(
    status: int, body: Any, content_type: str, resolution: Resolution
) -> None:
    original = http_error(status, body, content_type)
    error = classify(original)
    assert resolution_for(error) is resolution
    if status < 500:
        assert error is original  # nothing to add: the request client's HTTPError stands


def test_json_messages_name_code_message_and_the_error_code_list() -> None:
    error = classify(http_error(400, {"code": 85, "message": "Unable to save the prospect"}))
    assert error.code == "PARDOT_ERROR"
    assert "error code 85: Unable to save the prospect" in error.message
    assert "error-codes" in error.message


@pytest.mark.parametrize(
    ("now", "tz", "seconds"),
    [(datetime(2026, 1, 1, 23, 0, tzinfo=UTC), UTC, 3600.0),
     (datetime(2026, 1, 1, 0, 0, tzinfo=UTC), UTC, 86400.0),
     (datetime(2026, 1, 1, 8, 0, tzinfo=UTC), ZoneInfo("America/Los_Angeles"), 86400.0),
     (datetime(2026, 1, 1, 9, 0, tzinfo=UTC), ZoneInfo("America/Los_Angeles"), 82800.0)],
)  # fmt: skip
def test_seconds_until_quota_reset(now: datetime, tz: Any, seconds: float) -> None:
    assert seconds_until_quota_reset(now, tz) == seconds


# -- Salesforce refresh answers: Segment's tests, plus what the delivery engine does with them ----------------

REFRESH_TABLE = [
    pytest.param(
        400,
        {"error": "invalid_grant", "error_description": "token request is already being processed"},
        RetryableError,
        "Concurrent token refresh error. This request will be retried",
        Resolution.RETRY,
        id="concurrent refresh (release 252 wording)",
    ),
    pytest.param(
        400,
        {"error": "invalid_grant", "error_description": "expired authorization code"},
        RetryableError,
        "Concurrent token refresh error. This request will be retried",
        Resolution.RETRY,
        id="concurrent refresh (release 250 wording)",
    ),
    pytest.param(
        401,
        {"error": "invalid_grant", "error_description": "Failed to refresh access token"},
        APIError,
        "Failed to refresh access token",
        Resolution.TERMINAL,
        id="segment's other-error test",
    ),
    pytest.param(
        400,
        {"error": "invalid_grant", "error_description": "expired access/refresh token"},
        APIError,
        "expired access/refresh token",
        Resolution.TERMINAL,
        id="revoked refresh token",
    ),
    pytest.param(
        400,
        {"error": "invalid_client", "error_description": "invalid client credentials"},
        APIError,
        "invalid client credentials",
        Resolution.TERMINAL,
        id="wrong secret",
    ),
    pytest.param(
        401,
        {"error": "invalid_grant", "error_description": "token request is already being processed"},
        APIError,
        "token request is already being processed",
        Resolution.TERMINAL,
        id="concurrent but 401",
    ),
    pytest.param(400, "not json", APIError, "Failed to refresh access token", Resolution.TERMINAL, id="non-json"),
    pytest.param(503, {}, APIError, "Failed to refresh access token", Resolution.RETRY, id="salesforce down"),
]


@pytest.mark.parametrize(("status", "body", "kind", "message", "resolution"), REFRESH_TABLE)
def test_refresh_error_table(status: int, body: Any, kind: type, message: str, resolution: Resolution) -> None:
    error = refresh_error(status, body)
    assert type(error) is kind
    assert error.message == message
    assert resolution_for(error) is resolution
    if kind is APIError:
        assert (error.status, error.code) == (status, str(status))
