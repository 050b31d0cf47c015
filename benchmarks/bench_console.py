"""The console's page times over a large queue, on the embedded SQLite queue and on PostgreSQL.

``python -m benchmarks.bench_console [--jobs 1000000] [--dead 100000] [--backend sqlite|postgresql|both]
[--url postgresql://...]``

Fills a fresh queue with ``--jobs`` jobs of one instance over four subscriptions (enqueued as
``actions enqueue`` does, then settled in bulk: ``--dead`` dead letters, a few invalid and queued, the
rest delivered), then times through Starlette's test client, logged in:

* ``GET /`` (the overview), 20 times: the page reads the last stats snapshot, so this is what an
  operator waits for; the snapshot itself (``queue.stats()``, ``settled_counts`` and
  ``attempt_latencies`` over one attempt a finished job, taken off the request path every few
  seconds) is timed apart.
* ``GET /dead-letters`` page after page (keyset paging: ``after=<last id>``) over the first 2,000
  pages or all of them, whichever is fewer: median, 95th percentile and worst.

Not part of ``python -m benchmarks`` (filling a million jobs takes a minute or two). The PostgreSQL
half needs a server (``--url``, default the tests' database); it uses a scratch schema, dropped after.
"""

from __future__ import annotations

import argparse
import re
import statistics
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from starlette.testclient import TestClient

from benchmarks.bench_postgres import scratch_postgres_queue
from framework.console import ConsoleOptions, create_console_app
from framework.delivery import NewJob, open_queue

TOKEN = "bench-console-token"
BATCH = 10_000


@contextmanager
def _scratch_queue(backend: str, server_url: str) -> Iterator[str]:
    if backend == "sqlite":
        with tempfile.TemporaryDirectory() as folder:
            yield f"sqlite:///{Path(folder) / 'bench.db'}"
        return
    with scratch_postgres_queue(server_url, prefix="bench_console") as url:
        yield url


def _fill(backend: str, url: str, jobs: int, dead: int) -> float:
    """Enqueue ``jobs`` jobs and settle them in bulk; the seconds it took."""
    started = time.perf_counter()
    queue = open_queue(url)
    try:
        for first in range(0, jobs, BATCH):
            queue.enqueue(
                [
                    NewJob("bench", n % 4, f"m{n}", {"type": "identify", "userId": f"u{n}"}, "bench-account")
                    for n in range(first, min(first + BATCH, jobs))
                ]
            )
    finally:
        queue.close()
    every = max(1, jobs // dead) if dead else 0
    table = "jobs" if backend == "sqlite" else "actions_jobs"
    updates = [
        # settled over the last day, one job every 86 ms or so: the hour and day windows have work to do
        f"UPDATE {table} SET state = 'delivered', settled_at = {time.time()} - (id % 86400) WHERE id % 100 <> 1",
        f"UPDATE {table} SET state = 'invalid', last_error = 'missing email' WHERE id % 1000 = 1",
    ]
    if every:
        updates.append(
            f"UPDATE {table} SET state = 'dead', last_error = 'gave up after 1 attempts: HTTP 500' WHERE id % {every} = 0"
        )
    attempts = "attempts" if backend == "sqlite" else "actions_attempts"
    # one attempt a finished job, over the last day, 1 to 800 ms: the latency histogram has work to do
    updates.append(
        f"INSERT INTO {attempts} (job_id, number, started_at, latency_ms, status, message)"
        f" SELECT id, 1, settled_at - 1, 1 + (id * 7919) % 800, CASE WHEN state = 'delivered' THEN 'delivered'"
        f" ELSE 'failed' END, '' FROM {table} WHERE settled_at IS NOT NULL"
    )
    _execute(backend, url, updates)
    return time.perf_counter() - started


def _execute(backend: str, url: str, statements: list[str]) -> None:
    if backend == "sqlite":
        import sqlite3

        with sqlite3.connect(url.removeprefix("sqlite:///")) as db:
            for statement in statements:
                db.execute(statement)
        return
    import psycopg

    with psycopg.connect(url, autocommit=True) as connection:
        for statement in statements:
            connection.execute(statement)
        connection.execute("ANALYZE actions_jobs")
        connection.execute("ANALYZE actions_attempts")


def _times(client: TestClient, path: str, count: int) -> list[float]:
    spent = []
    for _ in range(count):
        started = time.perf_counter()
        response = client.get(path)
        spent.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.text[:200]
    return spent


def _dead_letter_pages(client: TestClient, pages: int) -> tuple[list[float], int]:
    spent, path, shown = [], "/dead-letters", 0
    for _ in range(pages):
        started = time.perf_counter()
        response = client.get(path)
        spent.append((time.perf_counter() - started) * 1000)
        shown += response.text.count('class="job-link"')
        found = re.search(r'href="(/dead-letters\?[^"]+)" id="next"', response.text)
        if not found:
            break
        path = found.group(1).replace("&amp;", "&")
    return spent, shown


def _summary(name: str, spent: list[float]) -> str:
    ordered = sorted(spent)
    p95 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]
    return f"{name}: median {statistics.median(ordered):.1f} ms, p95 {p95:.1f} ms, worst {ordered[-1]:.1f} ms ({len(ordered)} requests)"


def measure(backend: str, server_url: str, jobs: int, dead: int, pages: int) -> None:
    """Fill a scratch queue of ``backend`` and print the page times."""
    with _scratch_queue(backend, server_url) as url:
        filled = _fill(backend, url, jobs, dead)
        queue = open_queue(url)
        # as actions console does: on SQLite the background counts read through a connection of their own
        stats_queue = open_queue(url) if backend == "sqlite" else None
        try:
            started = time.perf_counter()
            stats = queue.stats()
            queue.settled_counts(time.time() - 86_400)
            stats_ms = (time.perf_counter() - started) * 1000
            started = time.perf_counter()
            queue.attempt_latencies(time.time() - 86_400, time.time() - 3600)
            latency_ms = (time.perf_counter() - started) * 1000
            options = ConsoleOptions(queue=queue, token=TOKEN, refresh=5.0, stats_queue=stats_queue)
            with TestClient(create_console_app(options)) as client:
                client.post("/login", data={"token": TOKEN})
                client.get("/")  # the first snapshot
                overview = _times(client, "/", 20)
                letters, shown = _dead_letter_pages(client, pages)
        finally:
            queue.close()
            if stats_queue is not None:
                stats_queue.close()
        print(
            f"{backend}: {sum(row.counts.get('dead', 0) for row in stats.rows):,} dead of {jobs:,} jobs (filled in {filled:.0f} s)"
        )
        print(f"  stats() + settled_counts(last day): the snapshot, off the request path: {stats_ms:.0f} ms")
        print(
            f"  attempt_latencies(last day): the snapshot's latency histogram, off the request path: {latency_ms:.0f} ms"
        )
        print("  " + _summary("GET / (overview)", overview))
        print("  " + _summary(f"GET /dead-letters ({shown:,} dead letters paged)", letters))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.bench_console", description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=1_000_000)
    parser.add_argument("--dead", type=int, default=100_000)
    parser.add_argument("--pages", type=int, default=2_000, help="dead-letter pages to time at most")
    parser.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--url", default="postgresql://postgres@127.0.0.1:5432/test")
    args = parser.parse_args(argv)
    for backend in ("sqlite", "postgresql") if args.backend == "both" else (args.backend,):
        measure(backend, args.url, args.jobs, args.dead, args.pages)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
