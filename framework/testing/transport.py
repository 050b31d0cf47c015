"""In-process HTTP for tests: a real ``requests`` transport adapter that answers without a network.

The test seam is a component, not a patch: ``MockTransport`` is a ``requests.adapters.BaseAdapter``
mounted on the session the destination's ``RequestClient`` uses, so every request goes through the
whole of ``requests`` (preparation, headers, redirects, response parsing) and only the wire is
replaced. Every request and its reply are recorded, unredacted, for the test to assert on.

``MockRouter`` is a ``MockTransport`` whose answers are canned replies added by method and URL pattern::

    router = MockRouter()
    router.add("POST", "https://pi.pardot.com/api/v5/*", status=401, times=1)
    router.add("POST", "https://pi.pardot.com/api/v5/*", json={"id": 1})
"""

from __future__ import annotations

import fnmatch
import http
import io
import json as jsonlib
import re
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

import requests
import urllib3
from requests.adapters import BaseAdapter, HTTPAdapter
from requests.structures import CaseInsensitiveDict

__all__ = [
    "Reply",
    "RecordedRequest",
    "MockTransport",
    "MockRouter",
    "UnmatchedRequestError",
    "Handler",
]

_UNSET: Any = object()


class UnmatchedRequestError(AssertionError):
    """A test sent a request that no route answers: a test failure, never a network call."""


@dataclass(frozen=True)
class Reply:
    """A canned HTTP response: status, a JSON or raw body, headers; or an exception to raise instead."""

    status: int = 200
    json: Any = _UNSET
    body: bytes | str | None = None
    headers: Mapping[str, str] = field(default_factory=dict)
    error: BaseException | None = None

    def content(self) -> tuple[bytes, dict[str, str]]:
        """The body bytes and headers, adding a JSON content type when the body is JSON."""
        headers = dict(self.headers)
        if self.json is not _UNSET:
            headers.setdefault("Content-Type", "application/json")
            return jsonlib.dumps(self.json).encode(), headers
        if isinstance(self.body, str):
            return self.body.encode(), headers
        return self.body or b"", headers


Handler = Callable[[requests.PreparedRequest], "Reply | requests.Response"]


@dataclass(frozen=True)
class RecordedRequest:
    """One request the code under test sent, as sent (secrets included: this never leaves the test)."""

    method: str
    url: str
    headers: CaseInsensitiveDict[str]  # headers["authorization"] finds "Authorization"
    body: bytes | str | None
    response: requests.Response

    @property
    def status(self) -> int:
        """The status of the reply the transport gave."""
        return self.response.status_code

    @property
    def text(self) -> str:
        """The request body as text ('' when there was none)."""
        if self.body is None:
            return ""
        return self.body.decode() if isinstance(self.body, bytes) else self.body

    def json(self) -> Any:
        """The request body parsed as JSON."""
        return jsonlib.loads(self.text)

    def form(self) -> dict[str, str]:
        """The request body parsed as a form (``application/x-www-form-urlencoded``)."""
        return dict(parse_qsl(self.text, keep_blank_values=True))


