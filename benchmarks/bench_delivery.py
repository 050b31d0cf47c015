"""Delivery over real HTTP through the durable engine: enqueue, then a worker at Pardot's limit of 5.

Each pass enqueues the events into a fresh SQLite queue (``JobProducer`` + ``enqueue``, as ``actions
enqueue`` and ``replay`` do), then a ``DeliveryWorker`` at concurrency 5 claims, sends and settles every
job (``DestinationInstance.send`` over kept-alive connections to a loopback sink, benchmarks/sink.py,
which answers 200 `{"id":1}`), so the figure includes every durable write: enqueue, claim, settle and
attempt records. Segment's figure is bench_segment.js's `segment.delivered_c5`: its engine with 5
concurrent workers and real fetch, no queue at all, sent to the same sink in the same run. The sanity
count is the number of jobs delivered per pass.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Any

from benchmarks.bench_pipeline import _SETTINGS
from benchmarks.benchmark import Benchmark, Pass
from benchmarks.sink import shared_sink

__all__ = ["BENCHMARKS", "CONCURRENCY"]

CONCURRENCY = 5  # Pardot's concurrency limit, and what `actions replay` runs it with


def _durable_delivery(events: list[dict[str, Any]]) -> Pass:
    from framework.delivery.jobs import JobState
    from framework.delivery.producer import JobProducer
    from framework.delivery.sqlite_queue import SqliteQueue
    from framework.delivery.worker import DeliveryWorker, WorkerOptions
    from framework.instance import DestinationInstance

    instance = DestinationInstance.from_settings(_SETTINGS, endpoint=shared_sink().url)
    producer = JobProducer(instance)
    options = WorkerOptions(concurrency=CONCURRENCY, idle_poll=0.01)

    def one_pass() -> int:
        folder = Path(tempfile.mkdtemp(prefix="bench-durable-"))
        queue = SqliteQueue(folder / "queue.db")
        try:
            queue.enqueue([job for event in events for job in producer.produce(event).jobs])
            DeliveryWorker(queue, [instance], options=options).run(until_empty=True)
            return queue.stats(instance.id).total(JobState.DELIVERED.value)
        finally:
            queue.close()
            shutil.rmtree(folder, ignore_errors=True)

    return one_pass


BENCHMARKS = [
    Benchmark("delivery.durable_c5", "enqueue into a fresh SQLite queue, then DeliveryWorker at concurrency 5 over "
              "HTTP to a loopback sink", _durable_delivery, segment=(f"segment.delivered_c{CONCURRENCY}",),
              target=1.0),
]
