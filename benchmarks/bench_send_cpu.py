"""CPU per event of one delivery thread's work: ``instance.send(event, only={0})`` to a loopback sink.

What a delivery worker's thread does for each job, without the queue: the Pardot ``prospects``
action with its default mapping, the instance's tokens in a SQLite queue's token store (as ``actions
replay`` wires it), one kept-alive connection per thread to the sink (benchmarks/sink.py, its own
process, so its CPU is not counted). The figure is this process's CPU time (all threads) divided by
the events sent, on 1 thread and on 5 (Pardot's concurrency limit), best of ``--rounds``, with the
part spent in the kernel (loopback TCP, polls) shown apart.

``python -m benchmarks.bench_send_cpu [--events 4000] [--rounds 5] [--threads 1,5]``
"""

from __future__ import annotations

import argparse
import os
import shutil
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from benchmarks.bench_pipeline import _SETTINGS
from benchmarks.events import synthetic_events
from benchmarks.sink import shared_sink

__all__ = ["cpu_per_event"]


def cpu_per_event(instance: Any, events: list[dict[str, Any]], threads: int) -> tuple[float, float, float]:
    """(µs of process CPU per event, of which in the kernel, events per wall-clock second) on ``threads`` threads."""
    shares = [events[index::threads] for index in range(threads)]
    failures: list[str] = []

    def deliver(share: list[dict[str, Any]]) -> None:
        for event in share:
            for result in instance.send(event, only={0}):
                if result.status.value != "delivered":
                    failures.append(result.reason)

    workers = [threading.Thread(target=deliver, args=(share,)) for share in shares]
    before, wall = os.times(), time.perf_counter()
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    after, wall = os.times(), time.perf_counter() - wall
    system = after.system - before.system
    cpu = after.user - before.user + system
    if failures:
        raise RuntimeError(f"{len(failures)} events not delivered, e.g. {failures[0]}")
    return cpu / len(events) * 1e6, system / len(events) * 1e6, len(events) / wall


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=4000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--threads", default="1,5")
    args = parser.parse_args()
    from framework.delivery.sqlite_queue import SqliteQueue
    from framework.instance import DestinationInstance

    folder = Path(tempfile.mkdtemp(prefix="bench-send-cpu-"))
    queue = SqliteQueue(folder / "queue.db")
    try:
        instance = DestinationInstance.from_settings(
            _SETTINGS, endpoint=shared_sink().url, token_store=queue.token_store()
        )
        events = synthetic_events(args.events)
        cpu_per_event(instance, events[:200], 1)  # warm-up: connections, caches
        for threads in (int(n) for n in args.threads.split(",")):
            figures = sorted(cpu_per_event(instance, events, threads) for _ in range(args.rounds))
            best, worst = figures[0], figures[-1]
            print(
                f"threads={threads}: {best[0]:.1f} µs CPU/event (range {best[0]:.1f}-{worst[0]:.1f}; "
                f"kernel {best[1]:.1f} of the best), {max(rate for _, _, rate in figures):,.0f} ev/s best"
            )
        instance.close()
    finally:
        queue.close()
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
