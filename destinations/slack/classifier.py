"""Slack's webhook answers → framework errors. Slack answers text (``invalid_payload``,
``channel_not_found``, ``no_service``), so the status decides and the text is named:

=========================  ==============================  ==============
answer                     error raised                    resolution
=========================  ==============================  ==============
429                        RetryableError 429              RATE_LIMITED
                           (Slack's Retry-After)
408, 500-599 except 501    RetryableError with the status  RETRY
any other non-2xx          the request client's HTTPError  by status
                           (400, 403, 404, 410: terminal)
=========================  ==============================  ==============
"""

from __future__ import annotations

from framework.errors import ActionsError, HTTPError
from framework.transient_answers import transient_error

__all__ = ["error_for_http_error"]


def error_for_http_error(error: HTTPError) -> ActionsError:
    """The error to raise for a refused answer (see the table); Slack's text is short and names no user data."""
    said = (error.response.text or "").strip()[:200]
    return transient_error(error, "Slack", said) or error
