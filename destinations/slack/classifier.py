"""Slack's webhook answers → framework errors. Slack answers text (``invalid_payload``,
``channel_not_found``, ``no_service``), so the status decides and the text is named:

=========================  ==============================  ==============
answer                     error raised                    resolution
=========================  ==============================  ==============
429                        RetryableError 429              RATE_LIMITED
                           (Slack's Retry-After)
500-599 except 501         RetryableError with the status  RETRY
any other non-2xx          the request client's HTTPError  by status
                           (400, 403, 404, 410: terminal)
=========================  ==============================  ==============
"""

from __future__ import annotations

from framework.errors import ActionsError, HTTPError, Resolution, RetryableError

__all__ = ["error_for_http_error"]


def error_for_http_error(error: HTTPError) -> ActionsError:
    """The error to raise for a refused answer (see the table)."""
    status = error.response.status_code
    said = (error.response.text or "").strip()[:200]
    if status == 429:
        return RetryableError(
            f"Slack answered 429 ({said or 'rate limited'}); slowing down and retrying.",
            429,
            retry_after=error.retry_after,
            resolution=Resolution.RATE_LIMITED,
        )
    if 500 <= status <= 599 and status != 501:
        return RetryableError(f"Slack answered {status} ({said}); retrying.", status, retry_after=error.retry_after)
    return error
