"""Slots settle their own calls by group commit (issue 16): what must hold whichever thread settles.

Every outcome reaches ``on_outcome`` exactly once and never two at a time; a queue that fails while a
slot is settling stops the worker with that error on the caller's thread, and the jobs it held go
back to the queue (nothing is lost, nothing stays claimed).
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from destinations.pardot.emulator import PardotEmulator
from framework.delivery.jobs import Job, Settlement
from framework.delivery.outcome import DeliveryOutcome
from framework.delivery.sqlite_queue import SqliteQueue
from framework.delivery.worker import DeliveryWorker, WorkerOptions, _Finished
from framework.instance import DestinationInstance
from framework.runtime import SubscriptionResult, SubscriptionStatus
from tests.delivery.test_worker import _config, _enqueue, _identify

QUICK = WorkerOptions(concurrency=5, idle_poll=0.05, give_up_wait=5.0)


class _FailingQueue(SqliteQueue):
    """A SQLite queue whose settles fail from the ``fail_from``-th one on, as a full disk would."""

    def __init__(self, path: Path, fail_from: int) -> None:
        super().__init__(path)
        self.settles = 0
        self.fail_from = fail_from

    def _count(self) -> None:
        self.settles += 1
        if self.settles >= self.fail_from:
            raise sqlite3.OperationalError("database or disk is full")

    def settle(self, settlements: Sequence[Settlement]) -> None:
        self._count()
        super().settle(settlements)

    def settle_and_claim(self, settlements: Sequence[Settlement], worker_id: str, **terms: Any) -> list[Job]:
        self._count()
        return super().settle_and_claim(settlements, worker_id, **terms)


def _states(queue: SqliteQueue) -> dict[str, int]:
    return dict(queue._db.execute("SELECT state, count(*) FROM jobs GROUP BY state").fetchall())


def test_every_outcome_reaches_the_callback_once_and_never_two_at_a_time(tmp_path: Path) -> None:
    queue = SqliteQueue(tmp_path / "queue.db")
    inside = threading.Lock()
    seen: list[int] = []
    overlapped: list[int] = []
    threads: set[int] = set()

    def on_outcome(outcome: DeliveryOutcome) -> None:
        if not inside.acquire(blocking=False):
            overlapped.append(outcome.job_id)
            return
        try:
            seen.append(outcome.job_id)
            threads.add(threading.get_ident())
        finally:
            inside.release()

    with PardotEmulator(latency=0.002) as emulator:
        config = _config(tmp_path, "outcomes", emulator.base_url, delivery="merge_updates = false")
        with DestinationInstance.from_file(config, token_store=queue.token_store()) as instance:
            _enqueue(queue, instance, [_identify(n, f"user{n}", f"v{n}") for n in range(300)])
            exit_ = DeliveryWorker(queue, [instance], on_outcome=on_outcome, options=QUICK).run(until_empty=True)
    assert exit_.reason == "drained"
    assert overlapped == []
    assert sorted(seen) == sorted(set(seen)) and len(seen) == 300
    assert threading.get_ident() not in threads or len(threads) > 1  # the slots settle, not only the caller
    assert _states(queue) == {"delivered": 300}
    queue.close()


def test_a_queue_failing_while_a_slot_settles_stops_the_worker_with_that_error(tmp_path: Path) -> None:
    queue = _FailingQueue(tmp_path / "queue.db", fail_from=20)
    with PardotEmulator(latency=0.002) as emulator:
        config = _config(tmp_path, "failing", emulator.base_url, delivery="merge_updates = false")
        with DestinationInstance.from_file(config, token_store=queue.token_store()) as instance:
            _enqueue(queue, instance, [_identify(n, f"user{n}", f"v{n}") for n in range(200)])
            worker = DeliveryWorker(queue, [instance], options=QUICK)
            with pytest.raises(sqlite3.OperationalError, match="disk is full"):
                worker.run(until_empty=True)
    states = _states(queue)
    assert "running" not in states  # what the worker held went back when it unregistered
    assert 0 < states.get("delivered", 0) < 200
    assert sum(states.values()) == 200
    queue.close()


def _usage_report(job: Job, used: int, answered_at: float) -> _Finished:
    result = SubscriptionResult(
        job.subscription_name,
        "prospects",
        SubscriptionStatus.DELIVERED,
        output={"apiUsage": {"used": used, "limit": 1000}},
        index=job.subscription,
    )
    return _Finished(job, result, answered_at - 0.05, 50.0)


def test_a_usage_report_settled_after_a_newer_one_never_lowers_the_quota_used(tmp_path: Path) -> None:
    queue = SqliteQueue(tmp_path / "queue.db")
    config = _config(tmp_path, "usage", "http://127.0.0.1:9")
    with DestinationInstance.from_file(config, token_store=queue.token_store()) as instance:
        _enqueue(queue, instance, [_identify(n, f"user{n}", f"v{n}") for n in range(3)])
        first, second, third = queue.claim("w", instances=[instance.id], limit=3, account_limits={})
        worker = DeliveryWorker(queue, [instance], options=QUICK)
        now = time.time()
        # the answer saying 6 was settled first; the one saying 5, answered just before it, settles after
        worker._pace_quota([_usage_report(second, 6, now)], now)
        worker._pace_quota([_usage_report(first, 5, now - 0.01)], now)
        assert [report.used for report in queue.quota_usage()] == [6]
        # a lower figure answered well after the last one used is a new day's count: it is taken
        worker._pace_quota([_usage_report(third, 1, now + 3600)], now + 3600)
        assert [report.used for report in queue.quota_usage()] == [1]
    queue.close()
