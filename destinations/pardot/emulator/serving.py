"""How waitress serves the emulator's app: each request stamped when it arrives, each reply sent whole.

A latency of 50 ms means the answer is ready 50 ms after the request arrived, so the app needs the
arrival time, and waitress does not give it: it reads and parses a request on its main thread, then
hands it to a worker thread that calls the app. On 2 shared cores at 5 concurrent connections, that
hand-over and the app's own work took 0.5-1 ms per request; with the latency timed from the app's
entry, a bare client's round trip to a "50 ms" API took 51.6-52.4 ms (median, 94 calls/s), and
50.9-51.1 ms (97 calls/s) timed from the arrival (benchmarks/README.md, the emulator figure). The request parser below records
``time.monotonic()`` when a request's first bytes are read, and the task passes it to the app as
``environ[ARRIVED_KEY]``.

waitress writes a reply's head and its body in two sends (each a system call that gives up the
interpreter lock, to be won back among the client's threads); a reply whose body is one chunk of
known length goes in one send here. The bytes on the wire are the same.
"""

from __future__ import annotations

import time
from typing import Any

from waitress.channel import HTTPChannel
from waitress.parser import HTTPRequestParser
from waitress.server import BaseWSGIServer
from waitress.task import WSGITask

__all__ = ["ARRIVED_KEY", "stamp_arrivals"]

ARRIVED_KEY = "emulator.arrived"  # time.monotonic() when the request's first bytes were read


class _StampedRequest(HTTPRequestParser):
    """waitress's parser, created when a request's first bytes are read: that moment is its arrival."""

    def __init__(self, adj: Any) -> None:
        super().__init__(adj)
        self.arrived = time.monotonic()


class _StampedTask(WSGITask):
    """waitress's WSGI task, passing the arrival to the app and sending a one-chunk reply whole."""

    wrote_header: bool  # waitress's own attribute (untyped there)

    def get_environment(self) -> dict[str, Any]:
        environ: dict[str, Any] = super().get_environment()
        environ[ARRIVED_KEY] = getattr(self.request, "arrived", None)
        return environ

    def write(self, data: bytes) -> None:
        if self.wrote_header or not self.complete or not self._sent_whole(data):
            super().write(data)
            return
        head = self.build_response_header()  # before wrote_header: it may add "Connection: close"
        self.wrote_header = True
        self.content_bytes_written += len(data)
        self.channel.write_soon(head + data)

    def _sent_whole(self, data: bytes) -> bool:
        """True when ``data`` is the whole body the head announces, so head and body may go together."""
        return bool(data) and self.has_body and not self.chunked_response and self.content_length == len(data)


class _StampedChannel(HTTPChannel):
    parser_class = _StampedRequest
    task_class = _StampedTask


def stamp_arrivals(sockets: dict[int, Any]) -> None:
    """Make the waitress servers in ``sockets`` (before they accept anything) use the classes above."""
    for dispatcher in sockets.values():
        if isinstance(dispatcher, BaseWSGIServer):
            dispatcher.channel_class = _StampedChannel
