"""Pardot's and Salesforce's error answers → framework errors: where a Pardot 429 becomes a retry.

Every non-2xx answer of the destination goes through here, once. The decision table (its tests are a
table too, ``tests/destinations/pardot/test_classifier.py``):

=============================================  ===================================  ==================
answer                                         error raised                         resolution
=============================================  ===================================  ==================
JSON ``{code: 184}`` or JSON 401               IntegrationError PARDOT_ERROR        REFRESH_THEN_RETRY
JSON ``{code: 66}`` or any 429                 RetryableError 429 (Retry-After)     RATE_LIMITED
JSON ``{code: 122}`` (daily quota)             RetryableError 429, retry_after =    RATE_LIMITED
                                               seconds until the quota resets
JSON ``{code: 62 / 183 / 214}`` (conflicting   RetryableError with that status      RETRY
update, internal error, timed out), any status
JSON 5xx except 501, non-JSON 5xx              RetryableError with that status      RETRY
JSON ``{code: 4}`` / ``{code: 180}``           IntegrationError PARDOT_ERROR        TERMINAL (failed,
                                                                                    as in Segment)
any other JSON error                           IntegrationError PARDOT_ERROR        by status
XML 400 / 403                                  IntegrationError PARDOT_ERROR 403    TERMINAL
anything else                                  the request client's HTTPError       by status
=============================================  ===================================  ==================

Every message names Pardot's code and message, so a dead letter says what Pardot objected to.
Segment raises IntegrationError for every JSON answer and leaves the rest to the status; here the
resolution is pinned where the status alone would decide wrong (a code 66 or 122 answered with 400,
a code 184 answered with anything but 401).

Token refresh answers (Salesforce) have their own, smaller table, shared with the Salesforce
destination in ``framework.definition.oauth_login`` (``refresh_error``, re-exported here).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta, tzinfo
from typing import Any

from framework.definition.oauth_login import CONCURRENT_REFRESH_DESCRIPTIONS, refresh_error
from framework.definition.oauth_login import parsed_json as response_json
from framework.errors import (
    ActionsError,
    HTTPError,
    IntegrationError,
    Resolution,
    RetryableError,
)

__all__ = [
    "ERROR_CODES_URL",
    "QUOTA_TIMEZONE",
    "CONCURRENT_REFRESH_DESCRIPTIONS",
    "error_for_http_error",
    "refresh_error",
    "response_json",
    "seconds_until_quota_reset",
]

ERROR_CODES_URL = (
    "https://developer.salesforce.com/docs/marketing/pardot/guide/error-codes.html#numerical-list-of-error-codes"
)
# Pardot resets the daily counter at midnight in the account's time zone, which the API does not
# reveal; UTC is the assumption (see the destination's FAQ).
QUOTA_TIMEZONE: tzinfo = UTC

_EXPIRED_TOKEN = 184
_CONCURRENT_LIMIT = 66
_DAILY_LIMIT = 122
_PAYLOAD_CODES = frozenset({4, 180})
# Transient by their meaning, whatever status carries them: 62 conflicting update (a concurrent write
# to the same record), 183 internal error ("please retry"), 214 API request timed out.
_TRANSIENT_CODES = {62: "a concurrent update of the same record", 183: "an internal error", 214: "a time-out"}
_XML_AUTH_MESSAGE = (
    "The Business Unit ID or access token is invalid, or the request went to the wrong instance "
    "(sandbox vs production). If you toggled Sandbox Instance, disconnect and reconnect with the "
    "matching Salesforce username."
)


def seconds_until_quota_reset(now: datetime, tz: tzinfo = QUOTA_TIMEZONE) -> float:
    """Seconds from ``now`` until the next midnight in ``tz``, when Pardot's daily quota resets.

    >>> seconds_until_quota_reset(datetime(2026, 1, 1, 23, 0, tzinfo=timezone.utc))
    3600.0
    """
    local = now.astimezone(tz)
    tomorrow = (local + timedelta(days=1)).date()
    midnight = datetime(tomorrow.year, tomorrow.month, tomorrow.day, tzinfo=tz)
    return (midnight - now).total_seconds()


def error_for_http_error(
    error: HTTPError,
    *,
    clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    quota_timezone: tzinfo = QUOTA_TIMEZONE,
) -> ActionsError:
    """The error to raise for a Pardot API answer the request client refused (see the table)."""
    response = error.response
    content_type = response.headers.get("content-type", "")
    if "application/json" in content_type:
        body = response_json(response)
        if isinstance(body, dict) and "code" in body:
            return _pardot_json_error(response.status_code, body, error.retry_after, clock(), quota_timezone)
    if "text/xml" in content_type and response.status_code in (400, 403):
        return IntegrationError(_XML_AUTH_MESSAGE, "PARDOT_ERROR", 403, resolution=Resolution.TERMINAL)
    return _error_by_status(error)


def _pardot_json_error(
    status: int, body: dict[str, Any], retry_after: float | None, now: datetime, quota_timezone: tzinfo
) -> ActionsError:
    code, said = _as_code(body.get("code")), body.get("message", "")
    named = f"Pardot responded with error code {code}: {said}"
    if code == _DAILY_LIMIT:
        wait = retry_after if retry_after is not None else seconds_until_quota_reset(now, quota_timezone)
        message = f"{named}. The daily API quota is used up; it resets at midnight ({quota_timezone})."
        return RetryableError(message, 429, retry_after=wait, resolution=Resolution.RATE_LIMITED)
    if code == _CONCURRENT_LIMIT or status == 429:
        why = "Pardot allows 5 concurrent requests per business unit" if code == _CONCURRENT_LIMIT else "Rate limited"
        message = f"{named}. {why}; slowing down and retrying."
        return RetryableError(message, 429, retry_after=retry_after, resolution=Resolution.RATE_LIMITED)
    if code == _EXPIRED_TOKEN or status == 401:
        message = f"{named}. The access token is expired or invalid; refreshing it and retrying."
        return IntegrationError(message, "PARDOT_ERROR", status, resolution=Resolution.REFRESH_THEN_RETRY)
    if code in _TRANSIENT_CODES:
        message = f"{named}. Pardot failed temporarily ({_TRANSIENT_CODES[code]}); retrying."
        return RetryableError(message, status, retry_after=retry_after, resolution=Resolution.RETRY)
    if 500 <= status <= 599 and status != 501:
        return RetryableError(f"{named}. Pardot failed temporarily; retrying.", status, retry_after=retry_after)
    detail = f"{named}. Pardot received the call but considers it invalid; see {ERROR_CODES_URL}"
    if code in _PAYLOAD_CODES:
        return IntegrationError(detail, "PARDOT_ERROR", status, resolution=Resolution.TERMINAL)
    return IntegrationError(detail, "PARDOT_ERROR", status)


def _as_code(code: Any) -> Any:
    """Pardot's numeric code as an int (bodies relayed by proxies sometimes carry it as a string)."""
    if isinstance(code, str) and code.strip().isdigit():
        return int(code)
    return code


def _error_by_status(error: HTTPError) -> ActionsError:
    status = error.response.status_code
    if status == 429:
        return RetryableError(
            "Pardot answered 429 Too Many Requests; slowing down and retrying.",
            429,
            retry_after=error.retry_after,
            resolution=Resolution.RATE_LIMITED,
        )
    if 500 <= status <= 599 and status != 501:
        return RetryableError(
            f"Pardot answered {status} {error.response.reason or ''}".rstrip() + "; retrying.",
            status,
            retry_after=error.retry_after,
        )
    return error
