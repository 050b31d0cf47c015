"""What became of every event a command read, counted so that the totals reconcile.

For each subscription, every event read ends in exactly one column::

    read = filtered + invalid + repeated + done before + delivered + dead-lettered + still queued

``filtered`` and ``invalid`` count both intake (the trigger did not match; the event is malformed or
too large) and delivery (the mapped payload was refused); ``repeated`` is a messageId seen earlier
in the same input (dedup keeps one job); ``done before`` is a job an earlier run already finished
(the dedup of a re-run); ``still queued`` is what is waiting for a retry or a paused account when
the command stopped. Lines that are not events are counted apart, with their file:line.

A job of this run that another run's worker settled (two replays of one file at once) is counted in
the column of its final state, read back from the queue when this run's worker stops, and in
``settled_by_other_runs``. Outcomes of jobs this run did not enqueue (queued earlier for the same instance, by ``actions
enqueue`` or another run) are counted apart too, so they never break the reconciliation. The tally
is fed from two threads (the intake, and whichever worker thread settles), so its updates hold a lock.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from framework.delivery.jobs import Job, JobState
from framework.delivery.outcome import DeliveryOutcome

__all__ = ["RunTally", "SubscriptionCounts", "COLUMNS", "TOP_REASONS"]

COLUMNS = ("read", "filtered", "invalid", "repeated", "done_before", "delivered", "dead_lettered", "still_queued")
TOP_REASONS = 5
_BAD_LINES_KEPT = 20
_FINAL_COLUMN = {
    JobState.DELIVERED: "delivered",
    JobState.FILTERED: "filtered",
    JobState.INVALID: "invalid",
    JobState.DEAD: "dead_lettered",
}


@dataclass
class SubscriptionCounts:
    """One subscription's columns (``expected``: this run's jobs whose outcome is still to come)."""

    name: str
    counts: Counter[str] = field(default_factory=Counter)
    expected: int = 0
    retries: int = 0
    merged: int = 0  # delivered in a call merged with other events (issue 10)
    batched: int = 0  # delivered through the action's perform_batch

    def row(self) -> dict[str, int]:
        """The reconciled columns; ``still_queued`` is what was expected and never settled."""
        row = {column: self.counts[column] for column in COLUMNS}
        row["still_queued"] = self.expected
        return row


@dataclass
class RunTally:
    """Counts per subscription, bad lines, and the most common reasons for what was not delivered."""

    events_read: int = 0
    bad_line_count: int = 0
    bad_lines: list[str] = field(default_factory=list)  # the first few, as "path:line: reason"
    subscriptions: dict[int, SubscriptionCounts] = field(default_factory=dict)
    reasons: Counter[tuple[str, str, str]] = field(default_factory=Counter)
    examples: dict[tuple[str, str, str], str] = field(default_factory=dict)  # reason → first file:line or messageId
    others: Counter[str] = field(default_factory=Counter)  # outcomes of jobs enqueued before this run
    settled_by_other_runs: int = 0  # this run's jobs another run's worker settled (see add_settled_elsewhere)
    dry_run: bool = False
    # False when no worker reports to this tally (``actions enqueue``): the jobs' ids are then not kept,
    # so memory stays small however large the input (a million events' ids would take ~60 MB).
    expects_outcomes: bool = True
    _seen: set[int] = field(default_factory=set, repr=False)  # (subscription, messageId) read by this run
    _expected: set[int] = field(default_factory=set, repr=False)  # enqueued by this run, outcome still to come
    # Re-entrant: ``holding()`` keeps outcomes out while a batch is enqueued and counted (see ``add_enqueued``).
    _lock: threading.RLock = field(default_factory=threading.RLock, repr=False)

    # -- intake ------------------------------------------------------------------------------------

    def subscription(self, index: int, name: str) -> SubscriptionCounts:
        """The counts of subscription ``index`` (created on first use, in first-seen order)."""
        found = self.subscriptions.get(index)
        if found is None:
            found = self.subscriptions[index] = SubscriptionCounts(name)
        return found

    def add_bad_line(self, text: str) -> None:
        """A line that is not an event: ``path:line: reason``."""
        with self._lock:
            self.bad_line_count += 1
            if len(self.bad_lines) < _BAD_LINES_KEPT:
                self.bad_lines.append(text)

    def add_intake(self, index: int, name: str, column: str, reason: str = "", where: str = "") -> None:
        """An event that stopped at intake for one subscription (``filtered``, ``invalid``, ``repeated``,
        ``done_before``)."""
        with self._lock:
            counts = self.subscription(index, name)
            counts.counts["read"] += 1
            counts.counts[column] += 1
            if column == "invalid":
                self._reason("invalid", name, reason, where)

    def first_sighting(self, index: int, message_id: str) -> bool:
        """False when this run already read ``message_id`` for this subscription (a repeat in the input)."""
        with self._lock:
            key = hash((index, message_id))
            if key in self._seen:
                return False
            self._seen.add(key)
            return True

    def holding(self) -> threading.RLock:
        """Hold this while enqueueing a batch and calling ``add_enqueued``: a worker delivering the same
        jobs at the same time then reports their outcomes only after they are counted as this run's, and
        a job an earlier run queued and this run's worker finished before the batch reached the queue is
        counted once (as done before), never also as delivered."""
        return self._lock

    def add_enqueued(self, index: int, name: str, jobs: int, done_before: int, message_ids: Iterable[str] = ()) -> None:
        """``jobs`` of this run went to the queue, ``done_before`` of them finished by an earlier run;
        the outcomes of ``message_ids`` (this subscription's jobs in the batch) are this run's to count."""
        with self._lock:
            if self.expects_outcomes:
                self._expected.update(hash((index, message_id)) for message_id in message_ids)
            counts = self.subscription(index, name)
            counts.counts["read"] += jobs
            counts.counts["done_before"] += done_before
            counts.expected += jobs - done_before

    # -- delivery ----------------------------------------------------------------------------------

    def add_outcome(self, outcome: DeliveryOutcome) -> None:
        """A settled attempt reported by the worker."""
        with self._lock:
            name = outcome.subscription_name or str(outcome.subscription)
            if outcome.state is JobState.QUEUED:
                self.subscription(outcome.subscription, name).retries += 1
                return
            column = _FINAL_COLUMN[outcome.state]
            key = hash((outcome.subscription, outcome.message_id))
            if key not in self._expected:
                self.others[column] += 1
                return
            self._expected.discard(key)
            counts = self.subscription(outcome.subscription, name)
            counts.counts[column] += 1
            counts.expected -= 1
            if column == "delivered" and outcome.batched:
                counts.batched += 1
            elif column == "delivered" and outcome.merged_with:
                counts.merged += 1
            if column in ("invalid", "dead_lettered"):
                self._reason(column, name, outcome.reason, outcome.message_id)

    @property
    def awaiting_outcomes(self) -> int:
        """This run's jobs whose outcome no worker of this run has reported."""
        with self._lock:
            return len(self._expected)

    def add_settled_elsewhere(self, finished_jobs: Iterable[Job]) -> None:
        """Count this run's jobs another run's worker settled (two replays of one file at once).

        Each such job is counted in the column of its final state, as if this run had delivered it,
        and in ``settled_by_other_runs``, so "still queued" says only what is really still queued.
        """
        with self._lock:
            for job in finished_jobs:
                if not self._expected:
                    return
                key = hash((job.subscription, job.message_id))
                column = _FINAL_COLUMN.get(job.state)
                if column is None or key not in self._expected:
                    continue
                self._expected.discard(key)
                counts = self.subscription(job.subscription, job.subscription_name or str(job.subscription))
                counts.counts[column] += 1
                counts.expected -= 1
                self.settled_by_other_runs += 1
                if column in ("invalid", "dead_lettered"):
                    self._reason(column, counts.name, job.last_error, job.message_id)

    def add_result(self, index: int, name: str, status: str, reason: str, where: str) -> None:
        """A dry run's result (no queue): ``delivered`` means a request was built."""
        with self._lock:
            counts = self.subscription(index, name)
            counts.counts["read"] += 1
            column = {"failed": "dead_lettered"}.get(status, status)
            counts.counts[column] += 1
            if column in ("invalid", "dead_lettered"):
                self._reason(column, name, reason, where)

    def _reason(self, status: str, name: str, reason: str, where: str) -> None:
        key = (status, name, reason or "no reason given")
        self.reasons[key] += 1
        if where and key not in self.examples:
            self.examples[key] = where

    # -- reading it --------------------------------------------------------------------------------

    def total(self, column: str) -> int:
        """A column's total over every subscription."""
        return sum(counts.row()[column] for counts in self.subscriptions.values())

    def reconciles(self) -> bool:
        """True when, for every subscription, read equals the sum of the other columns."""
        return all(
            row["read"] == sum(row[c] for c in COLUMNS[1:]) and row["still_queued"] >= 0
            for row in (counts.row() for counts in self.subscriptions.values())
        )

    def summary(self) -> dict[str, Any]:
        """Everything as data, for ``--report json`` and for the human table."""
        top = self.reasons.most_common(TOP_REASONS)
        return {
            "events_read": self.events_read,
            "bad_lines": self.bad_line_count,
            "dry_run": self.dry_run,
            "subscriptions": [
                {
                    "index": index,
                    "subscription": counts.name,
                    **counts.row(),
                    "retries": counts.retries,
                    "merged": counts.merged,
                    "batched": counts.batched,
                }
                for index, counts in self.subscriptions.items()
            ],
            "reconciles": self.reconciles(),
            "top_reasons": [
                {
                    "status": status,
                    "subscription": name,
                    "reason": reason,
                    "count": count,
                    "example": self.examples.get((status, name, reason), ""),
                }
                for (status, name, reason), count in top
            ],
            "more_reasons": max(0, len(self.reasons) - TOP_REASONS),
            "earlier_jobs_finished": dict(self.others),
            "settled_by_other_runs": self.settled_by_other_runs,
        }
