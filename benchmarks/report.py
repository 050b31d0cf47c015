"""Prints the results: ours, Segment's, the ratio and whether it reaches the target."""

from __future__ import annotations

import json
import platform
from dataclasses import asdict
from typing import Any, TextIO

from benchmarks.runner import Result
from benchmarks.segment import SegmentNumbers

__all__ = ["print_table", "as_json", "ratios"]


def ratios(result: Result, segment: SegmentNumbers) -> dict[str, float]:
    """Ours / Segment's for every Segment measurement this benchmark is compared with."""
    found = {name: segment.events_per_s.get(name) for name in result.segment}
    return {name: result.events_per_s / theirs for name, theirs in found.items() if theirs and result.events_per_s}


def print_table(results: list[Result], segment: SegmentNumbers, out: TextIO) -> None:
    """One line per benchmark (headline ratio), then further ratios, skips and sanity warnings."""
    out.write(
        f"Python {platform.python_version()} on {platform.machine()}; "
        "events: bench_segment.js's synthetic identify events\n\n"
    )
    header = (
        f"{'benchmark':<24}{'ours ev/s':>14}{'Segment ev/s':>15}{'ratio':>9}{'target':>9}  "
        f"{'peak memory (10k events)':<26}"
    )
    out.write(header + "\n" + "-" * len(header) + "\n")
    for result in results:
        out.write(_line(result, segment) + "\n")
    out.write("\n")
    for result in results:
        for name, ratio in list(ratios(result, segment).items())[1:]:
            out.write(f"{result.name} vs {name} ({segment.events_per_s[name]:,.0f} ev/s): {ratio:.2f}×\n")
    for result in results:
        if result.skipped:
            out.write(f"{result.name}: {result.skipped}\n")
    if segment.skipped:
        out.write(f"Segment: {segment.skipped}\n")
    else:
        raw = ", ".join(f"{name} {speed:,.0f}" for name, speed in sorted(segment.events_per_s.items()))
        out.write(f"Segment's engine, this run (ev/s): {raw}\n")
    _write_sanity(results, segment, out)


def _line(result: Result, segment: SegmentNumbers) -> str:
    if result.skipped:
        return f"{result.name:<24}{'skipped':>14}"
    headline = result.segment[0] if result.segment else ""
    theirs = segment.events_per_s.get(headline)
    ratio = ratios(result, segment).get(headline)
    verdict = "" if ratio is None or result.target is None else ("met" if ratio >= result.target else "MISSED")
    target = f"≥{result.target:g}×" if result.target else "-"
    peak = f"{result.peak_bytes / 1024:,.1f} KiB" if result.peak_bytes is not None else "-"
    return (
        f"{result.name:<24}{result.events_per_s or 0:>14,.0f}{(f'{theirs:,.0f}' if theirs else '-'):>15}"
        f"{(f'{ratio:.2f}×' if ratio else '-'):>9}{target:>9}  {peak:<12}{verdict}"
    )


def _write_sanity(results: list[Result], segment: SegmentNumbers, out: TextIO) -> None:
    """Both engines must have done the same work: matched events per 1000 must agree."""
    for result in results:
        for name in result.segment:
            theirs = segment.matched.get(name)
            if theirs is not None and result.sanity_count is not None and abs(theirs - result.sanity_count) > 1e-9:
                out.write(
                    f"WARNING {result.name}: ours matched {result.sanity_count:g} per 1000 events, {name} {theirs:g}\n"
                )


def as_json(results: list[Result], segment: SegmentNumbers) -> str:
    """Machine-readable results, one object per benchmark plus Segment's raw numbers."""
    rows: list[dict[str, Any]] = [{**asdict(result), "ratios": ratios(result, segment)} for result in results]
    return json.dumps({"results": rows, "segment": asdict(segment)}, indent=2)
