"""Facebook's answers → framework errors. The status decides; the body's message is never repeated
(it can quote the user data it refused).

=========================  ==============================  ==============
answer                     error raised                    resolution
=========================  ==============================  ==============
429                        RetryableError 429              RATE_LIMITED
                           (the answer's Retry-After)
500-599 except 501, 408    RetryableError with the status  RETRY
401                        APIError 401                    TERMINAL (a system user
                                                           token: nothing to refresh)
any other non-2xx          the request client's HTTPError  by status
                           (4xx terminal)
=========================  ==============================  ==============
"""

from __future__ import annotations

from framework.errors import ActionsError, APIError, HTTPError, Resolution, RetryableError

__all__ = ["error_for_http_error"]


def error_for_http_error(error: HTTPError) -> ActionsError:
    """The error to raise for a refused answer (see the table)."""
    status = error.response.status_code
    if status == 429:
        return RetryableError("Facebook answered 429 Too Many Requests; slowing down and retrying.", 429,
                              retry_after=error.retry_after, resolution=Resolution.RATE_LIMITED)  # fmt: skip
    if status == 408 or (500 <= status <= 599 and status != 501):
        return RetryableError(f"Facebook answered {status}; retrying.", status, retry_after=error.retry_after)
    if status == 401:
        message = "Facebook answered 401 Unauthorized: check the system user token (setting token)."
        return APIError(message, 401, resolution=Resolution.TERMINAL)
    return error
