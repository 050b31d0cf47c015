"""Salesforce's error answers → framework errors.

=========================================  ================================  ==================
answer                                     error raised                      resolution
=========================================  ================================  ==================
401 (session expired or invalid)           APIError 401                      REFRESH_THEN_RETRY
429, or 403 ``REQUEST_LIMIT_EXCEEDED``     RetryableError 429 (Retry-After)  RATE_LIMITED
500-599 except 501, 408                    RetryableError with the status    RETRY
any other non-2xx                          APIError with Salesforce's code   TERMINAL
=========================================  ================================  ==================

Salesforce explains a refusal as ``[{"message", "errorCode"}]``; the error's message carries both,
never the request body. The access token is never part of a message.
"""

from __future__ import annotations

import json

from framework.errors import ActionsError, APIError, HTTPError, Resolution, RetryableError

__all__ = ["error_for_http_error", "salesforce_detail"]


def salesforce_detail(error: HTTPError) -> tuple[str, str]:
    """(``errorCode``, ``message``) of Salesforce's answer, or ("", the reason phrase) when it has none."""
    try:
        first = json.loads(error.response.text)[0]
        return str(first.get("errorCode") or ""), str(first.get("message") or "")
    except (ValueError, KeyError, IndexError, TypeError, AttributeError):
        return "", error.response.reason or ""


def error_for_http_error(error: HTTPError) -> ActionsError:
    """The error to raise for a refused answer (see the table)."""
    status = error.response.status_code
    code, said = salesforce_detail(error)
    named = f"Salesforce answered {status}" + (f" {code}" if code else "") + (f": {said}" if said else "")
    if status == 429 or (status == 403 and code == "REQUEST_LIMIT_EXCEEDED"):
        return RetryableError(f"{named}; slowing down and retrying.", 429, retry_after=error.retry_after,
                              resolution=Resolution.RATE_LIMITED)  # fmt: skip
    if status == 408 or (500 <= status <= 599 and status != 501):
        return RetryableError(f"{named}; retrying.", status, retry_after=error.retry_after)
    if status == 401:
        return APIError(f"{named}; refreshing the access token and retrying.", 401,
                        resolution=Resolution.REFRESH_THEN_RETRY)  # fmt: skip
    return APIError(named, status, resolution=Resolution.TERMINAL)
