"""Measures Segment's own engine in the same run, when node and the peer (Segment's packages) exist.

bench_segment.js (from the peer folder, /work/shared/peer) gives `segment.fql` (validate of
`type = "identify"`), `segment.transform` (the Pardot default mapping) and
`segment.pipeline_no_network`, each over a short run that includes the JIT's warm-up (and, given
a sink URL, `segment.delivered_c5`: delivery over real HTTP with 5 concurrent workers);
segment_steady.js here adds steady-state figures (warmed up, best of 3 rounds):
`segment.fql_steady`, `segment.fql_complex` and `segment.transform_steady`. Without node or the
peer, `measure_segment` returns no numbers and a reason, and the runner prints ours alone.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks.bench_fql import COMPLEX_TRIGGER, SIMPLE_TRIGGER

__all__ = ["SegmentNumbers", "best_of", "find_peer", "measure_segment", "measure_segment_delivery"]

HERE = Path(__file__).resolve().parent
DEFAULT_PEER = Path("/tmp/segment-peer")
SETUP = Path(os.environ.get("PEER_SETUP", "/work/shared/peer/setup.sh"))


@dataclass
class SegmentNumbers:
    """Segment's events/s by measurement name, or why there are none."""

    events_per_s: dict[str, float] = field(default_factory=dict)
    matched: dict[str, float] = field(default_factory=dict)
    skipped: str | None = None


def find_peer() -> Path | None:
    """$PEER_DIR, /tmp/segment-peer, or the folder setup.sh installs (it prints it); None if absent."""
    for candidate in (os.environ.get("PEER_DIR"), DEFAULT_PEER):
        if candidate and (Path(candidate) / "bench_segment.js").exists():
            return Path(candidate)
    if not SETUP.exists():
        return None
    try:
        done = subprocess.run(["bash", str(SETUP)], capture_output=True, text=True, timeout=600, check=True)
    except (subprocess.SubprocessError, OSError):
        return None
    peer = Path(done.stdout.strip().splitlines()[-1]) if done.stdout.strip() else None
    return peer if peer and (peer / "bench_segment.js").exists() else None


def measure_segment(n: int, sink: str | None = None, concurrency: int = 5) -> SegmentNumbers:
    """Runs both node scripts; a failure becomes `skipped` with the reason, never an exception.

    With `sink` (a loopback URL, the one our delivery benchmark uses), bench_segment.js also delivers
    `n` events over real HTTP to it with `concurrency` workers: `segment.delivered_c<concurrency>`.
    """
    peer, numbers = _peer_or_reason()
    if peer is None:
        return numbers
    try:
        delivery = ["--sink", sink, "--concurrency", str(concurrency)] if sink else []
        _collect(numbers, _node(peer, [str(peer / "bench_segment.js"), "--n", str(n), *delivery]))
        triggers = ["segment.fql_steady", SIMPLE_TRIGGER, "segment.fql_complex", COMPLEX_TRIGGER]
        mapping = str(HERE / "data" / "pardot_prospects_default_mapping.json")
        _collect(
            numbers, _node(peer, [str(HERE / "segment_steady.js"), "--n", str(n * 50), "--mapping", mapping, *triggers])
        )
    except (subprocess.SubprocessError, OSError, ValueError) as error:
        numbers.skipped = f"running Segment's engine failed ({error}): no ratios"
    return numbers


def measure_segment_delivery(n: int, sink: str, concurrency: int = 5) -> SegmentNumbers:
    """bench_segment.js alone, delivering ``n`` events to ``sink``: ``segment.delivered_c<concurrency>``
    (and its short in-process figures, which it always prints first); segment_steady.js is not run."""
    peer, numbers = _peer_or_reason()
    if peer is None:
        return numbers
    argv = [str(peer / "bench_segment.js"), "--n", str(n), "--sink", sink, "--concurrency", str(concurrency)]
    try:
        _collect(numbers, _node(peer, argv))
    except (subprocess.SubprocessError, OSError, ValueError) as error:
        numbers.skipped = f"running Segment's engine failed ({error}): no ratios"
    return numbers


def _peer_or_reason() -> tuple[Path | None, SegmentNumbers]:
    """The peer folder and empty numbers to fill, or None and numbers that say why Segment is not measured."""
    if shutil.which("node") is None:
        return None, SegmentNumbers(skipped="node is not installed: Segment's engine was not measured (no ratios)")
    peer = find_peer()
    if peer is None:
        return None, SegmentNumbers(
            skipped="Segment's engine (the peer, /work/shared/peer/setup.sh) is not installed: no ratios"
        )
    return peer, SegmentNumbers()


def _node(peer: Path, argv: list[str]) -> str:
    env = {**os.environ, "NODE_PATH": str(peer / "node_modules")}
    return subprocess.run(
        ["node", *argv], cwd=peer, env=env, capture_output=True, text=True, timeout=900, check=True
    ).stdout


def _collect(numbers: SegmentNumbers, output: str) -> None:
    for line in output.splitlines():
        if line.strip().startswith("{"):
            row = json.loads(line)
            if "events_per_s" in row:
                numbers.events_per_s[row["bench"]] = float(row["events_per_s"])
            if "matched" in row:
                numbers.matched[row["bench"]] = float(row["matched"])


def best_of(rounds: list[SegmentNumbers]) -> SegmentNumbers:
    """The best figure of each measurement over several rounds; skipped if any round was."""
    for numbers in rounds:
        if numbers.skipped:
            return numbers
    best = SegmentNumbers()
    for numbers in rounds:
        for name, speed in numbers.events_per_s.items():
            best.events_per_s[name] = max(best.events_per_s.get(name, 0.0), speed)
        best.matched.update(numbers.matched)
    return best
