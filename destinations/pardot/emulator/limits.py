"""Pardot's two account limits: concurrent requests (code 66) and daily API calls (code 122).

Both are per business unit (pardot-v5.md §5). At most ``limit`` requests may be in flight at once;
the next one is refused, not queued. The daily counter resets at the start of the day in the
account's time zone (UTC unless configured).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, tzinfo

from .responses import PardotApiError

__all__ = ["ConcurrencyGate", "DailyQuota"]


class ConcurrencyGate:
    """Counts requests in flight per business unit and refuses the one over the limit.

    It also records, per unit, the most requests that were in flight at once counting the one
    arriving (so a sixth concurrent request makes the peak 6 even though it is refused) and how many
    requests it refused: the figures that prove a client kept to the limit.
    """

    def __init__(self, limit: int = 5, *, status: int = 400) -> None:
        self.limit = limit
        self.status = status
        self._lock = threading.Condition()
        self._in_flight: dict[str, int] = {}
        self._peaks: dict[str, int] = {}
        self._refused = 0

    @contextmanager
    def enter(self, business_unit: str) -> Iterator[None]:
        """Hold one of the unit's slots for the duration of a request, or raise code 66."""
        with self._lock:
            current = self._in_flight.get(business_unit, 0)
            self._peaks[business_unit] = max(self._peaks.get(business_unit, 0), current + 1)
            if current >= self.limit:
                self._refused += 1
                raise PardotApiError(self.status, 66)
            self._in_flight[business_unit] = current + 1
            self._lock.notify_all()
        try:
            yield
        finally:
            with self._lock:
                self._in_flight[business_unit] -= 1
                self._lock.notify_all()

    def in_flight(self, business_unit: str) -> int:
        """How many requests of that unit are being served right now."""
        with self._lock:
            return self._in_flight.get(business_unit, 0)

    def peaks(self) -> dict[str, int]:
        """Per unit, the most requests in flight at once since the start (or the last reset)."""
        with self._lock:
            return dict(self._peaks)

    def refused(self) -> int:
        """Requests refused with code 66 since the start (or the last reset)."""
        with self._lock:
            return self._refused

    def reset_counters(self) -> None:
        """Forget the peaks and refusals (requests in flight stay counted)."""
        with self._lock:
            self._peaks = {}
            self._refused = 0

    def wait_for(self, business_unit: str, count: int, timeout: float) -> bool:
        """Block until ``count`` requests of the unit are in flight (tests use this to line up)."""
        with self._lock:
            return self._lock.wait_for(lambda: self._in_flight.get(business_unit, 0) >= count, timeout)


class DailyQuota:
    """API calls per business unit per local day; the call over ``limit`` gets code 122."""

    def __init__(
        self, limit: int = 100_000, *, status: int = 429, tz: tzinfo = UTC, clock: Callable[[], datetime] | None = None
    ) -> None:
        self.limit = limit
        self.status = status
        self.tz = tz
        self._clock = clock or (lambda: datetime.now(UTC))
        self._lock = threading.Lock()
        self._used: dict[tuple[str, str], int] = {}

    def spend(self, business_unit: str) -> int:
        """Count one call and return today's total, or raise code 122 when the quota is used up."""
        key = self._today(business_unit)
        with self._lock:
            used = self._used.get(key, 0)
            if used >= self.limit:
                raise PardotApiError(self.status, 122)
            self._used[key] = used + 1
            return used + 1

    def used(self, business_unit: str) -> int:
        """Calls counted today for that unit."""
        with self._lock:
            return self._used.get(self._today(business_unit), 0)

    def _today(self, business_unit: str) -> tuple[str, str]:
        """The counter key: the unit and today's date in the account's time zone."""
        return (business_unit, self._clock().astimezone(self.tz).date().isoformat())
