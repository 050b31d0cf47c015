"""A local HTTP sink on loopback that both engines deliver to in the same run.

It answers every request 200 `{"id":1}`, as the Pardot API answers an upsert. It is Segment's own
`sink.js` (run with node from the peer folder) when node and the peer exist, so both engines talk to
the same server; otherwise a sink of ours served by waitress (`python -m benchmarks.sink PORT`), and
then Segment is not measured over HTTP at all (no ratio). Either way the sink runs in its own process,
so it does not compete with our engine for the GIL, and it is stopped by `stop()` (and at exit).

The sink is started once, on first use, and shared: `shared_sink()` from the delivery benchmark,
`running_sink_url()` for segment.py to point bench_segment.js's `--sink` at the same server.
"""

from __future__ import annotations

import atexit
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

__all__ = ["Sink", "shared_sink", "running_sink_url", "stop_shared_sink"]

_LOOPBACK = "127.0.0.1"
_START_TIMEOUT = 15.0
_BODY = b'{"id":1}'
_shared: Sink | None = None


class Sink:
    """One sink process on a free loopback port; `kind` is "sink.js" or "waitress"."""

    def __init__(self, peer: Path | None) -> None:
        self.port = _free_port()
        self.url = f"http://{_LOOPBACK}:{self.port}"
        if peer is not None and shutil.which("node") and (peer / "sink.js").exists():
            self.kind, argv, cwd = "sink.js", ["node", "sink.js", str(self.port)], peer
        else:
            self.kind, argv, cwd = "waitress", [sys.executable, "-m", "benchmarks.sink", str(self.port)], _root()
        self._process = subprocess.Popen(argv, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            _wait_until_listening(self.port, self._process)
        except BaseException:
            self.stop()
            raise

    def stop(self) -> None:
        """SIGTERM our own sink process (then SIGKILL if it does not go within 5 s)."""
        if self._process.poll() is None:
            self._process.terminate()
            try:
                self._process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait(timeout=5)


def shared_sink() -> Sink:
    """The run's sink, started on first use; raises OSError/RuntimeError if it cannot start."""
    global _shared
    if _shared is None:
        from benchmarks.segment import find_peer

        _shared = Sink(find_peer() if shutil.which("node") else None)
        atexit.register(stop_shared_sink)
    return _shared


def running_sink_url() -> str | None:
    """The shared sink's URL when it is sink.js (so Segment can use it too); else None."""
    return _shared.url if _shared is not None and _shared.kind == "sink.js" else None


def stop_shared_sink() -> None:
    """Stop the shared sink, if one was started."""
    global _shared
    if _shared is not None:
        _shared.stop()
        _shared = None


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((_LOOPBACK, 0))
        return int(probe.getsockname()[1])


def _wait_until_listening(port: int, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + _START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the sink exited with status {process.returncode} before listening")
        try:
            with socket.create_connection((_LOOPBACK, port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"the sink did not listen on {_LOOPBACK}:{port} within {_START_TIMEOUT:g} s")


def _root() -> Path:
    return Path(__file__).resolve().parent.parent


def _app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    """Reads the body (as sink.js does) and answers 200 `{"id":1}`."""
    stream, length = environ["wsgi.input"], int(environ.get("CONTENT_LENGTH") or 0)
    if length:
        stream.read(length)
    start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(_BODY)))])
    return [_BODY]


def _serve(port: int) -> None:
    from waitress import serve

    serve(_app, host=_LOOPBACK, port=port, threads=int(os.environ.get("SINK_THREADS", "8")), _quiet=True)


if __name__ == "__main__":
    _serve(int(sys.argv[1]))
