"""``LoopbackServer``: the base of every emulator that serves HTTP on loopback (start, address, stop).

A subclass gives its request handler class in :meth:`LoopbackServer.handler`; the threaded server,
the free port and the clean stop are here, once::

    class MyEmulator(LoopbackServer):
        server_name = "my emulator"
        def handler(self) -> type[BaseHTTPRequestHandler]: ...

    emulator = MyEmulator().start()   # port 0: a free one
    emulator.base_url                 # http://127.0.0.1:PORT
    emulator.stop()                   # safe twice
"""

from __future__ import annotations

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Self

__all__ = ["LoopbackServer", "drop_connection", "serve_in_foreground", "write_answer"]


class LoopbackServer:
    """One ``ThreadingHTTPServer`` on loopback serving :meth:`handler`, in a daemon thread."""

    server_name = "emulator"
    _http: ThreadingHTTPServer | None = None

    def handler(self) -> type[BaseHTTPRequestHandler]:
        """The request handler class bound to this emulator (subclasses define it)."""
        raise NotImplementedError

    def start(self, host: str = "127.0.0.1", port: int = 0) -> Self:
        """Serve in a background thread (port 0: a free one)."""
        self._http = ThreadingHTTPServer((host, port), self.handler())
        self._http.daemon_threads = True
        threading.Thread(target=self._http.serve_forever, name=self.server_name, daemon=True).start()
        return self

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:PORT``, the origin to point an instance's ``endpoint`` at."""
        if self._http is None:
            raise RuntimeError(f"the {self.server_name} is not started")
        host, port = self._http.server_address[:2]
        return f"http://{host!s}:{port}"

    def stop(self) -> None:
        """Stop serving; safe to call twice."""
        if self._http is not None:
            self._http.shutdown()
            self._http.server_close()
            self._http = None


def write_answer(handler: BaseHTTPRequestHandler, status: int, payload: bytes, content_type: str) -> None:
    """Answer the request: status, type, length (a 429 says ``Retry-After: 1``, as HTTP APIs do), body."""
    handler.send_response(status)
    handler.send_header("Content-Type", content_type)
    handler.send_header("Content-Length", str(len(payload)))
    if status == 429:
        handler.send_header("Retry-After", "1")
    handler.end_headers()
    handler.wfile.write(payload)


def drop_connection(handler: BaseHTTPRequestHandler) -> None:
    """Close the connection without answering (the ``reset`` fault): the client sees a connection error."""
    handler.close_connection = True
    handler.connection.close()


def serve_in_foreground(server: LoopbackServer, banner: str) -> int:
    """``actions emulate …``: print ``banner`` (with the address) and serve until Ctrl-C."""
    print(banner.format(base_url=server.base_url))
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        server.stop()
    return 0
