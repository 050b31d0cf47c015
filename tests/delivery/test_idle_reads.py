"""A worker waiting on jobs it cannot claim yet reads the queue a bounded number of times (issue 16).

A batching subscription lingers for its batch to fill: its jobs are due but not claimable. The worker
used to look every 10 ms (about a hundred ``next_due`` reads and a ``count(*)`` of unfinished jobs per
second of linger, 84% of a core over an import's wait); it now backs off. Counted, not timed.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from destinations.pardot.emulator import PardotEmulator
from framework.delivery.producer import JobProducer
from framework.delivery.sqlite_queue import SqliteQueue
from framework.delivery.worker import DeliveryWorker, WorkerOptions
from tests.delivery.test_batch_delivery import EVENTS, MOMENT, instance_for

LINGER_S = 1.0


_READS = ("next_due", "unfinished", "claim", "claim_batch", "claim_polls", "paused_accounts")


class CountingQueue:
    """The real queue (either backend), counting the reads a waiting worker makes; ``looked`` is set
    at the first ``next_due`` (the worker found nothing to claim and is about to wait)."""

    def __init__(self, queue: Any) -> None:
        self._queue = queue
        self.reads = dict.fromkeys(_READS, 0)
        self.looked = threading.Event()
        self.claim = self._counted("claim")  # the worker reads claim's signature to find lane runs
        functools.update_wrapper(self.claim, queue.claim)

    def _counted(self, name: str) -> Callable[..., Any]:
        method = getattr(self._queue, name)

        def counted(*args: Any, **kwargs: Any) -> Any:
            self.reads[name] += 1
            if name == "next_due":
                self.looked.set()
            return method(*args, **kwargs)

        return counted

    def total(self) -> int:
        return sum(self.reads.values())

    def __getattr__(self, name: str) -> Any:
        if name in _READS:
            return self._counted(name)
        return getattr(self._queue, name)


def test_a_lingering_batch_is_waited_for_with_few_queue_reads(tmp_path: Path) -> None:
    queue = SqliteQueue(tmp_path / "queue.db")
    counting = CountingQueue(queue)
    with (
        PardotEmulator(custom_fields=["Tier__c"], clock=lambda: MOMENT) as emulator,
        instance_for(emulator) as instance,
    ):
        queue.enqueue([job for record in EVENTS[:3] for job in JobProducer(instance).produce(record.event).jobs])
        options = WorkerOptions(poll_every=0.02, batch_linger=LINGER_S)
        exit_ = DeliveryWorker(counting, [instance], options=options).run(until_empty=True)
    assert exit_.reason == "drained"
    stats = queue.stats()
    assert stats.total("delivered") == 2 and stats.total("dead") == 1  # Bob's unknown field is a row error
    # 10 ms polling made ~100 reads of each over the linger; backing off to 250 ms makes about ten.
    assert counting.reads["next_due"] <= 25, counting.reads
    assert counting.reads["unfinished"] <= 5, counting.reads
    queue.close()
