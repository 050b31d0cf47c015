"""Writing settlements into the SQLite queue in as few statements as the settlements allow.

The delivery loop settles a few jobs per transaction (a slot's run, every slot that finished since
the last look), nearly always alike: delivered, no reason, one attempt each. Each sqlite3 statement
releases and re-takes the GIL once per step, and the delivery threads are waiting for it, so a
transaction costs about its number of statements: the settlements are grouped by what they write
(state, retry time, counts, reason) into one ``UPDATE … WHERE id IN (?, …)`` per group, and their
attempt records go into one multi-row ``INSERT`` (at most 50 jobs a statement, so that the texts the
statement cache holds stay few).

The result is the one settling each job in turn would give: a job is settled only while it is
``running`` or ``polling`` (the first of two settlements of one job wins, the second finds it
settled), and its attempt record is written whatever the job's state (the later of two records of one
attempt number replaces the earlier, rows being inserted in order).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from functools import cache
from typing import TypeVar

from framework.delivery.jobs import Attempt, JobState, Settlement

__all__ = ["apply_settlements", "chunks", "ROWS_PER_STATEMENT"]

ROWS_PER_STATEMENT = 50  # job ids or attempt rows in one statement at most: 50 texts of each kind cached
_REQUEST_ENCODER = json.JSONEncoder(ensure_ascii=False)  # json.dumps(…, ensure_ascii=False), built once
_ATTEMPT_COLUMNS = 10
_RETRY = (
    "UPDATE jobs SET state = 'queued', worker_id = NULL, not_before = ?, attempts = attempts + ?,"
    " tries = tries + ?, last_error = ? WHERE id IN ({ids}) AND state IN ('running', 'polling')"
)
_FINAL = (
    "UPDATE jobs SET state = ?, worker_id = NULL, settled_at = ?, attempts = attempts + ?,"
    " tries = tries + ?, last_error = ? WHERE id IN ({ids}) AND state IN ('running', 'polling')"
)
# What one UPDATE writes: (state, not_before or settled_at, attempts added, tries added, reason).
_Group = tuple[str, float, int, int, str]
_Item = TypeVar("_Item")


def apply_settlements(db: sqlite3.Connection, settlements: Sequence[Settlement], now: float) -> None:
    """Settle these jobs (``now``: the final ones' ``settled_at``) and store their attempt records."""
    for (state, when, counted, tried, reason), job_ids in _groups(settlements, now).items():
        for ids in chunks(job_ids):
            if state == JobState.QUEUED.value:
                db.execute(_settle_sql(_RETRY, len(ids)), (when, counted, tried, reason, *ids))
            else:
                db.execute(_settle_sql(_FINAL, len(ids)), (state, when, counted, tried, reason, *ids))
    attempts = [settlement.attempt for settlement in settlements if settlement.attempt is not None]
    for chunk in chunks(attempts):
        db.execute(_insert_attempts(len(chunk)), [value for attempt in chunk for value in _attempt_row(attempt)])


def chunks(items: list[_Item]) -> list[list[_Item]]:
    """``items`` cut into lists of ``ROWS_PER_STATEMENT`` at most (one statement each)."""
    return [items[start : start + ROWS_PER_STATEMENT] for start in range(0, len(items), ROWS_PER_STATEMENT)]


def _groups(settlements: Sequence[Settlement], now: float) -> dict[_Group, list[int]]:
    """The job ids of each kind of write, each job once (its first settlement: a later one would find
    it settled already)."""
    groups: dict[_Group, list[int]] = {}
    seen: set[int] = set()
    for settlement in settlements:
        if settlement.job_id in seen:
            continue
        seen.add(settlement.job_id)
        retry = settlement.state is JobState.QUEUED
        group = (
            settlement.state.value,
            settlement.not_before if retry else now,
            1 if settlement.counts_attempt and settlement.attempted else 0,
            1 if settlement.attempted else 0,
            settlement.reason,
        )
        groups.setdefault(group, []).append(settlement.job_id)
    return groups


@cache
def _settle_sql(template: str, ids: int) -> str:
    """``template`` for ``ids`` job ids (placeholders: cheaper than a JSON array for SQLite to read)."""
    return template.format(ids=", ".join("?" * ids))


@cache
def _insert_attempts(rows: int) -> str:
    """``INSERT OR REPLACE`` of ``rows`` attempt records (the text for each count made once)."""
    values = "(" + ", ".join("?" * _ATTEMPT_COLUMNS) + ")"
    return "INSERT OR REPLACE INTO attempts VALUES " + ", ".join([values] * rows)


def _request_text(request: dict[str, object]) -> str:
    """The stored request's JSON; a success stores ``{"status": N}`` alone, whose text is kept per status
    (the encoder's call was most of what recording a success cost)."""
    status = request.get("status")
    if len(request) == 1 and type(status) is int:
        text = _STATUS_ONLY.get(status)
        if text is None:
            text = _STATUS_ONLY[status] = _REQUEST_ENCODER.encode(request)
        return text
    return _REQUEST_ENCODER.encode(request)


_STATUS_ONLY: dict[int, str] = {}  # {200: '{"status": 200}'}: a few statuses, made once each


def _attempt_row(attempt: Attempt) -> tuple[object, ...]:
    request = None if attempt.request is None else _request_text(attempt.request)
    return (
        attempt.job_id,
        attempt.number,
        attempt.started_at,
        attempt.latency_ms,
        attempt.status,
        attempt.resolution,
        attempt.http_status,
        attempt.error_code,
        attempt.message,
        request,
    )
