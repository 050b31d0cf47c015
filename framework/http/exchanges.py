"""``RecordedExchange``: one request and its response as the client saw them, secrets redacted.

Every request made through a ``RequestClient`` is recorded (also failed ones: ``status`` is None and
``error`` says why), so the runtime can report exactly what was sent and received, and a dry run or
test can show it, without ever exposing a credential.
"""

from __future__ import annotations

import json
from typing import Any

import requests
from requests.structures import CaseInsensitiveDict

from framework.http.redaction import compact_json_of, redact_body, redact_headers, redact_url

__all__ = ["RecordedExchange", "record_exchange", "MAX_RECORDED_BODY", "body_message"]

MAX_RECORDED_BODY = 64 * 1024  # characters kept of a recorded response body


_FIELDS = ("method", "url", "headers", "body", "status", "response_headers", "response_body", "error")


class RecordedExchange:
    """A redacted request/response pair (``body`` and ``response_body`` as text, or None).

    Redacting means re-reading headers and bodies, which costs as much as building the request; most
    exchanges are never looked at (a delivered event in a replay), so ``record_exchange`` keeps the raw
    parts and the redacted fields are computed on first read. The raw parts are never exposed: every
    public field, ``repr`` and ``to_dict`` see only the redacted values. The request's fields are
    redacted apart from the response's: a dry run prints every request and never its canned reply,
    whose redaction was a quarter of its time.
    """

    __slots__ = ("_raw", "_redacted", "_request")

    def __init__(
        self,
        method: str,
        url: str,
        headers: dict[str, str],
        body: str | None,
        status: int | None,
        response_headers: dict[str, str] | None = None,
        response_body: str | None = None,
        error: str | None = None,
    ) -> None:
        self._raw: tuple[Any, ...] | None = None
        self._request: dict[str, Any] | None = None
        self._redacted: dict[str, Any] | None = {
            "method": method,
            "url": url,
            "headers": headers,
            "body": body,
            "status": status,
            "response_headers": response_headers or {},
            "response_body": response_body,
            "error": error,
        }

    @classmethod
    def _deferred(cls, *raw: Any) -> RecordedExchange:
        exchange = cls.__new__(cls)
        exchange._raw, exchange._redacted, exchange._request = raw, None, None
        return exchange

    def _request_fields(self) -> dict[str, Any]:
        """The redacted method, url, headers and body, without redacting the response."""
        shown = self._redacted or self._request
        if shown is None:
            raw = self._raw
            if raw is None:  # another thread redacted it all between the two reads
                return self._fields()
            shown = self._request = _redact_request(raw[0], raw[2])
        return shown

    def _fields(self) -> dict[str, Any]:
        redacted = self._redacted
        if redacted is None:
            raw = self._raw
            if raw is None:  # another thread redacted it between the two reads (it sets _redacted first)
                return self._redacted  # type: ignore[return-value]
            request = self._request or _redact_request(raw[0], raw[2])
            redacted = self._redacted = {**request, **_redact_response(*raw)}
            self._raw = self._request = None  # drop the raw parts, secrets included, once redacted
        return redacted

    method = property(lambda self: self._request_fields()["method"], doc="HTTP method")
    url = property(lambda self: self._request_fields()["url"], doc="URL, secret query parameters redacted")
    headers = property(lambda self: self._request_fields()["headers"], doc="request headers, redacted")
    body = property(lambda self: self._request_fields()["body"], doc="request body as text, redacted")

    @property
    def status(self) -> int | None:
        """Response status, None on failure.

        A status is never secret, and the runtime reads it from every delivered exchange: it is
        read from the raw response, so a delivery that nobody inspects is never redacted.
        """
        raw = self._raw
        if raw is None:  # redacted already (or built redacted)
            return self._fields()["status"]
        response = raw[1]
        return response.status_code if response is not None else None

    response_headers = property(lambda self: self._fields()["response_headers"], doc="response headers")
    response_body = property(lambda self: self._fields()["response_body"], doc="response body, redacted")
    error = property(lambda self: self._fields()["error"], doc="why no response arrived, or None")

    def to_dict(self) -> dict[str, Any]:
        """Plain data for reports and JSON output."""
        return dict(self._fields())

    def __eq__(self, other: object) -> bool:
        return isinstance(other, RecordedExchange) and self._fields() == other._fields()

    __hash__ = None  # type: ignore[assignment]  # mutable-looking value object, like the dataclass was

    def __repr__(self) -> str:
        shown = ", ".join(f"{name}={self._fields()[name]!r}" for name in _FIELDS)
        return f"RecordedExchange({shown})"


