"""Attempt latency and failures per subscription, as a histogram the queue can add up in one query.

The console ranks the slowest and most failing subscriptions over the last hour and day. Keeping
every latency to take exact percentiles would cost memory that grows with traffic; instead the queue
groups the attempts of the window into fixed latency buckets (1-2-5 steps from 1 ms to a minute) and
keeps each bucket's slowest attempt: the median and 95th percentile are read off the histogram as the
slowest attempt of the bucket that holds them (an upper bound, "at most 19 ms", off by less than one
bucket's width). Mean and maximum are exact.

Both backends run the same SQL (:func:`histogram_sql`), only the table names and placeholders differ.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

__all__ = [
    "BOUNDS_MS",
    "FAILED_STATUSES",
    "LatencyBucket",
    "LatencySummary",
    "bucket_sql",
    "failed_sql",
    "histogram_sql",
    "summaries",
]

# Upper bounds of the buckets, in milliseconds; one more bucket holds anything slower.
BOUNDS_MS = (1, 2, 5, 10, 20, 50, 100, 200, 500, 1_000, 2_000, 5_000, 10_000, 20_000, 60_000)
FAILED_STATUSES = ("failed", "invalid")  # an attempt that did not deliver (filtered is no failure)


@dataclass(frozen=True)
class LatencyBucket:
    """The attempts of one subscription in one bucket: ``recent`` ones started in the short window."""

    instance_id: str
    subscription: int
    recent: bool
    bucket: int
    attempts: int
    failed: int
    total_ms: float
    max_ms: float


@dataclass(frozen=True)
class LatencySummary:
    """One subscription's attempts over a window: how many, how many failed, how long they took."""

    instance_id: str
    subscription: int
    attempts: int
    failed: int
    median_ms: float
    p95_ms: float
    mean_ms: float
    max_ms: float

    @property
    def failure_rate(self) -> float:
        """Failed attempts per attempt (0 when none)."""
        return self.failed / self.attempts if self.attempts else 0.0


def bucket_sql(latency: str) -> str:
    """The bucket number of the latency (ms) ``latency``, as an SQL expression."""
    cases = " ".join(f"WHEN {latency} <= {bound} THEN {n}" for n, bound in enumerate(BOUNDS_MS))
    return f"CASE {cases} ELSE {len(BOUNDS_MS)} END"


def failed_sql(status: str) -> str:
    """1 when the attempt status ``status`` is a failure, else 0, as an SQL expression."""
    failed = ", ".join(f"'{name}'" for name in FAILED_STATUSES)
    return f"CASE WHEN {status} IN ({failed}) THEN 1 ELSE 0 END"


def histogram_sql(attempts: str, jobs: str, mark: str) -> str:
    """The query: attempts started since the second parameter, flagged recent from the first, bucketed."""
    return (
        f"SELECT j.instance_id, j.subscription, CASE WHEN a.started_at >= {mark} THEN 1 ELSE 0 END,"
        f" {bucket_sql('a.latency_ms')}, count(*), sum({failed_sql('a.status')}), sum(a.latency_ms), max(a.latency_ms)"
        f" FROM {attempts} AS a JOIN {jobs} AS j ON j.id = a.job_id WHERE a.started_at >= {mark}"
        " GROUP BY 1, 2, 3, 4"
    )


def buckets_of(rows: Iterable[Sequence[Any]]) -> list[LatencyBucket]:
    """The query's rows as buckets (either backend's types)."""
    return [
        LatencyBucket(str(i), int(s), bool(r), int(b), int(n), int(f), float(t), float(m))
        for i, s, r, b, n, f, t, m in rows
    ]


def summaries(buckets: Iterable[LatencyBucket], *, recent_only: bool) -> list[LatencySummary]:
    """Per subscription, over the recent window (``recent_only``) or the whole one."""
    grouped: dict[tuple[str, int], list[LatencyBucket]] = {}
    for bucket in buckets:
        if bucket.recent or not recent_only:
            grouped.setdefault((bucket.instance_id, bucket.subscription), []).append(bucket)
    return [_summary(key, rows) for key, rows in sorted(grouped.items())]


def _summary(key: tuple[str, int], rows: list[LatencyBucket]) -> LatencySummary:
    histogram = [0] * (len(BOUNDS_MS) + 1)
    slowest_in = [0.0] * (len(BOUNDS_MS) + 1)
    for row in rows:
        histogram[row.bucket] += row.attempts
        slowest_in[row.bucket] = max(slowest_in[row.bucket], row.max_ms)
    attempts = sum(histogram)
    return LatencySummary(
        key[0],
        key[1],
        attempts,
        sum(row.failed for row in rows),
        _quantile(histogram, slowest_in, 0.5),
        _quantile(histogram, slowest_in, 0.95),
        sum(row.total_ms for row in rows) / attempts if attempts else 0.0,
        max(slowest_in),
    )


def _quantile(histogram: list[int], slowest_in: list[float], share: float) -> float:
    """The bucket holding the ``share`` quantile: its slowest attempt (the tightest true upper bound)."""
    wanted = share * sum(histogram)
    seen = 0
    for n, count in enumerate(histogram):
        seen += count
        if count and seen >= wanted:
            return slowest_in[n]
    return max(slowest_in)
