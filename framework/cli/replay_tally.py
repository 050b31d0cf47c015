"""What happened in a replay, counted: events read, bad lines, per-subscription outcomes, top reasons.

Every event yields one result per subscription (``delivered``, ``filtered``, ``invalid``, ``failed``);
the tally keeps the counts per subscription and the most common reasons for ``invalid`` and ``failed``,
which is what an operator reads first ("400 code 180 ×812: that custom field does not exist").
Thread-safe: results arrive from worker threads.
"""

from __future__ import annotations

import threading
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from framework.cli.table import render_table
from framework.events import BadLine

if TYPE_CHECKING:
    from framework.instance import SubscriptionResult

__all__ = ["ReplayTally", "STATUSES", "result_fields"]

STATUSES = ("delivered", "filtered", "invalid", "failed")
_TOP_REASONS = 5
_BAD_LINES_SHOWN = 20


def result_fields(result: SubscriptionResult) -> dict[str, Any]:
    """One SubscriptionResult as plain JSON-ready data (status, reason, HTTP status, error code).

    ``result.to_dict()`` without the payload and the exchanges: reports carry outcomes, not requests.
    """
    return {
        "subscription": result.subscription,
        "action": result.action,
        "status": result.status.value,
        "reason": result.reason,
        "http_status": result.http_status,
        "error_code": result.error_code,
        "resolution": result.resolution.value if result.resolution is not None else None,
    }


@dataclass
class ReplayTally:
    """Counts for the summary table; ``add_*`` may be called from any thread."""

    events_read: int = 0
    skipped: int = 0
    crashed: int = 0
    bad_lines: list[BadLine] = field(default_factory=list)
    counts: dict[str, Counter[str]] = field(default_factory=dict)
    reasons: Counter[tuple[str, str, str]] = field(default_factory=Counter)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def add_event(self) -> None:
        """One event was read (whether or not it is sent)."""
        with self._lock:
            self.events_read += 1

    def add_skipped(self) -> None:
        """One event was skipped because ``--resume`` says it was delivered before."""
        with self._lock:
            self.skipped += 1

    def add_bad_line(self, bad: BadLine) -> None:
        """A line that is not an event (kept to list under the table)."""
        with self._lock:
            self.bad_lines.append(bad)

    def add_results(self, results: list[SubscriptionResult]) -> None:
        """The per-subscription results of one event."""
        with self._lock:
            for result in results:
                data = result_fields(result)
                counts = self.counts.setdefault(data["subscription"], Counter())
                counts[data["status"]] += 1
                if data["status"] in ("invalid", "failed"):
                    self.reasons[(data["status"], data["subscription"], _reason_text(data))] += 1

    def add_crash(self, reason: str) -> None:
        """An event whose send raised instead of returning results (a bug, counted as failed)."""
        with self._lock:
            self.crashed += 1
            self.reasons[("failed", "(runtime)", reason)] += 1

    def total(self, status: str) -> int:
        """How many results had ``status``, over every subscription."""
        return sum(counts[status] for counts in self.counts.values()) + (self.crashed if status == "failed" else 0)

    def summary(self) -> dict[str, Any]:
        """The tally as data, for ``--report json``."""
        return {
            "events_read": self.events_read,
            "skipped_already_delivered": self.skipped,
            "bad_lines": len(self.bad_lines),
            "subscriptions": {name: {s: counts[s] for s in STATUSES} for name, counts in self.counts.items()},
            "top_reasons": [
                {"status": status, "subscription": name, "reason": reason, "count": count}
                for (status, name, reason), count in self.reasons.most_common(_TOP_REASONS)
            ],
        }

    def render(self) -> str:
        """The human summary: totals line, the per-subscription table, bad lines, top reasons."""
        parts = [self._headline()]
        if self.counts:
            rows = [[name] + [counts[s] for s in STATUSES] for name, counts in self.counts.items()]
            parts.append(render_table(["subscription", *STATUSES], rows))
        if self.bad_lines:
            parts.append(self._bad_lines_text())
        if self.reasons:
            lines = [f"  {count:>5}  {status:<7}  {name}: {reason}" for (status, name, reason), count in self.reasons.most_common(_TOP_REASONS)]
            parts.append("Top reasons (invalid / failed):\n" + "\n".join(lines))
        return "\n\n".join(parts)

    def _headline(self) -> str:
        text = f"Events read: {self.events_read}   Bad lines: {len(self.bad_lines)}"
        if self.skipped:
            text += f"   Skipped (already delivered): {self.skipped}"
        return text

    def _bad_lines_text(self) -> str:
        lines = [f"  {bad}" for bad in self.bad_lines[:_BAD_LINES_SHOWN]]
        if len(self.bad_lines) > _BAD_LINES_SHOWN:
            lines.append(f"  ... and {len(self.bad_lines) - _BAD_LINES_SHOWN} more (see --report json)")
        return "Bad lines (skipped):\n" + "\n".join(lines)


def _reason_text(data: dict[str, Any]) -> str:
    reason = str(data.get("reason") or "no reason given")
    status = data.get("http_status")
    code = data.get("error_code")
    prefix = " ".join(part for part in (f"HTTP {status}" if status else "", f"code {code}" if code else "") if part)
    return f"{prefix}: {reason}" if prefix else reason
