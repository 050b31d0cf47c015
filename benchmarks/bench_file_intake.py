"""The file intake alone: ``FileIntake.read(read_events(FILE))`` into a fresh SQLite queue, no worker.

``actions replay`` runs this on its own thread while the worker delivers, and every microsecond of
Python it spends holds the GIL the delivery threads need; this measures that cost per event. The
file is NDJSON of identify events with unique messageIds (benchmarks/events.py's shape, as
``delivery_scale`` writes them, uncompressed here); the instance is Pardot's default mapping
(``bench_pipeline._SETTINGS``), and the tally expects outcomes, as a replay's does. Each round reads
the file into a new queue file; the figure is the process CPU time per event (wall time beside it).

``python -m benchmarks.bench_file_intake [--events 100000] [--rounds 3]`` prints each round and the best.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.events import synthetic_events

__all__ = ["main", "write_ndjson", "one_round"]

EVENTS = 100_000


def write_ndjson(path: Path, count: int) -> None:
    """``count`` identify events with unique messageIds, one compact JSON object a line."""
    template = synthetic_events(1000)
    with path.open("w", encoding="utf-8") as out:
        for i in range(count):
            event = dict(template[i % 1000], messageId=f"m{i}", userId=f"u{i % 50_000}")
            out.write(json.dumps(event, separators=(",", ":")) + "\n")


def one_round(events: Path, folder: Path, number: int) -> dict[str, float]:
    """One read of the file into a fresh queue: CPU and wall µs per event, and the jobs queued."""
    from benchmarks.bench_pipeline import _SETTINGS
    from framework.delivery.file_intake import FileIntake
    from framework.delivery.run_tally import RunTally
    from framework.delivery.sqlite_queue import SqliteQueue
    from framework.events import read_events
    from framework.instance import DestinationInstance

    queue = SqliteQueue(folder / f"round{number}.db")
    tally = RunTally()
    with DestinationInstance.from_settings(_SETTINGS) as instance:
        intake = FileIntake(queue, instance, tally)
        cpu, wall = time.process_time(), time.perf_counter()
        intake.read(read_events(events))
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    queue.close()
    read = tally.events_read
    return {"cpu_us_per_event": cpu / read * 1e6, "wall_us_per_event": wall / read * 1e6, "queued": intake.added}


def main(argv: list[str] | None = None) -> int:
    """Write the file once, then time ``--rounds`` reads of it, each into its own queue."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.bench_file_intake", description=__doc__)
    parser.add_argument("--events", type=int, default=EVENTS)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench-file-intake-") as name:
        folder = Path(name)
        events = folder / "events.ndjson"
        write_ndjson(events, args.events)
        rounds = [one_round(events, folder, number) for number in range(args.rounds)]
    for number, figures in enumerate(rounds):
        print(
            f"round {number}: {figures['cpu_us_per_event']:.2f} µs CPU/event, "
            f"{figures['wall_us_per_event']:.2f} µs wall/event, {figures['queued']:.0f} queued"
        )
    best = min(figures["cpu_us_per_event"] for figures in rounds)
    print(json.dumps({"events": args.events, "best_cpu_us_per_event": round(best, 2)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
