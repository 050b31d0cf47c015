"""`actions serve` intake: batches of 100 events from several concurrent clients into the embedded queue.

The server is the real command (`actions serve --no-workers`) in its own process, on a free loopback
port, writing to a fresh SQLite queue (WAL, synchronous=NORMAL: every acknowledged event survives a
killed server); the clients are threads here, each with one kept-alive connection, sending
pre-encoded `/v1/batch` bodies of 100 identify events (bench events, a unique messageId each) and
counting only 200 answers. An accepted event is a committed job: the server answers 200 only after
its group commit. One runner pass is 1,000 events (10 batches).

`python -m benchmarks.bench_intake [--seconds 10] [--clients 4] [--synchronous full]` runs it
continuously and prints accepted events/s with the p50/p99 latency of a batch request.
"""

from __future__ import annotations

import argparse
import atexit
import http.client
import itertools
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from base64 import b64encode
from pathlib import Path
from typing import Any

from benchmarks.bench_pipeline import _SETTINGS
from benchmarks.benchmark import Benchmark, Pass
from benchmarks.events import synthetic_events

__all__ = ["BENCHMARKS", "IntakeServerProcess", "BatchClients"]

BATCH_SIZE = 100
CLIENTS = 4
_WRITE_KEY = "bench-write-key"
_START_TIMEOUT = 30.0


class IntakeServerProcess:
    """`actions serve --no-workers` on a free port with a fresh queue; stopped at exit."""

    def __init__(self, synchronous: str = "normal") -> None:
        self._folder = tempfile.TemporaryDirectory(prefix="bench-intake-")
        folder = Path(self._folder.name)
        (folder / "instance.json").write_text(json.dumps(_SETTINGS))
        self.queue_path = folder / "queue.db"
        argv = [
            sys.executable,
            "-m",
            "framework.cli",
            "serve",
            "--instance",
            str(folder / "instance.json"),
            "--write-key",
            _WRITE_KEY,
            "--no-workers",
            "--port",
            "0",
            "--queue",
            f"sqlite:///{self.queue_path}?synchronous={synchronous}",
        ]
        self._process = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        atexit.register(self.stop)
        self.port = self._read_port()

    def _read_port(self) -> int:
        assert self._process.stderr is not None
        deadline = time.monotonic() + _START_TIMEOUT
        while time.monotonic() < deadline:
            line = self._process.stderr.readline()
            found = re.search(r"listening on http://127\.0\.0\.1:(\d+)", line)
            if found:
                threading.Thread(target=self._process.stderr.read, daemon=True).start()  # never block its writes
                return int(found.group(1))
            if not line and self._process.poll() is not None:
                break
        self.stop()
        raise RuntimeError("actions serve did not start listening")

    def cpu_seconds(self) -> float:
        """CPU time (user + system) the server process has used so far, from /proc (0.0 where there is none)."""
        try:
            fields = Path(f"/proc/{self._process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return 0.0
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def stop(self) -> None:
        """SIGTERM our own server process (SIGKILL after 10 s), then remove its queue."""
        if self._process.poll() is None:
            self._process.terminate()
            try:
                self._process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait(timeout=5)
        self._folder.cleanup()


class BatchClients:
    """Threads sending batch bodies over kept-alive connections; each body's messageIds are made unique."""

    def __init__(self, port: int, events: list[dict[str, Any]], clients: int = CLIENTS) -> None:
        self.port = port
        self.clients = clients
        batches = [events[start : start + BATCH_SIZE] for start in range(0, len(events), BATCH_SIZE)]
        # "@@@@@@@@" in every messageId is replaced by a request counter, so no batch is a duplicate.
        self._templates = [
            json.dumps(
                {
                    "batch": [{**event, "messageId": f"@@@@@@@@-{event['messageId']}"} for event in batch],
                    "sentAt": "2024-05-01T12:00:00.000Z",
                }
            ).encode()
            for batch in batches
        ]
        self._counter = itertools.count()
        self._headers = {
            "Content-Type": "application/json",
            "Authorization": "Basic " + b64encode(f"{_WRITE_KEY}:".encode()).decode(),
        }
        self._local = threading.local()

    def send(self, template: bytes) -> float:
        """One batch request; returns its latency in seconds (raises unless the answer is 200)."""
        body = template.replace(b"@@@@@@@@", b"%08d" % next(self._counter))
        connection = getattr(self._local, "connection", None)
        if connection is None:
            connection = self._local.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        started = time.perf_counter()
        connection.request("POST", "/v1/batch", body, self._headers)
        answer = connection.getresponse()
        answer.read()
        latency = time.perf_counter() - started
        if answer.status != 200:
            raise RuntimeError(f"the server answered {answer.status} to a batch")
        return latency

    def run_for(self, seconds: float) -> tuple[int, list[float]]:
        """Send batches from every client for ``seconds``: (events accepted, latencies)."""
        deadline = time.perf_counter() + seconds
        latencies: list[float] = []

        def client(offset: int) -> None:
            for template in itertools.cycle(self._templates[offset:] + self._templates[:offset]):
                if time.perf_counter() >= deadline:
                    return
                latencies.append(self.send(template))

        threads = [threading.Thread(target=client, args=(index,)) for index in range(self.clients)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        return len(latencies) * BATCH_SIZE, latencies

    def one_pass(self) -> int:
        """Every template once, spread over the clients: events accepted."""
        pending = list(self._templates)
        lock = threading.Lock()
        accepted = [0]

        def client() -> None:
            while True:
                with lock:
                    if not pending:
                        return
                    template = pending.pop()
                self.send(template)
                with lock:
                    accepted[0] += BATCH_SIZE

        threads = [threading.Thread(target=client) for _ in range(self.clients)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        return accepted[0]


def _intake(events: list[dict[str, Any]]) -> Pass:
    server = IntakeServerProcess()
    return BatchClients(server.port, events).one_pass


BENCHMARKS = [
    Benchmark(
        "intake.batch100_c4",
        "actions serve: /v1/batch of 100 events, 4 concurrent clients, committed "
        "to the embedded SQLite queue before 200 (bench_intake.py)",
        _intake,
    ),
]


def main(argv: list[str] | None = None) -> int:
    """Continuous run: accepted events/s and the p50/p99 latency of a batch request."""
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.bench_intake",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--clients", type=int, default=CLIENTS)
    parser.add_argument(
        "--synchronous",
        choices=("normal", "full"),
        default="normal",
        help="the queue's SQLite synchronous mode (full: durable against a power cut too)",
    )
    args = parser.parse_args(argv)
    server = IntakeServerProcess(args.synchronous)
    try:
        clients = BatchClients(server.port, synthetic_events(1000), args.clients)
        clients.run_for(1.0)  # warm-up: connections, the server's first commits
        cpu_before = server.cpu_seconds()
        accepted, latencies = clients.run_for(args.seconds)
        server_cpu = server.cpu_seconds() - cpu_before
        cuts = statistics.quantiles(latencies, n=100)
        print(
            f"accepted {accepted / args.seconds:,.0f} events/s ({accepted:,} in {args.seconds:g} s, "
            f"{args.clients} clients, batches of {BATCH_SIZE}, synchronous={args.synchronous}); batch latency "
            f"p50 {cuts[49] * 1000:.1f} ms, p99 {cuts[98] * 1000:.1f} ms"
        )
        print(
            f"server CPU: {server_cpu / args.seconds:.2f} cores busy, {server_cpu / accepted * 1e6:.1f} us per "
            f"accepted event ({accepted / server_cpu:,.0f} events per CPU-second); load average "
            f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs"
        )
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
