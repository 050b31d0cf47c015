"""Error classes raised by destinations and the runtime, and the one place that maps them to a Resolution.

Destination code raises these (never a bare ``Exception``), so the delivery engine can decide what to do
with an event from the error alone. The names, default statuses and codes are Segment's (actions-core
3.170.0), so a destination ported from TypeScript raises the same thing here.

Hierarchy::

    ActionsError                     base of everything below: .message, .status, .code, .retry_after
    ├── IntegrationError             generic destination error (message, code, status)
    │   ├── PayloadValidationError   400 PAYLOAD_VALIDATION_FAILED: the payload cannot be sent as is
    │   ├── APIError                 the partner API said no; code is the status as text
    │   └── SelfTimeoutError         408 SELF_TIMEOUT
    ├── RetryableError               transient (default 500, RETRYABLE_ERROR)
    ├── InvalidAuthenticationError   401: refresh the token, then retry (or give up if refresh failed)
    ├── HTTPError                    a non-2xx response; .response, .request; status from the response
    └── RequestTimeoutError          408 ETIMEDOUT: no response within the request timeout

``resolution_for(error)`` turns any exception into a :class:`Resolution`. A destination's response
classifier may pin the answer by passing ``resolution=`` to any of these constructors (for example
Pardot's daily-quota error is a 400 that must be treated as RATE_LIMITED).
"""

from __future__ import annotations

import enum
from typing import Any

import requests

__all__ = [
    "Resolution",
    "ActionsError",
    "IntegrationError",
    "RetryableError",
    "InvalidAuthenticationError",
    "PayloadValidationError",
    "APIError",
    "SelfTimeoutError",
    "HTTPError",
    "RequestTimeoutError",
    "resolution_for",
    "status_of",
    "error_code_for_status",
    "HTTP_STATUS_CODES",
]


class Resolution(enum.StrEnum):
    """What the delivery engine does with an event after one attempt."""

    SUCCESS = "success"
    RETRY = "retry"  # transient: try again later with backoff
    RATE_LIMITED = "rate_limited"  # slow down; honour retry_after when given
    REFRESH_THEN_RETRY = "refresh_then_retry"  # expired token: refresh once per credential, retry
    TERMINAL = "terminal"  # will never succeed as is: dead letter with the reason


