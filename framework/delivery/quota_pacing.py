"""Pacing an account by its daily API quota, so the day's calls last and a spent quota parks instead of failing.

A destination that knows its account's daily usage puts it in its result's output as
``apiUsage = {"used": n, "limit": m}`` (Pardot does when the instance sets ``returnApiUsage``). The
worker feeds every such figure to :class:`QuotaPacer`, which answers when the account may make its
next call:

* while ``used`` is within the day's **budget** it says nothing: a share of the quota
  (``free_share``, half by default) may be spent at any time, and the rest becomes available evenly
  as the day goes by, so a large backlog cannot leave nothing for the rest of the day;
* past the budget it pauses the account until the budget allows one more call;
* with nothing left (``used >= limit``) it parks the account until the quota resets, and the queued
  jobs wait there instead of failing.

The day is the account's: it starts at midnight in the instance's ``[delivery] quota_time_zone``
(Pardot resets in the account's zone), UTC unless told otherwise, and a daylight-saving day is 23 or
25 hours long.

The pause goes through ``JobQueue.pause_account``, so every worker sharing the queue keeps to it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo
from typing import Any

__all__ = ["QuotaPacer", "QuotaPause", "quota_day", "usage_in"]


@dataclass(frozen=True)
class QuotaPause:
    """No calls for the account before ``until``; ``reason`` says why, for stats and logs."""

    until: float
    reason: str


def usage_in(output: Any) -> tuple[int, int] | None:
    """``(used, limit)`` from a result's output ``apiUsage``, or None when it carries none (or not as numbers)."""
    usage = output.get("apiUsage") if isinstance(output, Mapping) else None
    if not isinstance(usage, Mapping):
        return None
    used, limit = usage.get("used"), usage.get("limit")
    if not isinstance(used, int) or not isinstance(limit, int) or isinstance(used, bool) or limit <= 0:
        return None
    return used, limit


class QuotaPacer:
    """Keeps each account within its daily budget (see the module); one per worker, used under its state lock."""

    def __init__(self, *, free_share: float = 0.5, tz: tzinfo = UTC) -> None:
        if not 0.0 < free_share <= 1.0:
            raise ValueError(f"free_share={free_share}: give the share of the daily quota usable at once, in (0, 1]")
        self.free_share = free_share
        self.tz = tz

    def observe(self, used: int, limit: int, now: float, tz: tzinfo | None = None) -> QuotaPause | None:
        """What an account that has made ``used`` of its ``limit`` calls today (in ``tz``, else the pacer's) must do."""
        zone = tz or self.tz
        start, end = _day(now, zone)
        if used >= limit:
            return QuotaPause(
                end, f"the daily API quota is spent ({used}/{limit}): parked until it resets at {_clock(end, zone)}"
            )
        if used < self.budget(limit, now, zone):
            return None
        needed = (used + 1 - self.free_share * limit) / ((1 - self.free_share) * limit)  # share of the day
        until = min(start + needed * (end - start), end)
        return QuotaPause(
            until,
            f"pacing the daily API quota ({used}/{limit} used): next call at "
            f"{_clock(until, zone)} so the day's quota lasts",
        )

    def budget(self, limit: int, now: float, tz: tzinfo | None = None) -> float:
        """Calls the account may have made by ``now``: the free share, plus the rest as the day passes."""
        start, end = _day(now, tz or self.tz)
        elapsed = (now - start) / (end - start)
        return limit * (self.free_share + (1 - self.free_share) * elapsed)


def quota_day(now: float, tz: tzinfo) -> tuple[float, float]:
    """The account's quota day around ``now`` (start, end): what the console counts usage against."""
    return _day(now, tz)


def _day(now: float, tz: tzinfo) -> tuple[float, float]:
    """The local day around ``now``: from midnight to the next midnight (wall clock, so DST days differ)."""
    local = datetime.fromtimestamp(now, tz)
    start = local.replace(hour=0, minute=0, second=0, microsecond=0)
    end = start + timedelta(days=1)  # wall-clock arithmetic: the next local midnight
    return start.timestamp(), end.timestamp()


def _clock(moment: float, tz: tzinfo) -> str:
    return datetime.fromtimestamp(moment, tz).strftime("%Y-%m-%dT%H:%M:%S%z")