class MockTransport(BaseAdapter):
    """A transport adapter that hands each request to ``handler`` and records request and reply.

    ``handler(prepared_request)`` returns a :class:`Reply` (or a ready ``requests.Response``), or raises
    (``requests.ConnectionError``, ``requests.Timeout``…) to simulate a network failure.
    """

    def __init__(self, handler: Handler) -> None:
        super().__init__()
        self._handler = handler
        self._builder = HTTPAdapter()
        self._lock = threading.Lock()
        self.requests: list[RecordedRequest] = []

    def send(  # type: ignore[override]  # requests passes these by keyword; we need none of them
        self, request: requests.PreparedRequest, **kwargs: Any
    ) -> requests.Response:
        """Answer ``request`` in-process."""
        answer = self._handler(request)
        response = answer if isinstance(answer, requests.Response) else self._build(request, answer)
        with self._lock:
            self.requests.append(_record(request, response))
        return response

    def close(self) -> None:
        """Nothing to release: no sockets were ever opened."""
        self._builder.close()

    def mount_on(self, session: requests.Session) -> requests.Session:
        """Route every ``http://`` and ``https://`` request of ``session`` through this transport."""
        session.mount("http://", self)
        session.mount("https://", self)
        return session

    def session(self) -> requests.Session:
        """A new ``requests.Session`` answered by this transport."""
        return self.mount_on(requests.Session())

    def clear(self) -> None:
        """Forget the recorded requests (routes stay)."""
        with self._lock:
            self.requests.clear()

    def _build(self, request: requests.PreparedRequest, reply: Reply) -> requests.Response:
        if reply.error is not None:
            raise reply.error
        body, headers = reply.content()
        raw = urllib3.HTTPResponse(
            body=io.BytesIO(body),
            headers=headers,
            status=reply.status,
            reason=_reason(reply.status),
            preload_content=False,
            decode_content=False,
            request_method=request.method,
            request_url=request.url,
        )
        # HTTPAdapter.build_response is the public step requests itself uses to turn a urllib3
        # response into a requests.Response (encoding, cookies, url, .request).
        return self._builder.build_response(request, raw)


def _reason(status: int) -> str:
    try:
        return http.HTTPStatus(status).phrase
    except ValueError:
        return ""


def _text(value: str | bytes) -> str:
    return value.decode("latin-1") if isinstance(value, bytes) else value


def _record(request: requests.PreparedRequest, response: requests.Response) -> RecordedRequest:
    return RecordedRequest(
        method=request.method or "GET",
        url=request.url or "",
        headers=CaseInsensitiveDict({name: _text(value) for name, value in request.headers.items()}),
        body=request.body if isinstance(request.body, (bytes, str)) else None,
        response=response,
    )


@dataclass
class _Route:
    method: str
    pattern: str | re.Pattern[str]
    reply: Reply
    times: int | None

    def matches(self, method: str, url: str) -> bool:
        if self.times == 0 or self.method not in ("*", method):
            return False
        if isinstance(self.pattern, re.Pattern):
            return self.pattern.search(url) is not None
        target = url if "?" in self.pattern else url.split("?", 1)[0]
        return fnmatch.fnmatchcase(target, self.pattern)

    def describe(self) -> str:
        pattern = self.pattern.pattern if isinstance(self.pattern, re.Pattern) else self.pattern
        left = "" if self.times is None else f" ({self.times} left)"
        return f"{self.method} {pattern} → {self.reply.status}{left}"


class MockRouter(MockTransport):
    """A mock transport answering from canned replies, matched by method and URL pattern in order added.

    A pattern is a URL with ``*`` wildcards (the query string is ignored unless the pattern has one) or
    a compiled regular expression searched in the full URL. ``times`` limits how often a route answers,
    which lets a test script a sequence (a 401, then a 200). A request nothing matches raises
    :class:`UnmatchedRequestError` naming the request and the routes.
    """

    def __init__(self) -> None:
        super().__init__(self._answer)
        self._routes: list[_Route] = []

    def add(
        self,
        method: str,
        url_pattern: str | re.Pattern[str],
        status: int = 200,
        json: Any = _UNSET,
        headers: Mapping[str, str] | None = None,
        *,
        body: bytes | str | None = None,
        error: BaseException | None = None,
        times: int | None = None,
    ) -> MockRouter:
        """Answer ``method url_pattern`` with this reply (``method`` ``"*"`` matches any); chainable."""
        reply = Reply(status=status, json=json, body=body, headers=dict(headers or {}), error=error)
        with self._lock:
            self._routes.append(_Route(method.upper(), url_pattern, reply, times))
        return self

    def _answer(self, request: requests.PreparedRequest) -> Reply:
        method, url = (request.method or "GET").upper(), request.url or ""
        with self._lock:
            for route in self._routes:
                if route.matches(method, url):
                    if route.times is not None:
                        route.times -= 1
                    return route.reply
            routes = "; ".join(r.describe() for r in self._routes) or "none"
        raise UnmatchedRequestError(
            f"No mock reply for {method} {url}. Routes: {routes}. "
            f"Add one with transport.add({method!r}, {url!r}, status=..., json=...)."
        )
