"""`python -m benchmarks.memory NAME`: prints the tracemalloc peak (bytes) of one benchmark's compile
and one pass over 10,000 events, run in a fresh interpreter so no cache hides the compile."""

from __future__ import annotations

import sys
import tracemalloc

from benchmarks.events import synthetic_events
from benchmarks.runner import discover

__all__ = ["measure"]


def measure(name: str, count: int = 10_000) -> int:
    """Peak bytes allocated while compiling and running `count` events; the events are not counted."""
    benchmark = next(b for b in discover() if b.name == name)
    events = synthetic_events(count)
    tracemalloc.start()
    try:
        benchmark.prepare(events)()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


if __name__ == "__main__":
    print(measure(sys.argv[1]))
