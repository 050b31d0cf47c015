"""The user's command, whole: ``actions replay ev.ndjson --instance inst.toml --queue sqlite:///…``.

`delivery.durable_c5` times the engine's inner loop in this interpreter; this one times what a user
waits for: the console script started in its own process (interpreter start-up and imports included),
reading an NDJSON file of 20,000 identify events with unique messageIds (benchmarks/events.py's
shape), enqueueing them into a fresh SQLite queue, delivering them at Pardot's limit of 5 to the
run's loopback sink (the instance TOML's ``endpoint``), and printing the summary. The figure is
events delivered / wall-clock seconds of the whole command. Segment's figure is
``segment.delivered_c5`` of bench_segment.js on the same sink in the same run (20,000 events, 5
workers, no queue at all). Each pass uses a new queue file, so no run finds the previous one's
jobs "done before"; the sanity count is the delivered count the summary prints.

The command runs with Python's default bytecode cache, as in a user's shell: PYTHONDONTWRITEBYTECODE
(set on some development machines) is removed from its environment, and one untimed warm-up run of
a few events writes the cache first, so no timed round compiles the project's modules (an installed
package has its bytecode compiled by pip; this tree is installed editable).

``python -m benchmarks.bench_replay_command [--events 20000] [--rounds 3]`` alternates the command
and Segment's engine and prints each round's figures, their ranges and the ratios.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.benchmark import Benchmark, Pass
from benchmarks.events import synthetic_events

__all__ = ["BENCHMARKS", "EVENTS", "ReplayCommand"]

EVENTS = 20_000
CONCURRENCY = 5  # Pardot's concurrency limit: what `actions replay` runs at with no --concurrency
_SUBSCRIPTION = "Upsert prospects on identify"
_INSTANCE = """\
# Written by benchmarks/bench_replay_command.py: Pardot, its default mapping, at the run's loopback sink.
destination = "actions-pardot"
endpoint = "{endpoint}"

[settings]
businessUnitID = "0Uv000000000001AAA"
accountID = "1"
isSandbox = false

[auth]
access_token = "bench-access-token"
refresh_token = "bench-refresh-token"
client_id = "bench-client-id"
client_secret = "bench-client-secret"

[[subscriptions]]
name = "{name}"
subscribe = 'type = "identify"'
action = "prospects"
"""


class ReplayCommand:
    """The event file and the instance TOML in a temporary folder, and one timed run of the command per call."""

    def __init__(self, sink_url: str, count: int = EVENTS) -> None:
        self._folder = tempfile.TemporaryDirectory(prefix="bench-replay-command-")
        self.folder = Path(self._folder.name)
        self.count = count
        self.events = self.folder / "ev.ndjson"
        self.instance = self.folder / "inst.toml"
        _write_events(self.events, count)
        self.instance.write_text(_INSTANCE.format(endpoint=sink_url, name=_SUBSCRIPTION))
        _check_concurrency(self.instance)
        self._runs = 0
        self._environment = {name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"}

    def warm_up(self) -> None:
        """One untimed run over a few events: the bytecode cache is written, the page cache filled."""
        few = self.folder / "warm-up.ndjson"
        _write_events(few, 10)
        self._timed(few)

    def argv(self, queue: Path, events: Path | None = None) -> list[str]:
        """Exactly what a user types, with the console script installed beside this interpreter."""
        script = Path(sys.executable).parent / "actions"
        command = [str(script)] if script.exists() else [sys.executable, "-m", "framework.cli"]
        source = str(events or self.events)
        return [*command, "replay", source, "--instance", str(self.instance), "--queue", f"sqlite:///{queue}"]

    def run(self) -> tuple[int, float]:
        """One whole command into a new queue: (events delivered, wall-clock seconds)."""
        return self._timed(self.events)

    def _timed(self, events: Path) -> tuple[int, float]:
        self._runs += 1
        queue = self.folder / f"queue-{self._runs}.db"
        started = time.perf_counter()
        done = subprocess.run(
            self.argv(queue, events), capture_output=True, text=True, check=False, timeout=900, env=self._environment
        )
        elapsed = time.perf_counter() - started
        for leftover in self.folder.glob(f"{queue.name}*"):  # the queue, its -wal/-shm files, its .locks folder
            if leftover.is_dir():
                shutil.rmtree(leftover)
            else:
                leftover.unlink()
        if done.returncode != 0:
            raise RuntimeError(f"actions replay exited {done.returncode}: {(done.stderr or done.stdout)[-500:]}")
        return _delivered(done.stdout), elapsed

    def close(self) -> None:
        """Remove the folder (events, instance, any queue left by an interrupted run)."""
        self._folder.cleanup()


def _write_events(path: Path, count: int) -> None:
    """``count`` identify events of benchmarks/events.py's shape, each with its own messageId and userId."""
    template = synthetic_events(1000)
    with path.open("w", encoding="utf-8") as out:
        for i in range(count):
            event = dict(template[i % 1000], messageId=f"m{i}", userId=f"u{i}")
            out.write(json.dumps(event, separators=(",", ":")) + "\n")


