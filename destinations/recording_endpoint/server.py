"""The recording endpoint's server: ``http.server`` on loopback, one thread per connection."""

from __future__ import annotations

import argparse
import json
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler
from typing import Any

from destinations.emulation import FaultMix, LoopbackServer, drop_connection, serve_in_foreground, write_answer

__all__ = [
    "RESET",
    "Answer",
    "Responder",
    "RecordedRequest",
    "RecordingEndpoint",
    "main",
    "serve_main",
    "start_recording_endpoint",
]

RESET = "reset"  # the one named fault kind here: the connection dropped unanswered
# A stateful emulator's own answer to a request it takes (no fault drawn): status, JSON body or None.
Answer = tuple[int, Any]
Responder = Callable[["RecordedRequest"], Answer]


@dataclass(frozen=True)
class RecordedRequest:
    """One request as it arrived, and what the endpoint answered (``status`` 0: connection reset)."""

    method: str
    path: str
    headers: dict[str, str]
    body: str
    status: int

    def json(self) -> Any:
        """The body parsed as JSON."""
        return json.loads(self.body)


class RecordingEndpoint(LoopbackServer):
    """Serves on loopback, keeps every request; see the package docstring for faults and latency."""

    server_name = "recording endpoint"

    def __init__(
        self,
        title: str = "Requests received",
        *,
        faults: str | Mapping[str, float] | None = None,
        seed: int | None = None,
        latency: float = 0.0,
        responder: Responder | None = None,
    ) -> None:
        self.title = title
        self.latency = latency
        # Answers the requests no fault took (a stateful emulator's API); without one, 200 "ok".
        self.responder = responder
        self._faults = FaultMix(faults, seed, named_kinds=(RESET,))
        self._requests: list[RecordedRequest] = []
        self._lock = threading.Lock()

    def handler(self) -> type[BaseHTTPRequestHandler]:
        """The request handler serving this emulator."""
        return _handler_for(self)

    def requests(self) -> list[RecordedRequest]:
        """Every request received, in arrival order, refused ones included."""
        with self._lock:
            return list(self._requests)

    def delivered(self) -> list[RecordedRequest]:
        """The requests answered 2xx, in arrival order."""
        return [r for r in self.requests() if 200 <= r.status < 300]

    def holdings(self) -> tuple[str, list[str], list[list[Any]]]:
        """A title, columns and one row per request, for ``actions replay --show-emulator``."""
        rows = [[r.status, r.method, r.path, r.body[:80]] for r in self.requests()]
        return f"{self.title}: {len(rows)}", ["status", "method", "path", "body"], rows

    def record(self, request: RecordedRequest) -> None:
        with self._lock:
            self._requests.append(request)

    def next_fault(self) -> str | None:
        return self._faults.draw()


def _handler_for(endpoint: RecordingEndpoint) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def _serve(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length).decode("utf-8", errors="replace") if length else ""
            fault = endpoint.next_fault()
            if endpoint.latency:
                time.sleep(endpoint.latency)
            status = 0 if fault == RESET else int(fault or 200)
            headers = {name.lower(): value for name, value in self.headers.items()}
            payload: Any = None
            if fault is None and endpoint.responder is not None:
                status, payload = endpoint.responder(RecordedRequest(self.command, self.path, headers, body, 0))
            endpoint.record(RecordedRequest(self.command, self.path, headers, body, status))
            if fault == RESET:
                drop_connection(self)
                return
            if payload is not None:
                answer = json.dumps(payload).encode()
            elif status < 300:
                answer = b"" if endpoint.responder is not None else b"ok"
            else:
                answer = json.dumps({"error": f"emulated {status}"}).encode()
            write_answer(self, status, answer, "text/plain" if payload is None and status < 300 else "application/json")

        do_POST = do_PUT = do_PATCH = do_GET = do_DELETE = _serve

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base class's name
            """Quiet: the stored requests are the log."""

    return Handler


def start_recording_endpoint(title: str = "Requests received", **options: Any) -> RecordingEndpoint:
    """A started endpoint on a free loopback port (``options``: faults, seed, latency)."""
    return RecordingEndpoint(title, **options).start()


def serve_main(
    argv: Sequence[str] | None, make: Callable[..., RecordingEndpoint], *, prog: str, description: str, port: int
) -> int:
    """An emulator's command line (``--port``, ``--faults``, ``--seed``, ``--latency``), serving in the foreground."""
    parser = argparse.ArgumentParser(prog=prog, description=description)
    parser.add_argument("--port", type=int, default=port)
    parser.add_argument("--faults", default=None, help="e.g. 500:0.1,429:0.05,reset:0.02")
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--latency", type=float, default=0.0, help="seconds before each answer")
    args = parser.parse_args(list(argv) if argv is not None else None)
    endpoint = make(faults=args.faults, seed=args.seed, latency=args.latency).start(port=args.port)
    return serve_in_foreground(endpoint, description.rstrip(".") + " at {base_url} (Ctrl-C stops)")


def main(argv: Sequence[str] | None = None) -> int:
    """``actions emulate webhook|slack [--port N] [--faults MIX] [--latency S]``: serve in the foreground."""
    return serve_main(argv, RecordingEndpoint, prog="actions emulate",
                      description="A local endpoint recording requests.", port=8787)  # fmt: skip
