"""Running the intake app under uvicorn, in the foreground (``actions serve``) or in a background thread.

uvicorn is the production ASGI server the app is written for (with httptools, its C HTTP parser).
The listening socket is bound here, before uvicorn starts, so port 0 picks a free port whose number
is known at once (tests and benchmarks use that), and a port already in use is reported plainly.

Companions (the delivery workers of ``actions serve``) start before the server listens and stop after
it has answered its last request, so no accepted request is left without a worker to deliver it.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Sequence
from typing import Any, Protocol

import uvicorn

from framework.intake.http_limits import DEFAULT_HEADER_LIMITS, HeaderLimits, limited_protocol

__all__ = ["IntakeServer", "Companion", "bind_socket"]

_START_TIMEOUT = 30.0
_KEEP_ALIVE_SECONDS = 5  # an idle keep-alive connection is closed after this (uvicorn's default, made explicit)
_MAX_CONNECTIONS = 4096  # beyond this many connections and tasks at once, uvicorn answers 503


class Companion(Protocol):
    """Something that runs beside the server: ``start()`` before it listens, ``stop()`` after it stops."""

    def start(self) -> None: ...

    def stop(self) -> None: ...


def bind_socket(host: str, port: int) -> socket.socket:
    """A listening TCP socket on ``host:port`` (0: a free port); OSError says why not."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # IPPROTO_TCP, not 0: asyncio turns Nagle off (TCP_NODELAY) only on sockets that say they are TCP,
    # and with Nagle on, every answer waits for the client's delayed ACK (40 ms a request).
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError:
        sock.close()
        raise
    sock.listen(2048)
    sock.set_inheritable(True)
    return sock


class IntakeServer:
    """The app served by uvicorn on one socket, with its companions.

    >>> with IntakeServer(app, "127.0.0.1", 0) as server:   # doctest: +SKIP
    ...     requests.post(server.url + "/v1/track", ...)
    """

    def __init__(
        self,
        app: Any,
        host: str = "127.0.0.1",
        port: int = 8088,
        *,
        companions: Sequence[Companion] = (),
        log_level: str = "warning",
        header_limits: HeaderLimits = DEFAULT_HEADER_LIMITS,
    ) -> None:
        self._socket = bind_socket(host, port)
        self.host = host
        self.port: int = self._socket.getsockname()[1]
        self._companions = list(companions)
        config = uvicorn.Config(
            app,
            log_level=log_level,
            access_log=False,
            http=limited_protocol(header_limits),
            loop="asyncio",
            timeout_keep_alive=_KEEP_ALIVE_SECONDS,
            limit_concurrency=_MAX_CONNECTIONS,
            lifespan="on",
            timeout_graceful_shutdown=30,
        )
        self._server = uvicorn.Server(config)
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        """``http://host:port``, for clients (Segment libraries' ``host``)."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    def run(self) -> None:
        """Serve in this thread until SIGINT/SIGTERM (uvicorn's handlers), then stop the companions."""
        self._start_companions()
        try:
            self._server.run(sockets=[self._socket])
        finally:
            self._stop_companions()
            self._socket.close()

    def start(self) -> IntakeServer:
        """Serve in a background thread; returns once the server accepts connections."""
        self._start_companions()
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [self._socket]}, name=f"intake :{self.port}", daemon=True
        )
        self._thread.start()
        deadline = time.monotonic() + _START_TIMEOUT
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"the intake server on {self.url} did not start")
            time.sleep(0.01)
        return self

    def stop(self) -> None:
        """Stop accepting, finish the requests in flight, then stop the companions."""
        self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=60)
            self._thread = None
        self._stop_companions()
        self._socket.close()

    def __enter__(self) -> IntakeServer:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def _start_companions(self) -> None:
        for companion in self._companions:
            companion.start()

    def _stop_companions(self) -> None:
        for companion in reversed(self._companions):
            companion.stop()
        self._companions = []
