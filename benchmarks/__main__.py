"""`python -m benchmarks`: run every benchmark, then Segment's engine, and print the comparison."""

from __future__ import annotations

import argparse
import sys

from benchmarks.bench_delivery import CONCURRENCY
from benchmarks.report import as_json, print_table
from benchmarks.runner import discover, run_all
from benchmarks.segment import measure_segment
from benchmarks.sink import running_sink_url, stop_shared_sink


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks", description="Throughput and memory, ours vs Segment's engine."
    )
    parser.add_argument(
        "--only", action="append", default=[], help="run benchmarks whose name starts with this (repeatable)"
    )
    parser.add_argument("--seconds", type=float, default=1.0, help="length of one timing round (default 1.0)")
    parser.add_argument(
        "--rounds",
        type=int,
        default=3,
        help="alternating rounds of ours and Segment's; the best of each counts (default 3)",
    )
    parser.add_argument("--n", type=int, default=20000, help="bench_segment.js --n (Segment's iterations)")
    parser.add_argument("--no-segment", action="store_true", help="do not run Segment's engine (no ratios)")
    parser.add_argument("--json", action="store_true", help="print JSON instead of the table")
    args = parser.parse_args(argv)
    chosen = [b for b in discover() if not args.only or any(b.name.startswith(prefix) for prefix in args.only)]
    # The delivery benchmark starts the loopback sink while it is prepared; Segment then uses it too.
    measure = (
        None if args.no_segment else lambda: measure_segment(args.n, sink=running_sink_url(), concurrency=CONCURRENCY)
    )
    try:
        results, segment = run_all(chosen, args.seconds, args.rounds, measure)
    finally:
        stop_shared_sink()
    if args.json:
        sys.stdout.write(as_json(results, segment) + "\n")
    else:
        print_table(results, segment, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
