"""``LoopbackServer``: the threaded HTTP server every emulator runs on, started, addressed and stopped alike.

An emulator builds its request handler class and hands it over; this owns the rest::

    server = LoopbackServer("hubspot-emulator").start(Handler)   # port 0: a free one
    server.base_url                                               # http://127.0.0.1:PORT
    server.stop()                                                 # safe twice
"""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

__all__ = ["LoopbackServer"]


class LoopbackServer:
    """One ``ThreadingHTTPServer`` on loopback, serving in a daemon thread named ``name``."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._server: ThreadingHTTPServer | None = None

    def start(self, handler: type[BaseHTTPRequestHandler], host: str = "127.0.0.1", port: int = 0) -> LoopbackServer:
        """Serve ``handler`` in a background thread (port 0: a free one)."""
        self._server = ThreadingHTTPServer((host, port), handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, name=self.name, daemon=True).start()
        return self

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:PORT``, the origin to point an instance's ``endpoint`` at."""
        if self._server is None:
            raise RuntimeError(f"the {self.name} is not started")
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def stop(self) -> None:
        """Stop serving; safe to call twice."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
