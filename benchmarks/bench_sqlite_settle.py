"""The SQLite queue's delivery transaction alone: ``settle_and_claim`` of 1 to 5 delivered jobs.

``python -m benchmarks.bench_sqlite_settle [--jobs 20000] [--rounds 3] [--busy-threads 5]
[--baseline OLD_sqlite_queue.py]``

What ``actions replay`` asks of the queue at Pardot's limit of 5, without HTTP or mapping: a fresh
queue of ``--jobs`` identify events (one user each, one account limited to 5 calls), five claimed,
then until it is drained one ``settle_and_claim`` per loop: the oldest 1..5 running jobs settled as
delivered with the attempt record the worker writes for a success (``{"status": 200}``), and as many
claimed back with the worker's terms (``lane_run=50``, no skips). It prints microseconds per
transaction and per job settled (wall and CPU of this thread).

``--busy-threads N`` runs N threads beside it that do what a delivery thread does between two
answers, in miniature (100 µs of Python, then a 1 ms sleep): every sqlite3 step
releases and re-takes the GIL, so this shows what the number of statements costs when threads compete
for it. ``--baseline FILE`` loads another ``sqlite_queue.py`` (``git show REV:framework/delivery/
sqlite_queue.py > old.py``) and alternates its rounds with this tree's. Not part of ``python -m
benchmarks`` (no Segment counterpart).
"""

from __future__ import annotations

import argparse
import importlib.util
import itertools
import shutil
import statistics
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from benchmarks.events import synthetic_events
from framework.delivery.jobs import Attempt, Job, JobState, NewJob, Settlement

__all__ = ["main"]

_INSTANCE = "actions-pardot-bench"
_ACCOUNT = "actions-pardot:businessUnitID=0Uv000000000001AAA"
_LIMIT = 5  # Pardot's concurrency limit
_LANE_RUN = 50  # WorkerOptions.lane_run: Pardot's prospects merge a user's consecutive events
_SIZES = (1, 2, 3, 4, 5)  # settlements per transaction, about equally often in a replay at 5


def _new_jobs(count: int) -> list[NewJob]:
    """One job per synthetic identify event, each its own user's lane, as the producer makes them."""
    template = synthetic_events(1)[0]
    return [
        NewJob(
            _INSTANCE,
            0,
            f"m{n}",
            {**template, "userId": f"u{n}", "messageId": f"m{n}"},
            _ACCOUNT,
            f"{_INSTANCE}\x1fu:u{n}",
            subscription_name="Upsert prospects on identify",
        )
        for n in range(count)
    ]


def _delivered(job: Job, now: float) -> Settlement:
    """What the worker's verdict settles a success with (worker._verdict, attempt_record.attempt_of)."""
    attempt = Attempt(job.id, job.tries + 1, now - 0.005, 4.8, "delivered", "success", 200, None, "", {"status": 200})
    return Settlement(job.id, JobState.DELIVERED, "", 0.0, True, attempt)


def one_round(queue_class: type, jobs: list[NewJob]) -> dict[str, float]:
    """Drain a fresh queue of ``jobs`` through settle_and_claim; the per-transaction and per-job costs."""
    folder = Path(tempfile.mkdtemp(prefix="bench-sqlite-settle-"))
    queue = queue_class(folder / "queue.db")
    try:
        queue.enqueue(jobs)
        terms: dict[str, Any] = {"account_limits": {_ACCOUNT: _LIMIT}, "lane_run": _LANE_RUN, "skip": ()}
        running = queue.claim("w1", instances=[_INSTANCE], limit=_LIMIT, **terms)
        sizes = itertools.cycle(_SIZES)
        transactions = settled = 0
        wall, cpu = time.perf_counter(), time.thread_time()
        while running:
            size = min(next(sizes), len(running))
            done, running = running[:size], running[size:]
            now = time.time()
            running += queue.settle_and_claim(
                [_delivered(job, now) for job in done], "w1", instances=[_INSTANCE], limit=size, **terms
            )
            transactions += 1
            settled += size
        wall, cpu = time.perf_counter() - wall, time.thread_time() - cpu
        assert queue.stats(_INSTANCE).total("delivered") == len(jobs), "not every job was delivered"
    finally:
        queue.close()
        shutil.rmtree(folder, ignore_errors=True)
    return {
        "tx_wall_us": wall / transactions * 1e6,
        "tx_cpu_us": cpu / transactions * 1e6,
        "job_wall_us": wall / settled * 1e6,
        "transactions": transactions,
    }


@contextmanager
def busy_threads(count: int) -> Iterator[None]:
    """``count`` threads that each loop: ~100 µs of Python (a response parsed, a result built), a 1 ms sleep."""
    stop = threading.Event()

    def busy() -> None:
        while not stop.is_set():
            end = time.perf_counter() + 0.0001
            while time.perf_counter() < end:
                sum(range(50))
            time.sleep(0.001)

    threads = [threading.Thread(target=busy, daemon=True) for _ in range(count)]
    for thread in threads:
        thread.start()
    try:
        yield
    finally:
        stop.set()
        for thread in threads:
            thread.join()


def _load_queue_class(path: Path) -> type:
    spec = importlib.util.spec_from_file_location("bench_sqlite_settle_baseline", path)
    assert spec is not None and spec.loader is not None, f"cannot load {path}"
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.SqliteQueue


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.bench_sqlite_settle", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--jobs", type=int, default=20_000, help="jobs in the queue (default 20000)")
    parser.add_argument("--rounds", type=int, default=3, help="rounds (of each side with --baseline; default 3)")
    parser.add_argument("--busy-threads", type=int, default=0, help="threads competing for the GIL (default 0)")
    parser.add_argument("--baseline", type=Path, help="another sqlite_queue.py to alternate with this tree's")
    args = parser.parse_args(argv)
    from framework.delivery.sqlite_queue import SqliteQueue

    sides: dict[str, type] = {"this tree": SqliteQueue}
    if args.baseline is not None:
        sides = {"baseline": _load_queue_class(args.baseline), **sides}
    jobs = _new_jobs(args.jobs)
    results: dict[str, list[dict[str, float]]] = {name: [] for name in sides}
    with busy_threads(args.busy_threads):
        for number in range(1, args.rounds + 1):
            for name, queue_class in sides.items():
                figures = one_round(queue_class, jobs)
                results[name].append(figures)
                print(
                    f"round {number} {name:>9}: {figures['tx_wall_us']:7.1f} µs/transaction wall,"
                    f" {figures['tx_cpu_us']:7.1f} CPU; {figures['job_wall_us']:6.1f} µs/job"
                    f" ({figures['transactions']:.0f} transactions)",
                    flush=True,
                )
    for name, rounds in results.items():
        wall = [figures["tx_wall_us"] for figures in rounds]
        cpu = [figures["tx_cpu_us"] for figures in rounds]
        print(
            f"{name:>9}: µs/transaction wall {min(wall):.1f}–{max(wall):.1f} (median {statistics.median(wall):.1f}),"
            f" CPU {min(cpu):.1f}–{max(cpu):.1f}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
