"""Delivered events/s with 1, 2 and 4 ``actions worker`` processes, PostgreSQL next to the embedded queue.

``python -m benchmarks.bench_postgres [--events N] [--units U] [--url postgresql://...]``

For each backend and worker count: a fresh queue, ``--events`` identify events enqueued (the enqueue
rate is timed: ``JobProducer`` + ``enqueue`` in batches of 500, as ``actions enqueue`` does), then
that many ``actions worker`` processes deliver them to a loopback sink (``benchmarks/sink.py``, 200
``{"id":1}``). Delivered/s is measured from the moment 5% are delivered (every worker has started
and warmed up) to the last one, by polling ``unfinished`` (cheap: an index count) ten times a
second. The events are spread over ``--units`` Pardot business units (one instance each, served by
every worker), so the per-unit limit of 5 in flight is not what caps the figure; with ``--units 1``
it is.

A second figure isolates the queue: the same worker counts, each process only claiming (batches of
20) and settling jobs as delivered, with no HTTP and no mapping: the backend's own ceiling.

Not part of ``python -m benchmarks`` (it starts processes and takes about a minute); the PostgreSQL
half needs a server (``--url``, default the tests' ``postgresql://postgres@127.0.0.1:5432/test``;
each run uses a schema of its own, dropped afterwards).
"""

from __future__ import annotations

import argparse
import secrets
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from benchmarks.sink import shared_sink, stop_shared_sink
from framework.delivery import JobProducer, JobQueue, open_queue
from framework.instance import DestinationInstance

__all__ = ["main"]

ROOT = Path(__file__).resolve().parents[1]
_BATCH = 500
_WORKER_COUNTS = (1, 2, 4)
_WARM_FRACTION = 0.05
_TIMEOUT_S = 300.0

_INSTANCE_TOML = """
destination = "actions-pardot"
endpoint = "{endpoint}"

[settings]
businessUnitID = "0Uv00000000000{unit:04d}"
accountID = "1"
isSandbox = false

[auth]
access_token = "bench-access-token"
refresh_token = "bench-refresh-token"
client_id = "bench-client"
client_secret = "bench-secret"

[[subscriptions]]
name = "Upsert prospects on identify"
subscribe = 'type = "identify"'
action = "prospects"
"""


@dataclass(frozen=True)
class Run:
    """One measurement: a backend with a number of worker processes."""

    backend: str
    workers: int
    enqueued_per_s: float
    delivered_per_s: float
    queue_only_per_s: float


