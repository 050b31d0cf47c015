"""What a benchmark is: a name, a preparation that compiles, and a pass over the events to time."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

__all__ = ["Benchmark", "Pass"]

Pass = Callable[[], int]
"""One pass over the prepared events; returns how many events matched or were produced (a sanity count)."""


@dataclass(frozen=True)
class Benchmark:
    """One measurement.

    `prepare(events)` does the once-per-configuration work (parse, compile) and returns the pass
    to time; it is outside the timed region. `segment` names the matching measurements of Segment's
    engine (see segment.py): the first is the headline ratio, checked against `target` (the ratio
    ours/Segment's the project aims for); the others are printed as further ratios.
    `events_per_pass` is how many events one pass handles when it is not the runner's 1,000 (a whole
    command run over its own file); `in_process=False` says the work happens in another process, so
    the tracemalloc peak of this interpreter would mean nothing and is not measured.
    """

    name: str
    description: str
    prepare: Callable[[list[dict[str, Any]]], Pass]
    segment: tuple[str, ...] = ()
    target: float | None = None
    events_per_pass: int | None = None
    in_process: bool = True
