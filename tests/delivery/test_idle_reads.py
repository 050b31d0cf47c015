"""A worker waiting on jobs it cannot claim yet reads the queue a bounded number of times (issue 16).

A batching subscription lingers for its batch to fill: its jobs are due but not claimable. The worker
used to look every 10 ms (about a hundred ``next_due`` reads and a ``count(*)`` of unfinished jobs per
second of linger, 84% of a core over an import's wait); it now backs off. Counted, not timed.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from destinations.pardot.emulator import PardotEmulator
from framework.delivery.producer import JobProducer
from framework.delivery.sqlite_queue import SqliteQueue
from framework.delivery.worker import DeliveryWorker, WorkerOptions
from tests.delivery.test_batch_delivery import EVENTS, MOMENT, instance_for

LINGER_S = 1.0


class CountingQueue:
    """The real queue, counting the reads a waiting worker makes."""

    def __init__(self, queue: SqliteQueue) -> None:
        self._queue = queue
        self.reads = {"next_due": 0, "unfinished": 0}
        self.claim = queue.claim  # the worker reads claim's signature to find lane runs

    def next_due(self, instances: Any) -> float | None:
        self.reads["next_due"] += 1
        return self._queue.next_due(instances)

    def unfinished(self, instances: Any) -> int:
        self.reads["unfinished"] += 1
        return self._queue.unfinished(instances)

    def __getattr__(self, name: str) -> Any:
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
