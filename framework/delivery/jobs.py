"""The delivery queue's records: a job (one event for one subscription), its attempts and its settlement.

A job is the unit the engine acknowledges. It is created when an event is accepted for a subscription
whose trigger matches, claimed by a worker, and settled exactly once per attempt: delivered, retried
later, or dead-lettered. Everything here is plain data so any backend (SQLite, PostgreSQL) stores it
the same way and the retry policy can decide without touching storage.
"""

from __future__ import annotations

import enum
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import orjson

__all__ = [
    "JobState",
    "NewJob",
    "encode_event",
    "Job",
    "Attempt",
    "Settlement",
    "EnqueueResult",
    "QueueStats",
    "StatsRow",
    "DeadLetterSelection",
    "PendingPoll",
    "JOB_COLUMNS",
]


class JobState(enum.StrEnum):
    """Where a job is. ``queued``, ``running`` and ``polling`` are unfinished; the rest are final."""

    QUEUED = "queued"  # waiting to be claimed (maybe not before ``not_before``: a scheduled retry)
    RUNNING = "running"  # claimed by a worker that has not settled it yet
    POLLING = "polling"  # in an async batch the destination is still working on (see ``PendingPoll``)
    DELIVERED = "delivered"  # the destination accepted it
    FILTERED = "filtered"  # the trigger no longer matched when the job ran (the instance changed)
    INVALID = "invalid"  # the event or its mapped payload can never be sent as is
    DEAD = "dead"  # a terminal failure, or the give-up window ran out: a dead letter

    @property
    def finished(self) -> bool:
        """True for the states a job never leaves by itself (``dlq retry`` may re-queue dead letters)."""
        return self not in (JobState.QUEUED, JobState.RUNNING, JobState.POLLING)


@dataclass(frozen=True)
class NewJob:
    """A job to enqueue. ``(instance_id, subscription, message_id)`` is its identity: a second
    enqueue of the same identity is a duplicate and changes nothing.

    ``ordering_key`` (None: no ordering) makes jobs of one user run one after another, in enqueue
    order, with a failed one holding the later ones back until it is settled. ``account_key`` names
    the destination account whose concurrency limit the job counts against.
    """

    instance_id: str
    subscription: int
    message_id: str
    event: dict[str, Any]
    account_key: str
    ordering_key: str | None = None
    subscription_name: str = ""
    encoded: str | None = field(default=None, repr=False, compare=False)  # event_json() already computed

    def event_json(self) -> str:
        """The event as stored: compact JSON, non-ASCII kept (computed once by the intake when it can)."""
        if self.encoded is not None:
            return self.encoded
        return encode_event(self.event)


def encode_event(event: Any) -> str:
    """An event as a job stores it, and as Segment measures its size: compact JSON, non-ASCII kept.

    orjson writes the same text as ``json.dumps(..., ensure_ascii=False, separators=(",", ":"))`` about
    ten times faster (the intake's hot path); what it refuses (integers beyond 64 bits, NaN, non-string
    keys) goes through the standard library, which writes it as before.
    """
    try:
        return orjson.dumps(event).decode()
    except (TypeError, orjson.JSONEncodeError):
        return json.dumps(event, ensure_ascii=False, separators=(",", ":"))


JOB_COLUMNS = (
    "id, instance_id, subscription, subscription_name, message_id, event, account_key, ordering_key, "
    "state, attempts, tries, enqueued_at, not_before, last_error"
)
"""The columns every backend selects for a job, in the order ``Job.from_row`` reads them."""


@dataclass(frozen=True)
class Job:
    """A claimed (or inspected) job, as the backend holds it."""

    id: int
    instance_id: str
    subscription: int
    subscription_name: str
    message_id: str
    event: dict[str, Any]
    account_key: str
    ordering_key: str | None
    state: JobState
    attempts: int  # attempts counted against the give-up window so far (rate-limited ones are not)
    enqueued_at: float
    not_before: float
    last_error: str = ""
    tries: int = 0  # every attempt made, rate-limited ones included: the next attempt's number is tries + 1

    @classmethod
    def from_row(cls, row: Sequence[Any], event: dict[str, Any]) -> Job:
        """A job from a row of ``JOB_COLUMNS``; ``event`` is the row's event already decoded (each backend
        stores it its own way)."""
        (job_id, instance_id, subscription, name, message_id, _stored_event, account_key, ordering_key, state,
         attempts, tries, enqueued_at, not_before, last_error) = row  # fmt: skip
        return cls(job_id, instance_id, subscription, name, message_id, event, account_key, ordering_key,
                   JobState(state), attempts, enqueued_at, not_before, last_error, tries)  # fmt: skip


