"""``RecordedExchange``: one request and its response as the client saw them, secrets redacted.

Every request made through a ``RequestClient`` is recorded (also failed ones: ``status`` is None and
``error`` says why), so the runtime can report exactly what was sent and received, and a dry run or
test can show it, without ever exposing a credential.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import requests

from framework.http.redaction import redact_body, redact_headers, redact_url

__all__ = ["RecordedExchange", "record_exchange", "MAX_RECORDED_BODY"]

MAX_RECORDED_BODY = 64 * 1024  # characters kept of a recorded response body


@dataclass(frozen=True)
class RecordedExchange:
    """A redacted request/response pair (``body`` and ``response_body`` as text, or None)."""

    method: str
    url: str
    headers: dict[str, str]
    body: str | None
    status: int | None
    response_headers: dict[str, str] = field(default_factory=dict)
    response_body: str | None = None
    error: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """Plain data for reports and JSON output."""
        return {
            "method": self.method, "url": self.url, "headers": self.headers, "body": self.body,
            "status": self.status, "response_headers": self.response_headers,
            "response_body": self.response_body, "error": self.error,
        }


def record_exchange(
    request: requests.PreparedRequest,
    response: requests.Response | None,
    secrets: list[str],
    error: str | None = None,
) -> RecordedExchange:
    """Build the redacted record of one exchange."""
    request_type = request.headers.get("Content-Type")
    return RecordedExchange(
        method=request.method or "GET",
        url=redact_url(request.url or "", secrets),
        headers=redact_headers(request.headers, secrets),
        body=redact_body(request.body, request_type, secrets),
        status=response.status_code if response is not None else None,
        response_headers=redact_headers(response.headers, secrets) if response is not None else {},
        response_body=_response_text(response, secrets),
        error=error,
    )


def _response_text(response: requests.Response | None, secrets: list[str]) -> str | None:
    if response is None:
        return None
    text = redact_body(response.content, response.headers.get("Content-Type"), secrets)
    if isinstance(text, str) and len(text) > MAX_RECORDED_BODY:
        return text[:MAX_RECORDED_BODY] + f"... [{len(text) - MAX_RECORDED_BODY} more characters]"
    return text
