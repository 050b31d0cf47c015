"""Limits on what one HTTP client may make the server hold or wait for: header size and read time.

httptools (uvicorn's fast parser) keeps every header of a request in memory and waits for them as
long as the client likes, so fifty 1 MB headers or a client sending a byte a second would each hold
memory or a connection for ever. This protocol, uvicorn's own with three checks added, answers:

* ``431`` and closes when a request's header block passes ``max_header_bytes`` (64 KB: Node's and
  nginx's defaults are smaller; no Segment library sends more than a few hundred bytes);
* ``408`` and closes when a connection has not finished sending a request's headers within
  ``header_timeout`` seconds of its first byte (or of connecting).

The body is timed by the app (``BODY_READ_TIMEOUT`` in ``framework.intake.app``), and idle keep-alive
connections by uvicorn's ``timeout_keep_alive``.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

__all__ = ["HeaderLimits", "DEFAULT_HEADER_LIMITS", "limited_protocol"]


@dataclass(frozen=True)
class HeaderLimits:
    """How large a request's headers may be and how long a client may take to send them."""

    max_header_bytes: int = 64 * 1024
    header_timeout: float = 10.0


DEFAULT_HEADER_LIMITS = HeaderLimits()


def limited_protocol(limits: HeaderLimits) -> type[HttpToolsProtocol]:
    """uvicorn's httptools protocol class, holding every connection to ``limits``."""

    class LimitedHttpToolsProtocol(HttpToolsProtocol):
        _reading_headers = True
        _header_bytes = 0
        _header_timer: asyncio.TimerHandle | None = None

        def connection_made(self, transport: Any) -> None:
            super().connection_made(transport)
            self._start_header_clock()

        def connection_lost(self, exc: Exception | None) -> None:
            self._stop_header_clock()
            super().connection_lost(exc)

        def data_received(self, data: bytes) -> None:
            if self._reading_headers:
                self._header_bytes += len(data)
                if self._header_bytes > limits.max_header_bytes + len(data):  # past the limit before this read
                    self._refuse(431, "Request Header Fields Too Large")
                    return
            super().data_received(data)
            if self._reading_headers and self._header_bytes > limits.max_header_bytes and not self._closed():
                self._refuse(431, "Request Header Fields Too Large")

        def on_message_begin(self) -> None:
            super().on_message_begin()
            self._start_header_clock()

        def on_headers_complete(self) -> None:
            self._reading_headers = False
            self._stop_header_clock()
            super().on_headers_complete()

        def on_message_complete(self) -> None:
            super().on_message_complete()
            self._reading_headers = True
            self._header_bytes = 0

        def _start_header_clock(self) -> None:
            self._stop_header_clock()
            self._reading_headers = True
            self._header_timer = self.loop.call_later(limits.header_timeout, self._headers_too_slow)

        def _stop_header_clock(self) -> None:
            if self._header_timer is not None:
                self._header_timer.cancel()
                self._header_timer = None

        def _headers_too_slow(self) -> None:
            self._header_timer = None
            if self._reading_headers and not self._closed():
                self._refuse(408, "Request Timeout")

        def _closed(self) -> bool:
            return self.transport is None or self.transport.is_closing()

        def _refuse(self, status: int, reason: str) -> None:
            self._stop_header_clock()
            message = f"{reason}: the request's headers must arrive within {limits.header_timeout:g} s and " + (
                f"{limits.max_header_bytes:,} bytes"
            )
            self.transport.write(
                f"HTTP/1.1 {status} {reason}\r\ncontent-type: text/plain; charset=utf-8\r\n"
                f"content-length: {len(message)}\r\nconnection: close\r\n\r\n{message}".encode()
            )
            self.transport.close()

    return LimitedHttpToolsProtocol