@dataclass(frozen=True)
class Attempt:
    """One try at delivering a job, as stored for ``dlq show`` and reports. Never holds a secret:
    ``request`` is the redacted exchange (method, url, headers, body) the runtime recorded."""

    job_id: int
    number: int
    started_at: float
    latency_ms: float
    status: str  # the runtime's status: delivered, invalid, failed
    resolution: str | None
    http_status: int | None = None
    error_code: str | None = None
    message: str = ""
    request: dict[str, Any] | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready fields, for reports and ``dlq show --json``."""
        return {
            "job_id": self.job_id,
            "attempt": self.number,
            "started_at": self.started_at,
            "latency_ms": round(self.latency_ms, 3),
            "status": self.status,
            "resolution": self.resolution,
            "http_status": self.http_status,
            "error_code": self.error_code,
            "message": self.message,
            "request": self.request,
        }


@dataclass(frozen=True)
class Settlement:
    """What becomes of a claimed job after one attempt; the backend applies it atomically.

    ``state`` is QUEUED for a retry (``not_before`` says when), else a final state. ``counts_attempt``
    is False for attempts that must not burn the give-up window (rate limits, a parked quota).
    ``attempted`` is False for a job handed back untried (the rest of a merged run after an earlier
    call of the run failed): it goes back to ``queued`` and its try count does not change.
    """

    job_id: int
    state: JobState
    reason: str = ""
    not_before: float = 0.0
    counts_attempt: bool = True
    attempt: Attempt | None = None
    attempted: bool = True


@dataclass(frozen=True)
class EnqueueResult:
    """The answer to one enqueue call: how many jobs were new, and the duplicates' current states."""

    added: int
    duplicates: dict[JobState, int] = field(default_factory=dict)
    # The identities (instance_id, subscription, message_id) of duplicates already finished when this
    # enqueue looked: a run counts them as "done before", never also by a worker's outcome for them.
    finished: frozenset[tuple[str, int, str]] = frozenset()

    @property
    def duplicate_count(self) -> int:
        """Jobs that were already in the queue (from an earlier run or an earlier request)."""
        return sum(self.duplicates.values())


@dataclass(frozen=True)
class StatsRow:
    """Job counts of one instance and subscription, by state (``parked``: queued behind a paused account)."""

    instance_id: str
    subscription: int
    subscription_name: str
    counts: dict[str, int]


@dataclass(frozen=True)
class QueueStats:
    """Counts per instance and subscription, plus the accounts that are paused and why."""

    rows: list[StatsRow]
    paused_accounts: dict[str, tuple[float, str]] = field(default_factory=dict)

    def total(self, state: str) -> int:
        """One state's count over every row."""
        return sum(row.counts.get(state, 0) for row in self.rows)


@dataclass(frozen=True)
class DeadLetterSelection:
    """Which dead letters ``dlq list``/``retry``/``purge`` act on; None means any."""

    instance_id: str | None = None
    reason: str | None = None  # a substring of the last error, case-insensitive
    since: float | None = None  # enqueued at or after this epoch time
    states: tuple[JobState, ...] = (JobState.DEAD, JobState.INVALID)
    subscription: int | None = None  # only this subscription index (with instance_id)
    after_id: int = 0  # only jobs whose id is greater: a page of a listing starts after the last one shown


@dataclass(frozen=True)
class PendingPoll:
    """An async batch a destination is working on: its stored reference and the jobs it stands for.

    ``pending`` is ``framework.runtime.PendingBatch.to_dict()``; ``job_ids[i]`` is the job of the
    event at position ``i`` of the batch as it was submitted. The jobs wait in ``polling``.
    """

    id: int
    instance_id: str
    subscription: int
    account_key: str
    pending: dict[str, Any]
    job_ids: tuple[int, ...]
    polls: int = 0  # polls made so far
    created_at: float = 0.0
