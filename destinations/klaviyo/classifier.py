"""Klaviyo's answers → framework errors.

=========================  ==============================  ==============
answer                     error raised                    resolution
=========================  ==============================  ==============
429                        RetryableError 429              RATE_LIMITED
                           (the answer's Retry-After)
500-599 except 501, 408    RetryableError with the status  RETRY
401, 403                   APIError (check the API key)    TERMINAL
any other non-2xx          APIError with Klaviyo's detail  TERMINAL
=========================  ==============================  ==============

Klaviyo explains a refusal in ``errors[0].detail`` (JSON:API); the message carries that detail,
never the request body. The API key is never part of a message.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from framework.errors import ActionsError, APIError, HTTPError, Resolution
from framework.transient_answers import transient_error

if TYPE_CHECKING:
    import requests

__all__ = ["answer_detail", "error_for_http_error", "klaviyo_detail"]


def klaviyo_detail(error: HTTPError) -> str:
    """``errors[0].detail`` of Klaviyo's answer, or its reason phrase when there is none."""
    return answer_detail(error.response)


def answer_detail(response: requests.Response) -> str:
    """``errors[0].detail`` of one answer, or its reason phrase (for a call made with ``throw_http_errors=False``)."""
    try:
        return str(json.loads(response.text)["errors"][0]["detail"])
    except (ValueError, KeyError, IndexError, TypeError):
        return response.reason or ""


def error_for_http_error(error: HTTPError) -> ActionsError:
    """The error to raise for a refused answer (see the table)."""
    status = error.response.status_code
    detail = klaviyo_detail(error)
    if transient := transient_error(error, "Klaviyo", detail):
        return transient
    if status in (401, 403):
        return APIError(f"Klaviyo answered {status} {detail}: check the API key setting.".replace("  ", " "),
                        status, resolution=Resolution.TERMINAL)  # fmt: skip
    return APIError(f"Klaviyo answered {status}: {detail}".rstrip(": "), status, resolution=Resolution.TERMINAL)
