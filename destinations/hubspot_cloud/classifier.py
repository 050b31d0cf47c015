"""HubSpot's error answers → framework errors: where a HubSpot 429 becomes a slowed-down retry.

=========================  ==============================  ====================
answer                     error raised                    resolution
=========================  ==============================  ====================
401                        APIError 401                    REFRESH_THEN_RETRY
429                        RetryableError 429              RATE_LIMITED
                           (the answer's Retry-After)
408, 500-599 except 501    RetryableError with the status  RETRY
any other non-2xx          APIError with HubSpot's message TERMINAL
=========================  ==============================  ====================

HubSpot explains a refusal in its JSON ``message`` (with ``category`` and ``correlationId``); a
message here carries that text and the category, never the request or the token. The token
endpoint's failures (:func:`refresh_error`) are retried when transient, else end the refresh.
"""

from __future__ import annotations

import json

import requests

from framework.definition.dynamic_fields import DynamicChoices
from framework.errors import ActionsError, APIError, HTTPError, Resolution, RetryableError

__all__ = ["error_for_http_error", "hubspot_message", "refresh_error", "choices_error"]


def hubspot_message(response: requests.Response) -> str:
    """HubSpot's ``message`` (and ``category``) of an answer, or its reason phrase when it has none."""
    try:
        body = json.loads(response.text)
    except ValueError:
        body = None
    if not isinstance(body, dict) or not body.get("message"):
        return response.reason or ""
    category = body.get("category")
    return f"{body['message']} ({category})" if category else str(body["message"])


def _classified(status: int, detail: str, retry_after: float | None) -> ActionsError:
    said = f"HubSpot answered {status}" + (f": {detail}" if detail else "")
    if status == 429:
        return RetryableError(f"{said}; slowing down and retrying.", 429, retry_after=retry_after,
                              resolution=Resolution.RATE_LIMITED)  # fmt: skip
    if status == 408 or (500 <= status <= 599 and status != 501):
        return RetryableError(f"{said}; retrying.", status, retry_after=retry_after)
    if status == 401:
        return APIError(f"{said}; refreshing the access token.", 401, resolution=Resolution.REFRESH_THEN_RETRY)
    return APIError(said, status, resolution=Resolution.TERMINAL)


def error_for_http_error(error: HTTPError) -> ActionsError:
    """The error to raise for a refused API answer (see the table)."""
    return _classified(error.response.status_code, hubspot_message(error.response), error.retry_after)


def refresh_error(response: requests.Response) -> ActionsError:
    """The error for a refused refresh-token grant: retried when transient, terminal otherwise."""
    error = _classified(response.status_code, hubspot_message(response), None)
    if isinstance(error, RetryableError):
        return error
    return APIError(f"HubSpot refused the refresh token ({response.status_code}): {hubspot_message(response)}",
                    response.status_code, resolution=Resolution.TERMINAL)  # fmt: skip


def choices_error(error: HTTPError, fallback: str = "Unknown error") -> DynamicChoices:
    """A dynamic field's answer when HubSpot refused the lookup: its status and message, no choices."""
    return DynamicChoices(error=f"HubSpot answered {error.response.status_code}: "
                                f"{hubspot_message(error.response) or fallback}")  # fmt: skip
