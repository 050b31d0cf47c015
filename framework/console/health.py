"""The overview's health tables: the slowest and most failing subscriptions, and each account's quota.

Both read the background snapshot (``overview.Snapshot``), never the queue: the attempt histogram
(``framework.delivery.attempt_latency``) and the accounts' last reported daily API usage
(``framework.delivery.quota_usage``). A quota nobody reported is shown as unknown, not as zero.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from framework.delivery.attempt_latency import LatencyBucket, LatencySummary, summaries
from framework.delivery.quota_pacing import quota_day
from framework.delivery.quota_usage import QuotaUsage

__all__ = ["QuotaRow", "RankedRow", "quota_rows", "slowest_and_failing"]

UNKNOWN = (
    "unknown: no daily API quota reported for this account (its destination declares none, "
    "or the instance does not ask for it)"
)


@dataclass(frozen=True)
class RankedRow:
    """One subscription's attempts in a window, for the ranked tables."""

    window: str
    name: str
    latency: LatencySummary


def slowest_and_failing(
    buckets: Iterable[LatencyBucket], names: dict[tuple[str, int], str], top: int = 5
) -> tuple[list[RankedRow], list[RankedRow]]:
    """The ``top`` slowest (by 95th percentile) and most failing (by failed share) per window."""
    buckets = list(buckets)
    rows = [
        RankedRow(window, names.get((summary.instance_id, summary.subscription), ""), summary)
        for window, recent_only in (("last hour", True), ("last day", False))
        for summary in summaries(buckets, recent_only=recent_only)
    ]
    slowest = sorted(rows, key=lambda row: (row.window != "last hour", -row.latency.p95_ms, -row.latency.mean_ms))
    failing = [row for row in rows if row.latency.failed]
    failing.sort(key=lambda row: (row.window != "last hour", -row.latency.failure_rate, -row.latency.failed))
    return _top_each(slowest, top), _top_each(failing, top)


def _top_each(rows: list[RankedRow], top: int) -> list[RankedRow]:
    kept: dict[str, int] = {}
    chosen = []
    for row in rows:
        if kept.get(row.window, 0) < top:
            kept[row.window] = kept.get(row.window, 0) + 1
            chosen.append(row)
    return chosen


@dataclass(frozen=True)
class QuotaRow:
    """An account's daily quota: used, limit and left today when known (None when not), and why."""

    account_key: str
    instances: tuple[str, ...]
    used: int | None
    limit: int | None
    left: int | None
    reported_at: float | None
    note: str


def quota_rows(instances: Iterable[Any], reports: Iterable[QuotaUsage], now: float) -> list[QuotaRow]:
    """Every account of the loaded instances, and every account that reported usage."""
    accounts: dict[str, list[Any]] = {}
    for instance in instances:
        accounts.setdefault(instance.account_key, []).append(instance)
    by_account = {report.account_key: report for report in reports}
    rows = []
    for account_key in sorted(set(accounts) | set(by_account)):
        loaded = accounts.get(account_key, [])
        zone = loaded[0].delivery.quota_zone if loaded else UTC
        ids = tuple(sorted(instance.id for instance in loaded)) or (by_account[account_key].instance_id,)
        rows.append(_quota_row(account_key, ids, by_account.get(account_key), zone, now))
    return rows


def _quota_row(account_key: str, ids: tuple[str, ...], report: QuotaUsage | None, zone: Any, now: float) -> QuotaRow:
    if report is None:
        return QuotaRow(account_key, ids, None, None, None, None, UNKNOWN)
    start, end = quota_day(now, zone)
    if report.reported_at < start:  # reported in an earlier day: the quota has reset since
        note = f"the quota reset at {_clock(start, zone)}; nothing reported since (then: {report.used}/{report.limit})"
        return QuotaRow(account_key, ids, None, report.limit, None, report.reported_at, note)
    note = f"as the destination reported it; resets at {_clock(end, zone)}"
    return QuotaRow(account_key, ids, report.used, report.limit, report.left, report.reported_at, note)


def _clock(moment: float, zone: Any) -> str:
    return datetime.fromtimestamp(moment, zone).strftime("%Y-%m-%d %H:%M %Z")
