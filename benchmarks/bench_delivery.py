"""Delivery over real HTTP: a Pardot instance sending to a local sink on loopback, 5 events in flight.

The events go through `DestinationInstance.send` on the worker lanes `actions replay` uses
(`KeyedWorkerPool`: one lane per user, 5 lanes, Pardot's concurrency limit), and every request crosses
a real socket to the sink (benchmarks/sink.py), which answers 200 `{"id":1}`. Segment's figure is
bench_segment.js's `segment.delivered_c5`: its engine with 5 concurrent workers and real fetch, sent to
the same sink in the same run. The sanity count is the number of events delivered per pass.
"""

from __future__ import annotations

from typing import Any

from benchmarks.bench_pipeline import _SETTINGS
from benchmarks.benchmark import Benchmark, Pass
from benchmarks.sink import shared_sink
from framework.cli.keyed_pool import KeyedWorkerPool
from framework.instance import DestinationInstance

__all__ = ["BENCHMARKS", "CONCURRENCY"]

CONCURRENCY = 5  # Pardot's concurrency limit, and what `actions replay` runs it with


def _delivery(events: list[dict[str, Any]]) -> Pass:
    instance = DestinationInstance.from_settings(_SETTINGS, endpoint=shared_sink().url)
    delivered_status = "delivered"

    def one_pass() -> int:
        delivered: list[int] = []  # list.append is atomic: the lanes need no lock to count

        def send(event: dict[str, Any]) -> None:
            delivered.append(sum(result.status == delivered_status for result in instance.send(event)))

        with KeyedWorkerPool(send, CONCURRENCY) as pool:
            for event in events:
                pool.submit(event["userId"], event)
        return sum(delivered)

    return one_pass


BENCHMARKS = [
    Benchmark("delivery.pardot_c5", "DestinationInstance.send over HTTP to a loopback sink, 5 lanes (replay's)",
              _delivery, segment=(f"segment.delivered_c{CONCURRENCY}",)),
]