def record_exchange(
    request: requests.PreparedRequest,
    response: requests.Response | None,
    secrets: list[str],
    error: str | None = None,
) -> RecordedExchange:
    """The record of one exchange; redacted when first read."""
    return RecordedExchange._deferred(request, response, secrets, error)


def _redact_request(request: requests.PreparedRequest, secrets: list[str]) -> dict[str, Any]:
    request_type = request.headers.get("Content-Type")
    if isinstance(request_type, bytes):  # requests sends a bytes header as is; read it as http.client does
        request_type = request_type.decode("latin-1")
    return {
        "method": request.method or "GET",
        "url": redact_url(request.url or "", secrets),
        "headers": redact_headers(_plain_headers(request.headers), secrets),
        "body": redact_body(request.body, request_type, secrets, compact_json=compact_json_of(request)),
    }


def _plain_headers(headers: Any) -> Any:
    """A ``CaseInsensitiveDict``'s items as a plain dict, same names and order, read off its store at once.

    Its generic ``items()`` looks every name up again (lowering it); a request has a few headers
    and a dry run redacts every request's.
    """
    store = getattr(headers, "_store", None)  # {lower: (name, value)}; see test_direct_contract
    return dict(store.values()) if type(headers) is CaseInsensitiveDict and isinstance(store, dict) else headers


def _redact_response(
    request: requests.PreparedRequest, response: requests.Response | None, secrets: list[str], error: str | None
) -> dict[str, Any]:
    return {
        "status": response.status_code if response is not None else None,
        "response_headers": redact_headers(response.headers, secrets) if response is not None else {},
        "response_body": _response_text(response, secrets),
        "error": error,
    }


def _response_text(response: requests.Response | None, secrets: list[str]) -> str | None:
    if response is None:
        return None
    text = redact_body(response.content, response.headers.get("Content-Type"), secrets)
    if isinstance(text, str) and len(text) > MAX_RECORDED_BODY:
        return text[:MAX_RECORDED_BODY] + f"... [{len(text) - MAX_RECORDED_BODY} more characters]"
    return text


_MESSAGE_KEYS = ("message", "error_description", "error", "detail", "title", "errors", "error_message", "msg")
_MAX_MESSAGE = 300


def body_message(body: str | None) -> str | None:
    """The human message an API put in an error body (``{"message": "Email is malformed"}``), or None.

    APIs spell it differently: ``message``, OAuth's ``error_description``/``error``, RFC 7807's
    ``detail``/``title``, a list under ``errors`` whose first item has a ``message``. Plain-text bodies
    are not guessed at (an HTML error page is not a message).
    """
    try:
        parsed = json.loads(body) if body else None
    except ValueError:
        return None
    found = _message_in(parsed, depth=0)
    if found is None:
        return None
    return found if len(found) <= _MAX_MESSAGE else found[:_MAX_MESSAGE] + "…"


def _message_in(value: Any, depth: int) -> str | None:
    if depth > 3:  # {"errors": [{"message": …}]} is three levels down
        return None
    if isinstance(value, list) and value:
        return _message_in(value[0], depth + 1)
    if not isinstance(value, dict):
        return value.strip() or None if isinstance(value, str) and depth > 0 else None
    for key in _MESSAGE_KEYS:
        if key in value:
            found = _message_in(value[key], depth + 1)
            if found:
                return found
    return None
