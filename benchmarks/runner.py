"""Finds the benchmarks, times them, measures their memory, and alternates with Segment's engine.

Ours and Segment's are measured in alternating rounds (ours, Segment's, ours, Segment's, …) and the
best round of each counts, so a burst of load on a shared machine hits both sides alike.
"""

from __future__ import annotations

import importlib
import pkgutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import benchmarks
from benchmarks.benchmark import Benchmark, Pass
from benchmarks.events import synthetic_events
from benchmarks.segment import SegmentNumbers, best_of

__all__ = ["Result", "discover", "run_all"]

EVENTS_PER_PASS = 1000


@dataclass(frozen=True)
class Result:
    """One benchmark's figures; `skipped` says why there are none."""

    name: str
    description: str
    events_per_s: float | None = None
    sanity_count: float | None = None
    peak_bytes: int | None = None
    segment: tuple[str, ...] = ()
    target: float | None = None
    skipped: str | None = None


def discover() -> Iterator[Benchmark]:
    """Every `BENCHMARKS` entry of every `benchmarks/bench_*.py` module, in module order."""
    for module_info in sorted(pkgutil.iter_modules(benchmarks.__path__), key=lambda info: info.name):
        if module_info.name.startswith("bench_"):
            module = importlib.import_module(f"benchmarks.{module_info.name}")
            yield from getattr(module, "BENCHMARKS", [])


def run_all(
    chosen: list[Benchmark], seconds: float, rounds: int, segment: Callable[[], SegmentNumbers] | None
) -> tuple[list[Result], SegmentNumbers]:
    """`rounds` alternating rounds of ours (about `seconds` per benchmark) and of Segment's engine."""
    results = [_prepare(benchmark) for benchmark in chosen]
    passes = {result.name: one_pass for result, one_pass in results if one_pass is not None}
    sizes = {benchmark.name: benchmark.events_per_pass or EVENTS_PER_PASS for benchmark in chosen}
    measured_in_process = {benchmark.name for benchmark in chosen if benchmark.in_process}
    speeds: dict[str, float] = {}
    segment_rounds: list[SegmentNumbers] = []
    for _ in range(rounds):
        for name, one_pass in passes.items():
            speeds[name] = max(speeds.get(name, 0.0), _events_per_second(one_pass, seconds, sizes[name]))
        if segment is not None:
            segment_rounds.append(segment())
    finished = [
        result
        if one_pass is None
        else replace(
            result,
            events_per_s=speeds[result.name],
            peak_bytes=peak_memory(result.name) if result.name in measured_in_process else None,
        )
        for result, one_pass in results
    ]
    numbers = best_of(segment_rounds) if segment_rounds else SegmentNumbers(skipped="--no-segment given: no ratios")
    return finished, numbers


def _prepare(benchmark: Benchmark) -> tuple[Result, Pass | None]:
    """Compiles a benchmark (untimed) and takes its sanity count; ImportError means a part not yet in the tree."""
    base = Result(benchmark.name, benchmark.description, segment=benchmark.segment, target=benchmark.target)
    try:
        one_pass = benchmark.prepare(synthetic_events(EVENTS_PER_PASS))
    except ImportError as error:
        return replace(base, skipped=f"not measured: {error}"), None
    return replace(base, sanity_count=float(one_pass())), one_pass


def _events_per_second(one_pass: Pass, seconds: float, events_per_pass: int = EVENTS_PER_PASS) -> float:
    """Repeats whole passes until `seconds` have gone by (at least one)."""
    passes, start = 0, time.perf_counter()
    while True:
        one_pass()
        passes += 1
        elapsed = time.perf_counter() - start
        if elapsed >= seconds:
            return passes * events_per_pass / elapsed


def peak_memory(name: str) -> int | None:
    """The tracemalloc peak measured by benchmarks.memory in a fresh interpreter (no warm caches)."""
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.memory", name],
        capture_output=True,
        text=True,
        cwd=Path(benchmarks.__file__).resolve().parent.parent,
        timeout=600,
    )
    return int(done.stdout.strip()) if done.returncode == 0 and done.stdout.strip().isdigit() else None