def _check_concurrency(instance: Path) -> None:
    """The command gets no --concurrency: the destination's limit must be the 5 Segment's side runs with."""
    from framework.instance import DestinationInstance

    with DestinationInstance.from_file(instance) as loaded:
        limit = loaded.definition.concurrency_limit
    if limit != CONCURRENCY:
        raise RuntimeError(f"Pardot's concurrency_limit is {limit}, not {CONCURRENCY}: the comparison would be unfair")


def _delivered(summary: str) -> int:
    """The "delivered" column of the subscription's row in the printed summary."""
    for line in summary.splitlines():
        if line.startswith(_SUBSCRIPTION):
            cells = line[len(_SUBSCRIPTION) :].split()
            return int(cells[5])  # read, filtered, invalid, repeated, done before, delivered, ...
    raise RuntimeError(f"no summary row for {_SUBSCRIPTION!r} in the command's output:\n{summary[-500:]}")


def _replay_command(events: list[dict[str, Any]]) -> Pass:
    from benchmarks.sink import shared_sink

    command = ReplayCommand(shared_sink().url)
    command.warm_up()

    def one_pass() -> int:
        return command.run()[0]

    return one_pass


BENCHMARKS = [
    Benchmark(
        "command.replay_c5",
        "the whole `actions replay ev.ndjson --instance inst.toml --queue sqlite:///…` of 20,000 events, "
        "start-up included, at concurrency 5 to the loopback sink (bench_replay_command.py)",
        _replay_command,
        segment=(f"segment.delivered_c{CONCURRENCY}",),
        target=1.5,
        events_per_pass=EVENTS,
        in_process=False,
    ),
]


def main(argv: list[str] | None = None) -> int:
    """Alternating rounds of the command and of Segment's engine on one sink; each round, ranges, ratios."""
    from benchmarks.segment import measure_segment_delivery
    from benchmarks.sink import shared_sink, stop_shared_sink

    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.bench_replay_command",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--events", type=int, default=EVENTS, help="events in the file (and Segment's --n)")
    parser.add_argument("--rounds", type=int, default=3, help="alternating rounds of ours and Segment's")
    parser.add_argument("--no-segment", action="store_true", help="time the command alone")
    args = parser.parse_args(argv)
    try:
        sink = shared_sink()
        command = ReplayCommand(sink.url, args.events)
        command.warm_up()
        print(
            f"sink: {sink.kind} at {sink.url}; {args.events:,} events; command: {' '.join(command.argv(Path('QUEUE.db')))}"
        )
        ours, theirs = [], []
        for round_number in range(1, args.rounds + 1):
            delivered, seconds = command.run()
            ours.append(delivered / seconds)
            line = f"round {round_number}: ours {ours[-1]:,.0f} ev/s ({delivered:,} delivered in {seconds:.2f} s)"
            if not args.no_segment and sink.kind != "sink.js":
                line += "; Segment: not measured (node or the peer is missing, so the sink is ours)"
            elif not args.no_segment:
                numbers = measure_segment_delivery(args.events, sink.url, CONCURRENCY)
                speed = numbers.events_per_s.get(f"segment.delivered_c{CONCURRENCY}")
                if speed:
                    theirs.append(speed)
                    line += f"; Segment delivered_c{CONCURRENCY} {speed:,.0f} ev/s; ratio {ours[-1] / speed:.2f}×"
                else:
                    line += f"; Segment: {numbers.skipped or 'no delivered figure printed'}"
            print(line, flush=True)
        command.close()
    finally:
        stop_shared_sink()
    _print_ranges(ours, theirs)
    return 0


def _print_ranges(ours: list[float], theirs: list[float]) -> None:
    print(f"ours: {min(ours):,.0f}–{max(ours):,.0f} ev/s")
    if theirs:
        ratios = [mine / segment for mine, segment in zip(ours, theirs, strict=False)]
        print(
            f"Segment delivered_c{CONCURRENCY}: {min(theirs):,.0f}–{max(theirs):,.0f} ev/s; ratio per round "
            f"{min(ratios):.2f}–{max(ratios):.2f}×, best vs best {max(ours) / max(theirs):.2f}× (target ≥ 1.5×)"
        )


if __name__ == "__main__":
    sys.exit(main())
