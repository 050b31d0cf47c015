"""A webhook's answers → framework errors. A webhook is anyone's server, so only the status speaks:

=========================  ==============================  ==============
answer                     error raised                    resolution
=========================  ==============================  ==============
429                        RetryableError 429              RATE_LIMITED
                           (the answer's Retry-After)
500-599 except 501         RetryableError with the status  RETRY
408                        RetryableError 408              RETRY
401                        APIError 401                    TERMINAL (custom auth:
                                                           no token to refresh)
any other non-2xx          the request client's HTTPError  by status
                           (4xx terminal)
=========================  ==============================  ==============

Segment leaves every answer to its status the same way (its ``send`` reads no body); the messages
here name the URL's host and the status, never the body (it may echo what was sent).
"""

from __future__ import annotations

from urllib.parse import urlsplit

from framework.errors import ActionsError, APIError, HTTPError, Resolution
from framework.transient_answers import transient_error

__all__ = ["error_for_http_error"]


def error_for_http_error(error: HTTPError) -> ActionsError:
    """The error to raise for a refused answer (see the table)."""
    host = urlsplit(error.response.url or "").hostname or "the receiver"
    if transient := transient_error(error, host, error.response.reason or ""):
        return transient
    if error.response.status_code == 401:
        message = f"{host} answered 401 Unauthorized: check the mapping's headers or the receiver's secret."
        return APIError(message, 401, resolution=Resolution.TERMINAL)
    return error
