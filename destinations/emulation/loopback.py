"""``LoopbackServer``: an emulator's HTTP server on loopback, in a daemon thread, one thread per connection.

An emulator subclasses it and gives its request handler class (``handler()``); ``start(port=0)``
serves on a free port, ``base_url`` is the origin to point an instance's ``endpoint`` at, and
``stop()`` is safe to call twice. :func:`serve_in_foreground` is the ``actions emulate`` loop.
"""

from __future__ import annotations

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Self

__all__ = ["LoopbackServer", "serve_in_foreground"]


class LoopbackServer:
    """Start, address and stop a ``ThreadingHTTPServer``; subclasses answer through ``handler()``."""

    thread_name = "emulator"
    _server: ThreadingHTTPServer | None = None

    def handler(self) -> type[BaseHTTPRequestHandler]:
        """The request handler class bound to this emulator."""
        raise NotImplementedError

    def start(self, host: str = "127.0.0.1", port: int = 0) -> Self:
        """Start serving in a background thread (port 0: a free one)."""
        self._server = ThreadingHTTPServer((host, port), self.handler())
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, name=self.thread_name, daemon=True).start()
        return self

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:PORT``."""
        if self._server is None:
            raise RuntimeError(f"the {self.thread_name} is not started")
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def stop(self) -> None:
        """Stop serving; safe to call twice."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None


def serve_in_foreground(server: LoopbackServer, what: str) -> int:
    """Print where ``server`` listens and serve until Ctrl-C (``actions emulate``)."""
    print(f"{what} at {server.base_url} (Ctrl-C stops)")
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        server.stop()
    return 0
