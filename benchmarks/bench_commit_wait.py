"""What a delivery slot's wait for its settle's commit costs: the lever left for the whole command's speed.

The worker promises that a ``kill -9`` repeats at most the calls in flight, so a slot starts its next
call only once its last one is committed (group commit: docs/architecture.md, "The loop"). This
measures that promise alone, outside the worker: ``--events`` identify jobs (one user each) claimed
from a fresh SQLite queue, delivered by 5 threads through one Pardot instance (default mapping, tokens
in the queue's store) to the loopback sink, and settled by one committer thread that writes every
settlement waiting in one ``settle`` (delivered, with the attempt record the worker writes). Four
ways for a slot to go on after a call:

* ``wait``: it waits for its settlement's commit before its next job (the promise, as the worker does);
* ``gate``: it maps its next job at once and waits for the commit only before that job's request is
  sent (the promise kept, the mapping overlapped with the commit; the wait is hooked in front of
  ``framework.http.client._send_on_session`` for this measurement only);
* ``ahead``: it goes straight on, and waits for a commit only when ``--lead`` of its finished calls
  (default 1) are not committed yet, so a ``kill -9`` could repeat up to ``lead + 1`` times the calls
  in flight;
* ``free``: it never waits for a commit, so what a ``kill -9`` repeats is bounded only by how far
  the committer lags (no promise at all). Transactions grow with that lag.

``python -m benchmarks.bench_commit_wait [--events 20000] [--rounds 2] [--lead 1]`` alternates the
four and prints wall and CPU seconds, transactions and jobs per transaction. Not part of ``python -m
benchmarks`` (no Segment counterpart); figures and what they mean: benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import os
import queue as queue_module
import shutil
import tempfile
import threading
import time
from collections import deque
from collections.abc import Callable
from pathlib import Path
from typing import Any

from benchmarks.bench_pipeline import _SETTINGS
from benchmarks.events import synthetic_events
from benchmarks.sink import shared_sink, stop_shared_sink
from framework.delivery.attempt_record import attempt_of
from framework.delivery.jobs import Job, JobState, NewJob, Settlement
from framework.delivery.sqlite_queue import SqliteQueue
from framework.instance import DestinationInstance

__all__ = ["MODES", "deliver_once"]

MODES = ("wait", "gate", "ahead", "free")
SLOTS = 5  # Pardot's concurrency limit
_DONE = object()


def deliver_once(
    mode: str, events: list[dict[str, Any]], sink_url: str, folder: Path, lead: int = 1
) -> dict[str, float]:
    """One round in a new queue: wall and CPU seconds, transactions, and a check that all were delivered."""
    queue = SqliteQueue(folder / f"{mode}-{time.monotonic_ns()}.db")
    instance = DestinationInstance.from_settings(_SETTINGS, endpoint=sink_url, token_store=queue.token_store())
    try:
        queue.enqueue(
            [
                NewJob(instance.id, 0, f"m{n}", dict(event, userId=f"u{n}"), instance.account_key, f"u{n}")
                for n, event in enumerate(events)
            ]
        )
        jobs = queue.claim("bench", instances=[instance.id], limit=len(events), account_limits={})
        committer = _Committer(queue)
        failures: list[str] = []
        restore = _gate_sends() if mode == "gate" else None
        try:
            before, wall = os.times(), time.perf_counter()
            committer.start()
            slots = [
                threading.Thread(target=_slot, args=(mode, instance, jobs[i::SLOTS], committer, lead, failures))
                for i in range(SLOTS)
            ]
            for slot in slots:
                slot.start()
            for slot in slots:
                slot.join()
            committer.finish()
            after, wall = os.times(), time.perf_counter() - wall
        finally:
            if restore is not None:
                restore()
        if failures:
            raise RuntimeError(f"{len(failures)} slots stopped on a job not delivered, e.g. {failures[0]}")
        return {
            "wall": wall,
            "cpu": after.user - before.user + after.system - before.system,
            "transactions": committer.transactions,
            "delivered": queue.stats(instance.id).total(JobState.DELIVERED.value),
        }
    finally:
        instance.close()
        queue.close()


class _Committer:
    """One thread that commits every settlement waiting, in one ``settle`` call, and tells each slot."""

    def __init__(self, queue: SqliteQueue) -> None:
        self._queue = queue
        self._waiting: queue_module.SimpleQueue[Any] = queue_module.SimpleQueue()
        self._thread = threading.Thread(target=self._run, name="committer")
        self.transactions = 0

    def start(self) -> None:
        self._thread.start()

    def hand(self, settlement: Settlement) -> threading.Event:
        committed = threading.Event()
        self._waiting.put((settlement, committed))
        return committed

    def finish(self) -> None:
        self._waiting.put(_DONE)
        self._thread.join()

    def _run(self) -> None:
        while True:
            batch = [self._waiting.get()]
            while True:
                try:
                    batch.append(self._waiting.get_nowait())
                except queue_module.Empty:
                    break
            ready = [item for item in batch if item is not _DONE]
            if ready:
                self._queue.settle([settlement for settlement, _ in ready])
                self.transactions += 1
                for _, committed in ready:
                    committed.set()
            if len(ready) != len(batch):
                return


_gate = threading.local()


def _slot(
    mode: str, instance: DestinationInstance, jobs: list[Job], committer: _Committer, lead: int, failures: list[str]
) -> None:
    uncommitted: deque[threading.Event] = deque()  # "ahead": this slot's finished calls not yet committed
    for job in jobs:
        started, begun = time.time(), time.perf_counter()
        result = instance.send(job.event, only={job.subscription})[0]
        if result.status.value != "delivered":
            failures.append(f"job {job.id}: {result.reason}")
            return
        if len(uncommitted) >= lead:
            uncommitted.popleft().wait()
        attempt = attempt_of(job, result, started, (time.perf_counter() - begun) * 1000)
        committed = committer.hand(Settlement(job.id, JobState.DELIVERED, attempt=attempt))
        if mode == "wait":
            committed.wait()
        elif mode == "gate":
            _gate.committed = committed
        elif mode == "ahead":
            uncommitted.append(committed)


def _gate_sends() -> Callable[[], None]:
    """Hold each slot's request until its previous settlement is committed; returns the undo."""
    from framework.http import client

    original = client._send_on_session

    def gated(*args: Any, **kwargs: Any) -> Any:
        committed = getattr(_gate, "committed", None)
        if committed is not None:
            committed.wait()
            _gate.committed = None
        return original(*args, **kwargs)

    client._send_on_session = gated

    def restore() -> None:
        client._send_on_session = original

    return restore


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=20_000)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--lead", type=int, default=1, help="ahead: finished calls a slot may have uncommitted")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="bench-commit-wait-"))
    try:
        sink = shared_sink()
        events = synthetic_events(args.events)
        deliver_once("wait", events[:200], sink.url, folder)  # warm-up: connections, caches
        for round_number in range(1, args.rounds + 1):
            for mode in MODES:
                figures = deliver_once(mode, events, sink.url, folder, args.lead)
                label = f"ahead {args.lead}" if mode == "ahead" else mode
                print(
                    f"round {round_number} {label:8s}: {figures['wall']:.2f} s wall, {figures['cpu']:.2f} s CPU, "
                    f"{figures['transactions']:,.0f} transactions ({args.events / figures['transactions']:.1f} jobs each), "
                    f"{figures['delivered']:,.0f} delivered",
                    flush=True,
                )
    finally:
        stop_shared_sink()
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