class ActionsError(Exception):
    """Base class: every error here has a message, an HTTP-like status, a code and maybe retry_after."""

    default_status: int | None = None
    default_code: str = ""

    def __init__(
        self,
        message: str = "",
        code: str | None = None,
        status: int | None = None,
        *,
        retry_after: float | None = None,
        resolution: Resolution | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.code = code if code is not None else self.default_code
        self.status = status if status is not None else self.default_status
        self.retry_after = retry_after
        self.resolution = resolution

    def __str__(self) -> str:
        return self.message


class IntegrationError(ActionsError):
    """A destination-specific failure with the code and status the destination chose."""

    default_status = 400

    def __init__(self, message: str, code: str = "", status: int = 400, **kwargs: Any) -> None:
        super().__init__(message, code, status, **kwargs)


class RetryableError(ActionsError):
    """A transient failure: the same event may succeed later (Segment accepts 408, 423, 429, 5xx)."""

    default_status = 500
    default_code = "RETRYABLE_ERROR"

    def __init__(self, message: str = "", status: int = 500, **kwargs: Any) -> None:
        super().__init__(message, None, status, **kwargs)


class InvalidAuthenticationError(ActionsError):
    """The credentials were refused: the runtime refreshes OAuth tokens and retries once."""

    default_status = 401
    default_code = "INVALID_AUTHENTICATION"

    def __init__(self, message: str = "", code: str = "INVALID_AUTHENTICATION", **kwargs: Any) -> None:
        super().__init__(message, code, 401, **kwargs)


class PayloadValidationError(IntegrationError):
    """The payload is wrong for the destination; retrying the same payload cannot help.

    ``errors`` lists one human message per problem (the schema validator fills it); ``message`` is
    those messages joined with single spaces, as Segment's ``AggregateAjvError`` does.
    """

    def __init__(self, message: str, *, errors: list[str] | None = None, **kwargs: Any) -> None:
        super().__init__(message, "PAYLOAD_VALIDATION_FAILED", 400, **kwargs)
        self.errors: list[str] = list(errors) if errors is not None else [message]


class APIError(IntegrationError):
    """The partner API answered with an error; the code is the status as text, as in Segment."""

    def __init__(self, message: str, status: int, **kwargs: Any) -> None:
        super().__init__(message, str(status), status, **kwargs)


class SelfTimeoutError(IntegrationError):
    """The destination gave up waiting on its own (for example polling an async job)."""

    def __init__(self, message: str, **kwargs: Any) -> None:
        super().__init__(message, "SELF_TIMEOUT", 408, **kwargs)


class HTTPError(ActionsError):
    """A non-2xx response from the request client; the status comes from the response."""

    def __init__(
        self,
        response: requests.Response,
        request: requests.PreparedRequest | None = None,
        **kwargs: Any,
    ) -> None:
        message = response.reason or str(response.status_code)
        super().__init__(message, None, response.status_code, **kwargs)
        self.response = response
        self.request = request if request is not None else response.request


class RequestTimeoutError(ActionsError):
    """No response arrived within the request timeout."""

    default_status = 408
    default_code = "ETIMEDOUT"


_TERMINAL_AUTH_CODES = {"OAUTH_REFRESH_FAILED", "REFRESH_TOKEN_EXPIRED"}


def status_of(error: BaseException) -> int | None:
    """The HTTP-like status an error stands for, or None (network errors, programming errors)."""
    status = getattr(error, "status", None)
    if isinstance(status, int):
        return status
    response = getattr(error, "response", None)
    return getattr(response, "status_code", None)


def resolution_for(error: BaseException) -> Resolution:
    """Decide what delivery does after ``error``: the one place where an error becomes a Resolution.

    >>> resolution_for(RetryableError("busy", 503))
    <Resolution.RETRY: 'retry'>
    >>> resolution_for(PayloadValidationError("Email is missing"))
    <Resolution.TERMINAL: 'terminal'>
    """
    pinned = getattr(error, "resolution", None)
    if isinstance(pinned, Resolution):
        return pinned
    if isinstance(error, (requests.ConnectionError, requests.Timeout, RequestTimeoutError)):
        return Resolution.RETRY
    if isinstance(error, RetryableError):
        return Resolution.RATE_LIMITED if error.status == 429 else Resolution.RETRY
    return _resolution_for_status(status_of(error), getattr(error, "code", ""))


def _resolution_for_status(status: int | None, code: str) -> Resolution:
    if status is None:
        return Resolution.TERMINAL
    if status == 401:
        return Resolution.TERMINAL if code in _TERMINAL_AUTH_CODES else Resolution.REFRESH_THEN_RETRY
    if status == 429:
        return Resolution.RATE_LIMITED
    if status in (408, 423) or (500 <= status <= 599 and status != 501):
        return Resolution.RETRY
    if 200 <= status < 300:
        return Resolution.SUCCESS
    return Resolution.TERMINAL


# Segment's HttpErrorCodes: the status → code-name table (names verbatim, including its misspelt
# MOVED_PERMENANTLY), so a report shows the same code a Segment user would see.
HTTP_STATUS_CODES: dict[int, str] = {
    100: "CONTINUE",
    101: "SWITCHING_PROTOCOLS",
    102: "PROCESSING",
    103: "EARLY_HINTS",
    200: "OK",
    201: "CREATED",
    202: "ACCEPTED",
    203: "NON_AUTHORITATIVE_INFORMATION",
    204: "NO_CONTENT",
    205: "RESET_CONTENT",
    206: "PARTIAL_CONTENT",
    207: "MULTI_STATUS",
    208: "ALREADY_REPORTED",
    226: "IM_USED",
    300: "MULTIPLE_CHOICES",
    301: "MOVED_PERMENANTLY",
    302: "FOUND",
    303: "SEE_OTHER",
    304: "NOT_MODIFIED",
    305: "USE_PROXY",
    306: "SWITCH_PROXY",
    307: "TEMPORARY_REDIRECT",
    308: "PERMANENT_REDIRECT",
    400: "BAD_REQUEST",
    401: "UNAUTHORIZED",
    402: "PAYMENT_REQUIRED",
    403: "FORBIDDEN",
    404: "NOT_FOUND",
    405: "METHOD_NOT_ALLOWED",
    406: "NOT_ACCEPTABLE",
    407: "PROXY_AUTHENTICATION_REQUIRED",
    408: "REQUEST_TIMEOUT",
    409: "CONFLICT",
    410: "GONE",
    411: "LENGTH_REQUIRED",
    412: "PRECONDITION_FAILED",
    413: "PAYLOAD_TOO_LARGE",
    414: "URI_TOO_LONG",
    415: "UNSUPPORTED_MEDIA_TYPE",
    416: "RANGE_NOT_SATISFIABLE",
    417: "EXPECTATION_FAILED",
    418: "IM_A_TEAPOT",
    421: "MISDIRECTED_REQUEST",
    422: "UNPROCESSABLE_ENTITY",
    423: "LOCKED",
    424: "FAILED_DEPENDENCY",
    425: "TOO_EARLY",
    426: "UPGRADE_REQUIRED",
    428: "PRECONDITION_REQUIRED",
    429: "TOO_MANY_REQUESTS",
    431: "REQUEST_HEADER_FIELDS_TOO_LARGE",
    451: "UNAVAILABLE_FOR_LEGAL_REASONS",
    499: "CANCELLED",
    500: "INTERNAL_SERVER_ERROR",
    501: "NOT_IMPLEMENTED",
    502: "BAD_GATEWAY",
    503: "SERVICE_UNAVAILABLE",
    504: "GATEWAY_TIMEOUT",
    505: "HTTP_VERSION_NOT_SUPPORTED",
    506: "VARIANT_ALSO_NEGOTIATES",
    507: "INSUFFICIENT_STORAGE",
    508: "LOOP_DETECTED",
    509: "BANDWIDTH_LIMIT_EXCEEDED",
    510: "NOT_EXTENDED",
    511: "NETWORK_AUTHENTICATION_REQUIRED",
    529: "SITE_IS_OVERLOADED",
}


def error_code_for_status(status: int | None) -> str:
    """Segment's ``getErrorCodeFromHttpStatus``: the code name for a status, else ``UNKNOWN_ERROR``.

    >>> error_code_for_status(429)
    'TOO_MANY_REQUESTS'
    """
    if status is None:
        return "UNKNOWN_ERROR"
    return HTTP_STATUS_CODES.get(status, "UNKNOWN_ERROR")
