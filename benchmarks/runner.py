"""Finds the benchmarks, times them, measures their memory, and compares them with Segment's figures."""

from __future__ import annotations

import importlib
import pkgutil
import subprocess
import sys
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Iterator

import benchmarks
from benchmarks.benchmark import Benchmark
from benchmarks.events import synthetic_events

__all__ = ["Result", "discover", "run_benchmark"]


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


def run_benchmark(benchmark: Benchmark, seconds: float, rounds: int) -> Result:
    """Best of `rounds` rounds of about `seconds` each; a part not yet in the tree is reported as skipped."""
    base = Result(benchmark.name, benchmark.description, segment=benchmark.segment, target=benchmark.target)
    events = synthetic_events(1000)
    try:
        one_pass = benchmark.prepare(events)
    except ImportError as error:
        return replace(base, skipped=f"not measured: {error}")
    count = one_pass() * 1000 / len(events)
    speed = max(_events_per_second(one_pass, len(events), seconds) for _ in range(rounds))
    return replace(base, events_per_s=speed, sanity_count=count, peak_bytes=peak_memory(benchmark))


def _events_per_second(one_pass: Any, events_per_pass: int, seconds: float) -> float:
    """Repeats whole passes until `seconds` have gone by."""
    passes, start = 0, time.perf_counter()
    while True:
        one_pass()
        passes += 1
        elapsed = time.perf_counter() - start
        if elapsed >= seconds:
            return passes * events_per_pass / elapsed


def peak_memory(benchmark: Benchmark) -> int | None:
    """The tracemalloc peak measured by benchmarks.memory in a fresh interpreter (no warm caches)."""
    done = subprocess.run([sys.executable, "-m", "benchmarks.memory", benchmark.name], capture_output=True, text=True,
                          cwd=Path(benchmarks.__file__).resolve().parent.parent, timeout=600)
    return int(done.stdout.strip()) if done.returncode == 0 and done.stdout.strip().isdigit() else None
