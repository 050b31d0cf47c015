"""The overview's numbers: the delivery funnel per instance and subscription, read from a snapshot.

The snapshot is ``queue.stats()`` (the very function ``actions queue stats`` prints, so the numbers
match it exactly), taken by a background thread every ``refresh`` seconds. A page reads the last
snapshot and never counts the jobs table itself, so rendering costs the same for ten jobs or ten
million; the page says how old the snapshot is.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from framework.delivery.attempt_latency import LatencyBucket
from framework.delivery.jobs import QueueStats
from framework.delivery.quota_usage import QuotaUsage

__all__ = ["FUNNEL", "FunnelRow", "Snapshot", "StatsSnapshots", "funnel_rows", "minute_series", "window_counts"]

log = logging.getLogger(__name__)

# Segment's delivery-overview steps, in order; "received" is every job the queue took.
FUNNEL = ("received", "filtered", "invalid", "delivered", "retrying", "parked", "dead")
_IN_FLIGHT = ("queued", "running", "polling")


@dataclass(frozen=True)
class FunnelRow:
    """One subscription's funnel, plus what is still in flight."""

    instance_id: str
    subscription: int
    subscription_name: str
    steps: dict[str, int]
    in_flight: int

    @property
    def failed(self) -> int:
        """Jobs that ended badly: dead or invalid."""
        return self.steps["dead"] + self.steps["invalid"]


def funnel_rows(stats: QueueStats) -> list[FunnelRow]:
    """The funnel of each stats row."""
    rows = []
    for row in stats.rows:
        counts = row.counts
        steps = {step: counts.get(step, 0) for step in FUNNEL[1:]}
        steps["received"] = sum(counts.values())
        in_flight = sum(counts.get(state, 0) for state in _IN_FLIGHT)
        rows.append(FunnelRow(row.instance_id, row.subscription, row.subscription_name, steps, in_flight))
    return rows


SETTLED_STEPS = ("filtered", "invalid", "delivered", "dead")
DAY = 86_400.0


@dataclass(frozen=True)
class Snapshot:
    """What one background round read: the stats, the jobs settled in the last day per minute, the
    last day's attempt latencies and the accounts' reported quota usage."""

    taken: float
    stats: QueueStats
    settled: list[tuple[int, str, int, str, int]]  # (minute start, instance, subscription, state, count)
    latency: list[LatencyBucket] = field(default_factory=list)  # attempts of the last day (hour apart)
    quota: list[QuotaUsage] = field(default_factory=list)  # each account's last reported daily usage


def window_counts(snapshot: Snapshot, seconds: float) -> dict[tuple[str, int], dict[str, int]]:
    """Per (instance, subscription): how many jobs reached each final state in the last ``seconds``."""
    since = snapshot.taken - seconds
    counts: dict[tuple[str, int], dict[str, int]] = {}
    for minute, instance_id, subscription, state, count in snapshot.settled:
        if minute + 60 > since and state in SETTLED_STEPS:
            row = counts.setdefault((instance_id, subscription), dict.fromkeys(SETTLED_STEPS, 0))
            row[state] += count
    return counts


def minute_series(snapshot: Snapshot, minutes: int = 60) -> list[tuple[int, int, int]]:
    """The last ``minutes`` minutes, oldest first: (minute start, delivered, failed: dead or invalid)."""
    last = int(snapshot.taken // 60) * 60
    series = {last - 60 * n: [0, 0] for n in range(minutes)}
    for minute, _instance, _subscription, state, count in snapshot.settled:
        if minute in series:
            if state == "delivered":
                series[minute][0] += count
            elif state in ("dead", "invalid"):
                series[minute][1] += count
    return [(minute, d, f) for minute, (d, f) in sorted(series.items())]


class StatsSnapshots:
    """The latest ``queue.stats()``, refreshed in the background; readers never wait on the queue."""

    def __init__(self, queue: Any, refresh: float = 2.0) -> None:
        self._queue = queue
        self._refresh = refresh
        self._latest: Snapshot | None = None
        self._ready = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def latest(self) -> Snapshot:
        """The last snapshot; the first call waits for the first snapshot (taking it if need be)."""
        self._start()
        if not self._ready.wait(timeout=60) or self._latest is None:
            self.refresh_now()  # the background thread failed: let the error reach the page
        assert self._latest is not None
        return self._latest

    def refresh_now(self) -> None:
        """Take a snapshot now (after a retry or purge, so the next page shows it)."""
        now = time.time()
        stats = self._queue.stats()
        # a queue without these methods shows no time windows, latencies or quotas
        reader = getattr(self._queue, "settled_counts", None)
        latencies = getattr(self._queue, "attempt_latencies", None)
        usage = getattr(self._queue, "quota_usage", None)
        taken = Snapshot(
            now,
            stats,
            reader(now - DAY) if reader is not None else [],
            latencies(now - DAY, now - 3600) if latencies is not None else [],
            usage() if usage is not None else [],
        )
        with self._lock:
            self._latest = taken
        self._ready.set()

    def _start(self) -> None:
        with self._lock:
            if self._thread is not None:
                return
            self._thread = threading.Thread(target=self._loop, name="console-stats", daemon=True)
            self._thread.start()

    def _loop(self) -> None:
        while not self._stop.is_set():
            started = time.monotonic()
            try:
                self.refresh_now()
            except Exception as error:
                if self._stop.is_set():
                    return  # a queue hiccup: keep the last snapshot, try again next round
                log.warning("console: the queue's stats could not be read: %s", error)
                self._ready.set()  # a waiting page then reads them itself and shows the error
            # A snapshot that takes long (a huge SQLite queue: 2 s at a million jobs) holds the queue's
            # lock that long: keep the queue free at least 90% of the time.
            self._stop.wait(max(self._refresh, 9 * (time.monotonic() - started)))

    def close(self) -> None:
        """Stop the background refresh."""
        self._stop.set()
