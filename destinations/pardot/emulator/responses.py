"""The error bodies the emulator answers with, in Pardot's two dialects (v5 JSON and legacy XML).

Pardot v5 answers ``{"code": N, "message": "..."}`` with ``application/json``; older deployments
answered some authentication failures as v3-style XML (``<rsp stat="fail">``) with 400/403, which is
what Segment's destination still has a branch for. The emulator speaks both so clients can be
tested against either.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any
from xml.sax.saxutils import escape

__all__ = [
    "PardotApiError",
    "Reply",
    "MESSAGES",
    "json_reply",
    "xml_error_reply",
    "PARDOT_HEADERS",
]

# Paraphrased messages for the codes the emulator produces (pardot-v5.md §2 and §4).
MESSAGES: dict[int, str] = {
    4: "Invalid prospect email address",
    49: "Access Denied",
    60: "Invalid HTTP request method",
    62: "Conflicting update",
    66: "You have exceeded your concurrent request limit. Please wait, before trying again",
    122: "Daily API rate limit met",
    150: "Input needs to be valid JSON",
    151: "Unsupported content-type",
    152: "Request body can't be empty",
    180: "One or more of the specified fields are invalid",
    181: "A required header is missing",
    183: "Internal error, please retry",
    184: "access_token is invalid, unknown, or malformed",
    192: "Object specified does not exist",
    201: "Business Unit ID specified in the Pardot-Business-Unit-Id header is not found or is inactive",
    206: "Invalid action argument value",
    207: "Missing required action argument",
    208: "Unknown action argument",
    214: "API request timed out",
}

# Headers every real v5 response carries (pardot-v5.md §3, observed in a captured response).
PARDOT_HEADERS: tuple[tuple[str, str], ...] = (
    ("Server", "PardotServer"),
    ("Cache-Control", "no-store, no-cache, must-revalidate"),
    ("Pragma", "no-cache"),
    ("Expires", "Thu, 19 Nov 1981 08:52:00 GMT"),
    ("x-pardot-rsp", "emulator"),
)


@dataclass
class Reply:
    """One HTTP answer: status, headers and body bytes, ready for the WSGI layer."""

    status: int
    body: bytes = b""
    headers: list[tuple[str, str]] = field(default_factory=list)


class PardotApiError(Exception):
    """Raised inside a handler to answer with Pardot's JSON error ``{code, message}``."""

    def __init__(self, status: int, code: int, message: str | None = None, **headers: str) -> None:
        self.status = status
        self.code = code
        self.message = message or MESSAGES.get(code, "Error")
        self.headers = {name.replace("_", "-"): value for name, value in headers.items()}
        super().__init__(f"{status} code {code}: {self.message}")

    def reply(self) -> Reply:
        """The JSON reply a v5 endpoint gives for this error."""
        reply = json_reply(self.status, {"code": self.code, "message": self.message})
        reply.headers.extend(self.headers.items())
        return reply


def json_reply(status: int, body: Any, *extra_headers: tuple[str, str]) -> Reply:
    """A JSON reply with Pardot's standard headers."""
    headers = [("Content-Type", "application/json"), *PARDOT_HEADERS, *extra_headers]
    return Reply(status, json.dumps(body).encode("utf-8"), headers)


def xml_error_reply(status: int, code: int, message: str | None = None) -> Reply:
    """A legacy v3-style XML failure, as some auth errors were once answered on v5 URLs."""
    text = escape(message or MESSAGES.get(code, "Error"))
    body = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<rsp stat="fail" version="1.0">\n   <err code="{code}">{text}</err>\n</rsp>\n'
    )
    headers = [("Content-Type", "text/xml; charset=utf-8"), *PARDOT_HEADERS]
    return Reply(status, body.encode("utf-8"), headers)