# A process that drains the queue without delivering: claim a batch, settle it as delivered.
_DRAINER = """
import sys
from framework.delivery import JobState, Settlement, open_queue
queue = open_queue(sys.argv[1])
instances = sys.argv[2:]
queue.register_worker("drainer")
print("ready", flush=True)
sys.stdin.readline()
while True:
    jobs = queue.claim("drainer", instances=instances, limit=20, account_limits={})
    if not jobs:
        if not queue.unfinished(instances):
            break
        continue
    queue.settle([Settlement(job.id, JobState.DELIVERED) for job in jobs])
queue.close()
"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.bench_postgres",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--events", type=int, default=6000, help="events per run (default 6000)")
    parser.add_argument("--units", type=int, default=4, help="Pardot business units (instances), default 4")
    parser.add_argument(
        "--url",
        default="postgresql://postgres@127.0.0.1:5432/test",
        help="a PostgreSQL database where a scratch schema may be created",
    )
    parser.add_argument("--backends", default="sqlite,postgresql", help="which to measure (default both)")
    args = parser.parse_args(argv)
    runs: list[Run] = []
    with tempfile.TemporaryDirectory(prefix="bench-postgres-") as folder:
        try:
            paths = _instance_files(Path(folder), args.units, shared_sink().url)
            for backend in args.backends.split(","):
                for workers in _WORKER_COUNTS:
                    with _fresh_queue(backend, Path(folder), args.url) as url:
                        runs.append(_measure(backend, url, paths, workers, args.events))
                        print(_row(runs[-1]), flush=True)
        finally:
            stop_shared_sink()
    return 0


def _instance_files(folder: Path, units: int, endpoint: str) -> list[Path]:
    paths = []
    for unit in range(units):
        path = folder / f"unit{unit}.toml"
        path.write_text(_INSTANCE_TOML.format(endpoint=endpoint, unit=unit + 1))
        paths.append(path)
    return paths


@contextmanager
def _fresh_queue(backend: str, folder: Path, server_url: str) -> Iterator[str]:
    """A queue URL with nothing in it, removed afterwards."""
    if backend == "sqlite":
        path = folder / f"queue-{secrets.token_hex(4)}.db"
        yield f"sqlite:///{path}"
        return
    with scratch_postgres_queue(server_url) as url:
        yield url


@contextmanager
def scratch_postgres_queue(server_url: str, prefix: str = "bench") -> Iterator[str]:
    """A migrated queue in a schema of its own on ``server_url`` (``PREFIX_<random>``), dropped afterwards."""
    import psycopg

    from framework.delivery.postgres_queue import migrate_queue

    schema = f"{prefix}_{secrets.token_hex(4)}"
    with psycopg.connect(server_url, autocommit=True) as admin:
        admin.execute(f"CREATE SCHEMA {schema}")
        try:
            separator = "&" if "?" in server_url else "?"
            url = f"{server_url}{separator}options=-csearch_path%3D{schema}"
            migrate_queue(url)
            yield url
        finally:
            admin.execute(f"DROP SCHEMA {schema} CASCADE")


def _measure(backend: str, url: str, paths: list[Path], workers: int, count: int) -> Run:
    queue = open_queue(url)
    instance_ids = [DestinationInstance.from_file(path).id for path in paths]
    try:
        enqueued_per_s = _enqueue(queue, paths, count)
        processes = _start_workers(url, paths, workers)
        try:
            delivered_per_s = _delivery_rate(lambda: count - queue.unfinished(instance_ids), count)
        finally:
            _stop(processes)
        queue_only_per_s = _queue_only_rate(queue, url, paths, instance_ids, workers, count)
    finally:
        queue.close()
    return Run(backend, workers, enqueued_per_s, delivered_per_s, queue_only_per_s)


def _queue_only_rate(
    queue: JobQueue, url: str, paths: list[Path], instance_ids: list[str], workers: int, count: int
) -> float:
    """Jobs per second through claim and settle alone, ``workers`` processes draining ``count`` new jobs."""
    _enqueue(queue, paths, count, first_message=count)
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", _DRAINER, url, *instance_ids],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            cwd=ROOT,
        )
        for _ in range(workers)
    ]
    for process in processes:
        assert process.stdout is not None
        process.stdout.readline()
    started = time.perf_counter()
    for process in processes:
        assert process.stdin is not None
        process.stdin.write(b"go\n")
        process.stdin.flush()
    for process in processes:
        process.wait(_TIMEOUT_S)
    elapsed = time.perf_counter() - started
    for process in processes:
        process.stdin.close()  # type: ignore[union-attr]
        process.stdout.close()  # type: ignore[union-attr]
    return count / elapsed


def _stop(processes: list[subprocess.Popen[bytes]]) -> None:
    for process in processes:
        process.send_signal(signal.SIGTERM)
    for process in processes:
        process.wait(30)


def _enqueue(queue: JobQueue, paths: list[Path], count: int, first_message: int = 0) -> float:
    """Events per second through ``JobProducer.produce`` and ``enqueue``, round-robin over the units."""
    producers = [JobProducer(DestinationInstance.from_file(path)) for path in paths]
    events = [_event(n) for n in range(first_message, first_message + count)]
    started = time.perf_counter()
    for first in range(0, count, _BATCH):
        jobs = [
            job
            for n, event in enumerate(events[first : first + _BATCH], first)
            for job in producers[n % len(producers)].produce(event).jobs
        ]
        queue.enqueue(jobs)
    return count / (time.perf_counter() - started)


def _event(n: int) -> dict[str, Any]:
    return {
        "type": "identify",
        "userId": f"u{n % 1000}",
        "messageId": f"m{n}",
        "traits": {"email": f"user{n % 1000}@example.com", "first_name": f"First{n}", "last_name": "Last"},
    }


def _start_workers(url: str, paths: list[Path], workers: int) -> list[subprocess.Popen[bytes]]:
    argv = [sys.executable, "-m", "framework.cli", "worker", "--queue", url]
    for path in paths:
        argv += ["--instance", str(path)]
    return [
        subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT) for _ in range(workers)
    ]


def _delivery_rate(delivered: Callable[[], int], count: int) -> float:
    """Delivered per second from the first 5% (workers started and warm) to the last event."""
    deadline = time.monotonic() + _TIMEOUT_S
    warm = max(1, int(count * _WARM_FRACTION))
    start_count, started = 0, 0.0
    while time.monotonic() < deadline:
        done = delivered()
        if not started and done >= warm:
            start_count, started = done, time.monotonic()
        if done >= count:
            return (done - start_count) / (time.monotonic() - started)
        time.sleep(0.1)
    raise RuntimeError(f"not every event was delivered within {_TIMEOUT_S:.0f} s")


def _row(run: Run) -> str:
    return (
        f"{run.backend:<10} workers={run.workers}  enqueue {run.enqueued_per_s:8.0f} events/s  "
        f"delivered {run.delivered_per_s:7.0f} events/s  queue only {run.queue_only_per_s:7.0f} jobs/s"
    )


if __name__ == "__main__":
    sys.exit(main())
