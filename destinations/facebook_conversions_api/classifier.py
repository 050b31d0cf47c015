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

from framework.errors import ActionsError, APIError, HTTPError, Resolution
from framework.transient_answers import transient_error

__all__ = ["error_for_http_error"]


def error_for_http_error(error: HTTPError) -> ActionsError:
    """The error to raise for a refused answer (see the table)."""
    if transient := transient_error(error, "Facebook"):
        return transient
    if error.response.status_code == 401:
        message = "Facebook answered 401 Unauthorized: check the system user token (setting token)."
        return APIError(message, 401, resolution=Resolution.TERMINAL)
    return error
