"""The embedded queue backend: one SQLite file (stdlib ``sqlite3``, WAL), no server, the default.

Every method is one short transaction on one connection per process, guarded by a lock (SQLite
serialises writers anyway). Several processes may share the file (``actions worker`` next to
``actions serve``): ``claim`` runs under ``BEGIN IMMEDIATE`` so two of them never take the same job,
and ``recover`` tells a dead worker by its process id, since every process of a SQLite queue runs on
this machine.

Durability: WAL with ``synchronous=NORMAL`` survives a killed process (``kill -9``) with every
committed transaction; add ``?synchronous=full`` to the URL to survive a power cut as well.
"""

from __future__ import annotations

import json
import os
import socket
import sqlite3
import threading
import time
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from dataclasses import replace
from functools import cache
from pathlib import Path
from typing import Any

from framework.delivery import attempt_latency, quota_usage
from framework.delivery.jobs import (
    JOB_COLUMNS,
    Attempt,
    DeadLetterSelection,
    EnqueueResult,
    Job,
    JobState,
    NewJob,
    PendingPoll,
    QueueStats,
    Settlement,
    StatsRow,
)
from framework.delivery.private_files import (
    create_private_file,
    create_private_folder,
    sqlite_companions,
    warn_if_readable_by_others,
)
from framework.delivery.queue_file_problems import check_before_opening, explain
from framework.delivery.sqlite_settle import apply_settlements, chunks
from framework.delivery.sqlite_token_store import SqliteTokenStore
from framework.delivery.wakeups import QueueChanges, Unsubscribe

__all__ = ["SqliteQueue"]

_SCHEMA_VERSION = 2  # 2: lane runs and batches (claim_group), async batches (polls)
_SCHEMA = """
CREATE TABLE IF NOT EXISTS jobs (
    id INTEGER PRIMARY KEY,
    instance_id TEXT NOT NULL,
    subscription INTEGER NOT NULL,
    subscription_name TEXT NOT NULL DEFAULT '',
    message_id TEXT NOT NULL,
    account_key TEXT NOT NULL,
    ordering_key TEXT,
    event TEXT NOT NULL,
    state TEXT NOT NULL DEFAULT 'queued',
    attempts INTEGER NOT NULL DEFAULT 0,
    tries INTEGER NOT NULL DEFAULT 0,
    enqueued_at REAL NOT NULL,
    not_before REAL NOT NULL DEFAULT 0,
    settled_at REAL,
    worker_id TEXT,
    last_error TEXT NOT NULL DEFAULT '',
    claim_group INTEGER,
    UNIQUE (instance_id, subscription, message_id)
);
CREATE INDEX IF NOT EXISTS jobs_queued ON jobs (instance_id, id) WHERE state = 'queued';
CREATE INDEX IF NOT EXISTS jobs_lane_open ON jobs (ordering_key, id) WHERE state IN ('queued', 'running', 'polling');
CREATE INDEX IF NOT EXISTS jobs_running ON jobs (account_key, worker_id) WHERE state = 'running';
CREATE INDEX IF NOT EXISTS jobs_letters ON jobs (state, id) WHERE state IN ('dead', 'invalid');
CREATE TABLE IF NOT EXISTS attempts (
    job_id INTEGER NOT NULL,
    number INTEGER NOT NULL,
    started_at REAL NOT NULL,
    latency_ms REAL NOT NULL,
    status TEXT NOT NULL,
    resolution TEXT,
    http_status INTEGER,
    error_code TEXT,
    message TEXT NOT NULL DEFAULT '',
    request TEXT,
    PRIMARY KEY (job_id, number)
);
CREATE TABLE IF NOT EXISTS account_pauses (
    account_key TEXT PRIMARY KEY, until REAL NOT NULL, reason TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS workers (
    id TEXT PRIMARY KEY, pid INTEGER NOT NULL, host TEXT NOT NULL, heartbeat REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS tokens (key TEXT PRIMARY KEY, data TEXT NOT NULL, updated_at REAL NOT NULL);
CREATE TABLE IF NOT EXISTS polls (
    id INTEGER PRIMARY KEY, instance_id TEXT NOT NULL, subscription INTEGER NOT NULL, account_key TEXT NOT NULL,
    pending TEXT NOT NULL, job_ids TEXT NOT NULL, poll_at REAL NOT NULL, polls INTEGER NOT NULL DEFAULT 0,
    created_at REAL NOT NULL
);
"""
_MIGRATE_FROM_1 = """
ALTER TABLE jobs ADD COLUMN claim_group INTEGER;
DROP INDEX IF EXISTS jobs_lane;
"""
# A job at the head of its user's lane: no earlier job with its ordering key is unfinished.
_LANE_HEAD = (
    "(j.ordering_key IS NULL OR NOT EXISTS (SELECT 1 FROM jobs AS e WHERE e.ordering_key = j.ordering_key"
    " AND e.id < j.id AND e.state IN ('queued', 'running', 'polling')))"
)
_UNFINISHED = "('queued', 'running', 'polling')"
# Whether a job's lane has an unfinished job after it: only then can a claimed head have followers.
_HAS_NEXT = (
    "EXISTS (SELECT 1 FROM jobs AS f WHERE f.ordering_key = j.ordering_key AND f.id > j.id"
    " AND f.state IN ('queued', 'running', 'polling'))"
)
# One statement, so a claim pays one round for both: running calls per account (the jobs claimed
# together for one call, a lane run or a batch, count once), then the accounts paused now.
_CAPACITY = (
    "SELECT account_key, count(DISTINCT coalesce(claim_group, id)), 0 FROM jobs WHERE state = 'running'"
    " GROUP BY account_key UNION ALL SELECT account_key, 0, 1 FROM account_pauses WHERE until > ?"
)
# Claimed heads are their own claim group; their followers, as (head id, job id) pairs in one JSON
# array, take their head's (one statement for any number of runs).
_MARK_HEADS = "UPDATE jobs SET state = 'running', worker_id = ?, claim_group = id WHERE id IN ({ids})"
_MARK_FOLLOWERS = (
    "UPDATE jobs SET state = 'running', worker_id = ?, claim_group = claimed.value ->> 0"
    " FROM json_each(?) AS claimed WHERE jobs.id = claimed.value ->> 1"
)
_JOB_COLUMN_NAMES = [name.strip() for name in JOB_COLUMNS.split(",")]
_JOB_COLUMN_COUNT = len(_JOB_COLUMN_NAMES)
_STATE_COLUMN = _JOB_COLUMN_NAMES.index("state")
_ACCOUNT_COLUMN = _JOB_COLUMN_NAMES.index("account_key")
_BUSY_TIMEOUT_MS = 30_000
# Prepared statements kept (sqlite3's default: 128): claims and settlements have a text per count of
# jobs (up to chunks' 50) besides the fixed ones.
_CACHED_STATEMENTS = 512


class SqliteQueue:
    """The ``JobQueue`` port on one SQLite file (created with its folder when missing)."""

    def __init__(self, path: str | os.PathLike[str], *, synchronous: str = "normal") -> None:
        self.path = Path(path)
        self.url = "sqlite://" + (str(self.path) if self.path.is_absolute() else f"/./{self.path}")
        create_private_folder(self.path.parent)
        check_before_opening(self.path)
        if not create_private_file(self.path):
            warn_if_readable_by_others(self.path, *sqlite_companions(self.path))
        self._lock = threading.RLock()
        try:
            self._db = sqlite3.connect(
                self.path,
                timeout=_BUSY_TIMEOUT_MS / 1000,
                isolation_level=None,
                check_same_thread=False,
                cached_statements=_CACHED_STATEMENTS,
            )
            self._db.execute(f"PRAGMA busy_timeout = {_BUSY_TIMEOUT_MS}")
            self._db.execute("PRAGMA journal_mode = WAL")
            self._db.execute(f"PRAGMA synchronous = {_checked_synchronous(synchronous)}")
            self._migrate()
        except sqlite3.Error as error:
            raise explain(self.path, error) from error
        self._tokens = SqliteTokenStore(self._db, self._lock, self.path)
        self._changes = QueueChanges()

    def __repr__(self) -> str:
        return f"SqliteQueue({str(self.path)!r})"

    def _migrate(self) -> None:
        with self._lock:
            version = self._db.execute("PRAGMA user_version").fetchone()[0]
            if version > _SCHEMA_VERSION:
                raise RuntimeError(
                    f"{self.path}: this queue was written by a newer version of action-destinations "
                    f"(schema {version}, this one reads {_SCHEMA_VERSION}); upgrade to use it"
                )
            if version == 1:
                self._db.executescript(_MIGRATE_FROM_1)
            self._db.executescript(_SCHEMA)
            self._db.executescript(quota_usage.SQLITE_SCHEMA)
            self._db.execute(f"PRAGMA user_version = {_SCHEMA_VERSION}")

    def _transaction(self, mode: str = "IMMEDIATE") -> _Transaction:
        return _Transaction(self._db, self._lock, mode)

    # -- producers ----------------------------------------------------------------------------------

    def enqueue(self, jobs: Sequence[NewJob]) -> EnqueueResult:
        if not jobs:
            return EnqueueResult(0)
        now = time.time()
        rows = [
            (
                job.instance_id,
                job.subscription,
                job.subscription_name,
                job.message_id,
                job.account_key,
                job.ordering_key,
                job.event_json(),
                now,
            )
            for job in jobs
        ]
        with self._transaction() as db:
            before = db.total_changes
            db.executemany(
                "INSERT OR IGNORE INTO jobs (instance_id, subscription, subscription_name, message_id, account_key,"
                " ordering_key, event, enqueued_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                rows,
            )
            added = db.total_changes - before
            duplicates: dict[JobState, int] = {}
            finished: frozenset[tuple[str, int, str]] = frozenset()
            if added < len(jobs):
                duplicates, finished = _duplicate_states(db, jobs, now, len(jobs) - added)
        if added:
            self._changes.notify()
        return EnqueueResult(added, duplicates, finished)

    # -- workers ------------------------------------------------------------------------------------

    def register_worker(self, worker_id: str) -> None:
        with self._transaction() as db:
            db.execute(
                "INSERT OR REPLACE INTO workers (id, pid, host, heartbeat) VALUES (?, ?, ?, ?)",
                (worker_id, os.getpid(), socket.gethostname(), time.time()),
            )

    def heartbeat(self, worker_id: str) -> None:
        with self._transaction() as db:
            db.execute("UPDATE workers SET heartbeat = ? WHERE id = ?", (time.time(), worker_id))

    def unregister_worker(self, worker_id: str) -> None:
        with self._transaction() as db:
            put_back = _requeue_held_by(db, [worker_id])
            db.execute("DELETE FROM workers WHERE id = ?", (worker_id,))
        if put_back:
            self._changes.notify()

    def recover(self, stale_after: float) -> int:
        host, now = socket.gethostname(), time.time()
        with self._transaction() as db:
            gone = [
                worker_id
                for worker_id, pid, worker_host, beat in db.execute("SELECT * FROM workers")
                if now - beat > stale_after or (worker_host == host and not _process_alive(pid))
            ]
            db.executemany("DELETE FROM workers WHERE id = ?", [(worker_id,) for worker_id in gone])
            orphans = [
                row[0]
                for row in db.execute(
                    "SELECT DISTINCT worker_id FROM jobs WHERE state = 'running'"
                    " AND (worker_id IS NULL OR worker_id NOT IN (SELECT id FROM workers))"
                )
            ]
            put_back = _requeue_held_by(db, orphans)
        if put_back:
            self._changes.notify()
        return put_back

    def claim(
        self,
        worker_id: str,
        *,
        instances: Collection[str],
        limit: int,
        account_limits: Mapping[str, int],
        lane_run: int = 1,
        skip: Collection[tuple[str, int]] = (),
    ) -> list[Job]:
        if limit <= 0 or not instances:
            return []
        with self._transaction() as db:
            return _claim(db, worker_id, instances, limit, account_limits, lane_run, skip, time.time())

    def settle_and_claim(
        self,
        settlements: Sequence[Settlement],
        worker_id: str,
        *,
        instances: Collection[str],
        limit: int,
        account_limits: Mapping[str, int],
        lane_run: int = 1,
        skip: Collection[tuple[str, int]] = (),
    ) -> list[Job]:
        now = time.time()
        with self._transaction() as db:
            apply_settlements(db, settlements, now)
            claimed = _claim(db, worker_id, instances, limit, account_limits, lane_run, skip, now)
        if settlements:
            self._changes.notify()
        return claimed

    def subscribe_changes(self, callback: Callable[[], None]) -> Unsubscribe:
        return self._changes.subscribe(callback)

    def claim_batch(
        self,
        worker_id: str,
        *,
        instance_id: str,
        subscription: int,
        limit: int,
        account_limits: Mapping[str, int],
        lane_run: int = 1,
        linger: float = 0.0,
    ) -> list[Job]:
        if limit <= 0:
            return []
        now = time.time()
        with self._transaction() as db:
            if db.execute(
                "SELECT 1 FROM polls WHERE instance_id = ? AND subscription = ?", (instance_id, subscription)
            ).fetchone():
                return []  # one async batch of a subscription at a time: its order depends on it
            capacity = _capacity(db, account_limits, now)
            chosen = _choose_batch(db, instance_id, subscription, limit, lane_run, now, capacity)
            if not chosen or (len(chosen) < limit and min(job.enqueued_at for job in chosen) > now - linger):
                return []
            capacity.take(chosen[0].account_key)
            group = chosen[0].id
            db.executemany(
                "UPDATE jobs SET state = 'running', worker_id = ?, claim_group = ? WHERE id = ?",
                [(worker_id, group, job.id) for job in chosen],
            )
        return [_with_state(job, JobState.RUNNING) for job in chosen]

    def start_polling(self, worker_id: str, job_ids: Sequence[int], pending: PendingPoll, poll_at: float) -> int:
        with self._transaction() as db:
            db.executemany(
                "UPDATE jobs SET state = 'polling' WHERE id = ? AND state = 'running' AND worker_id = ?",
                [(job_id, worker_id) for job_id in job_ids],
            )
            cursor = db.execute(
                "INSERT INTO polls (instance_id, subscription, account_key, pending, job_ids, poll_at, created_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    pending.instance_id,
                    pending.subscription,
                    pending.account_key,
                    json.dumps(pending.pending),
                    json.dumps(list(pending.job_ids)),
                    poll_at,
                    time.time(),
                ),
            )
            return int(cursor.lastrowid or 0)

    def claim_polls(self, instances: Collection[str], *, lease: float) -> list[PendingPoll]:
        if not instances:
            return []
        now = time.time()
        with self._transaction() as db:
            rows = db.execute(
                f"SELECT id, instance_id, subscription, account_key, pending, job_ids, polls, created_at FROM polls"
                f" WHERE instance_id IN ({_marks(instances)}) AND poll_at <= ? ORDER BY id",
                (*instances, now),
            ).fetchall()
            db.executemany(
                "UPDATE polls SET poll_at = ?, polls = polls + 1 WHERE id = ?", [(now + lease, row[0]) for row in rows]
            )
        return [
            PendingPoll(
                row[0], row[1], row[2], row[3], json.loads(row[4]), tuple(json.loads(row[5])), row[6] + 1, row[7]
            )
            for row in rows
        ]

    def reschedule_poll(self, poll_id: int, poll_at: float) -> None:
        with self._transaction() as db:
            db.execute("UPDATE polls SET poll_at = ? WHERE id = ?", (poll_at, poll_id))

    def finish_poll(self, poll_id: int, settlements: Sequence[Settlement]) -> None:
        now = time.time()
        with self._transaction() as db:
            apply_settlements(db, settlements, now)
            db.execute("DELETE FROM polls WHERE id = ?", (poll_id,))
        self._changes.notify()

    def settle(self, settlements: Sequence[Settlement]) -> None:
        if not settlements:
            return
        now = time.time()
        with self._transaction() as db:
            apply_settlements(db, settlements, now)
        self._changes.notify()

    def pause_account(self, account_key: str, until: float, reason: str) -> None:
        with self._transaction() as db:
            db.execute(
                "INSERT INTO account_pauses (account_key, until, reason) VALUES (?, ?, ?)"
                " ON CONFLICT (account_key) DO UPDATE SET until = max(until, excluded.until),"
                " reason = excluded.reason",
                (account_key, until, reason),
            )

    def dead_letter_unfinished(self, instance_id: str, reason: str) -> int:
        with self._transaction() as db:
            cursor = db.execute(
                "UPDATE jobs SET state = 'dead', last_error = ?, settled_at = ?"
                " WHERE instance_id = ? AND state = 'queued'",
                (reason, time.time(), instance_id),
            )
            return cursor.rowcount

    def next_due(self, instances: Collection[str]) -> float | None:
        """The earliest ``not_before`` of a queued job at the head of its lane (jobs behind another wait
        for its settlement, not for a time)."""
        marks = _marks(instances)
        with self._lock:
            row = self._db.execute(
                f"SELECT min(not_before) FROM jobs AS j WHERE state = 'queued'"
                f" AND instance_id IN ({marks}) AND {_LANE_HEAD}",
                tuple(instances),
            ).fetchone()
            poll = self._db.execute(
                f"SELECT min(poll_at) FROM polls WHERE instance_id IN ({marks})", tuple(instances)
            ).fetchone()
        times = [value for value in (row[0] if row else None, poll[0] if poll else None) if value is not None]
        return min(times) if times else None

    def unfinished(self, instances: Collection[str]) -> int:
        marks = _marks(instances)
        with self._lock:
            row = self._db.execute(
                f"SELECT count(*) FROM jobs WHERE state IN {_UNFINISHED} AND instance_id IN ({marks})", tuple(instances)
            ).fetchone()
        return int(row[0])

    # -- operators ----------------------------------------------------------------------------------

    def paused_accounts(self) -> dict[str, tuple[float, str]]:
        with self._lock:
            rows = self._db.execute(
                "SELECT account_key, until, reason FROM account_pauses WHERE until > ?", (time.time(),)
            ).fetchall()
        return {key: (until, reason) for key, until, reason in rows}

    def stats(self, instance_id: str | None = None) -> QueueStats:
        now = time.time()
        with self._lock:
            paused = self.paused_accounts()
            where, args = ("WHERE instance_id = ?", (instance_id,)) if instance_id else ("", ())
            rows = self._db.execute(
                f"SELECT instance_id, subscription, max(subscription_name), state, account_key, not_before > ?,"
                f" count(*) FROM jobs {where} GROUP BY instance_id, subscription, state, account_key, not_before > ?",
                (now, *args, now),
            ).fetchall()
        return QueueStats(_stats_rows(rows, paused), paused)

    def settled_counts(self, since: float) -> list[tuple[int, str, int, str, int]]:
        with self._lock:
            rows = self._db.execute(
                "SELECT CAST(settled_at / 60 AS INTEGER) * 60, instance_id, subscription, state, count(*) FROM jobs"
                " WHERE settled_at >= ? AND state NOT IN ('queued', 'running', 'polling') GROUP BY 1, 2, 3, 4",
                (since,),
            ).fetchall()
        return [(int(m), i, int(sub), state, int(n)) for m, i, sub, state, n in rows]

    def attempt_latencies(self, since: float, recent: float) -> list[attempt_latency.LatencyBucket]:
        with self._lock:
            rows = self._db.execute(attempt_latency.histogram_sql("attempts", "jobs", "?"), (recent, since)).fetchall()
        return attempt_latency.buckets_of(rows)

    def record_quota_usage(self, reports: Sequence[quota_usage.QuotaUsage]) -> None:
        with self._transaction() as db:
            db.executemany(quota_usage.upsert_sql("quota_usage", "?"), [quota_usage.parameters(r) for r in reports])

    def quota_usage(self) -> list[quota_usage.QuotaUsage]:
        with self._lock:
            return quota_usage.usage_rows(self._db.execute(quota_usage.select_sql("quota_usage")).fetchall())

    def job(self, job_id: int) -> Job | None:
        with self._lock:
            row = self._db.execute(f"SELECT {JOB_COLUMNS} FROM jobs WHERE id = ?", (job_id,)).fetchone()
        return _job(row) if row else None

    def attempts(self, job_id: int) -> list[Attempt]:
        with self._lock:
            rows = self._db.execute(
                "SELECT job_id, number, started_at, latency_ms, status, resolution, http_status, error_code,"
                " message, request FROM attempts WHERE job_id = ? ORDER BY number",
                (job_id,),
            ).fetchall()
        return [_attempt(row) for row in rows]

    def dead_letters(self, selection: DeadLetterSelection, *, limit: int | None = None) -> Iterator[Job]:
        where, args = _selection_where(selection)
        last_id, remaining, page = 0, limit, 500
        while remaining is None or remaining > 0:
            size = page if remaining is None else min(page, remaining)
            with self._lock:
                rows = self._db.execute(
                    f"SELECT {JOB_COLUMNS} FROM jobs WHERE {where} AND id > ? ORDER BY id LIMIT ?",
                    (*args, last_id, size),
                ).fetchall()
            if not rows:
                return
            for row in rows:
                yield _job(row)
            last_id = rows[-1][0]
            remaining = None if remaining is None else remaining - len(rows)

    def redrive(self, job_ids: Collection[int]) -> int:
        with self._transaction() as db:
            cursor = db.executemany(
                "UPDATE jobs SET state = 'queued', attempts = 0, not_before = 0, enqueued_at = ?, settled_at = NULL"
                " WHERE id = ? AND state IN ('dead', 'invalid')",
                [(time.time(), job_id) for job_id in job_ids],
            )
            redriven = cursor.rowcount
        if redriven:
            self._changes.notify()
        return redriven

    def purge(self, job_ids: Collection[int]) -> int:
        with self._transaction() as db:
            ids = [(job_id,) for job_id in job_ids]
            cursor = db.executemany(f"DELETE FROM jobs WHERE id = ? AND state NOT IN {_UNFINISHED}", ids)
            db.executemany("DELETE FROM attempts WHERE job_id = ? AND job_id NOT IN (SELECT id FROM jobs)", ids)
            return cursor.rowcount

    def prune_delivered(self, instance_id: str, settled_before: float, limit: int) -> int:
        """Delete up to ``limit`` of the instance's jobs delivered before ``settled_before``, with their attempts."""
        with self._transaction() as db:
            ids = [
                row[0]
                for row in db.execute(
                    "SELECT id FROM jobs WHERE instance_id = ? AND state = 'delivered' AND settled_at < ? LIMIT ?",
                    (instance_id, settled_before, limit),
                ).fetchall()
            ]
            if ids:
                db.execute(f"DELETE FROM attempts WHERE job_id IN ({_marks(ids)})", ids)
                db.execute(f"DELETE FROM jobs WHERE id IN ({_marks(ids)})", ids)
        return len(ids)

    def token_store(self) -> SqliteTokenStore:
        return self._tokens

    def reconnect(self) -> None:
        """After a failed write (full disk, lock): end any transaction SQLite left open, so the next starts clean."""
        with self._lock:
            if self._db.in_transaction:
                self._db.rollback()

    def close(self) -> None:
        with self._lock:
            self._db.close()


class _Transaction:
    """``with``: BEGIN (IMMEDIATE takes the write lock at once: no upgrade deadlock), COMMIT or ROLLBACK."""

    def __init__(self, db: sqlite3.Connection, lock: threading.RLock, mode: str) -> None:
        self._db, self._lock, self._mode = db, lock, mode

    def __enter__(self) -> sqlite3.Connection:
        self._lock.acquire()
        try:
            self._db.execute(f"BEGIN {self._mode}")
        except BaseException:
            self._lock.release()
            raise
        return self._db

    def __exit__(self, exc_type: object, *exc_info: object) -> None:
        try:
            self._db.execute("ROLLBACK" if exc_type else "COMMIT")
        finally:
            self._lock.release()


class _Capacity:
    """Which accounts may take more running jobs in this claim, and how many."""

    def __init__(self, limits: Mapping[str, int], running: Mapping[str, int], paused: Collection[str]) -> None:
        self._free = {key: limit - running.get(key, 0) for key, limit in limits.items()}
        self._paused = set(paused)

    def closed_for(self, account_key: str | None) -> bool:
        """True when ``account_key`` takes nothing now (None: no account, nothing to take)."""
        return account_key is None or account_key in self.closed()

    def closed(self) -> list[str]:
        """Accounts that take nothing now: paused, or at their limit."""
        return sorted(self._paused | {key for key, free in self._free.items() if free <= 0})

    def every_open_account_takes(self, count: int) -> bool:
        """True when every account not closed takes ``count`` more (limited ones have that many free)."""
        return all(free >= count for free in self._free.values() if free > 0)

    def take(self, account_key: str) -> bool:
        """Reserve one slot of ``account_key``; False when it has none left."""
        if account_key in self._paused:
            return False
        free = self._free.get(account_key)
        if free is None:
            return True
        if free <= 0:
            return False
        self._free[account_key] = free - 1
        return True


def _capacity(db: sqlite3.Connection, account_limits: Mapping[str, int], now: float) -> _Capacity:
    running: dict[str, int] = {}
    paused: list[str] = []
    for account_key, calls, is_pause in db.execute(_CAPACITY, (now,)).fetchall():
        if is_pause:
            paused.append(account_key)
        else:
            running[account_key] = calls
    return _Capacity(account_limits, running, paused)


def _claim(
    db: sqlite3.Connection,
    worker_id: str,
    instances: Collection[str],
    limit: int,
    account_limits: Mapping[str, int],
    lane_run: int,
    skip: Collection[tuple[str, int]],
    now: float,
) -> list[Job]:
    """``claim`` inside a transaction already open (alone, or right after a settle)."""
    if limit <= 0 or not instances:
        return []
    capacity = _capacity(db, account_limits, now)
    heads = _choose(db, instances, limit, now, capacity, skip, runs=lane_run > 1)
    runs = [[head, *_running_followers(db, head, lane_run, now)] if more else [head] for head, more in heads]
    if runs:
        _mark_running(db, worker_id, runs)
    return [job for run in runs for job in run]


def _running_followers(db: sqlite3.Connection, head: Job, lane_run: int, now: float) -> list[Job]:
    return [_with_state(job, JobState.RUNNING) for job in _followers(db, head, lane_run, now)]


def _mark_running(db: sqlite3.Connection, worker_id: str, runs: list[list[Job]]) -> None:
    """Claimed jobs are running; a run shares its head's claim group (one call for the account)."""
    for heads in chunks([run[0].id for run in runs]):
        db.execute(_mark_heads_sql(len(heads)), (worker_id, *heads))
    pairs = ",".join(f"[{run[0].id},{job.id}]" for run in runs for job in run[1:])
    if pairs:
        db.execute(_MARK_FOLLOWERS, (worker_id, f"[{pairs}]"))


@cache
def _mark_heads_sql(heads: int) -> str:
    return _MARK_HEADS.format(ids=_marks(range(heads)))


def _followers(db: sqlite3.Connection, head: Job, lane_run: int, now: float) -> list[Job]:
    """Up to ``lane_run - 1`` jobs right behind ``head`` in its lane, queued, due, of its subscription."""
    if lane_run <= 1 or head.ordering_key is None:
        return []
    rows = db.execute(
        f"SELECT {JOB_COLUMNS} FROM jobs WHERE ordering_key = ? AND id > ? AND state IN {_UNFINISHED}"
        " ORDER BY id LIMIT ?",
        (head.ordering_key, head.id, lane_run - 1),
    ).fetchall()
    found: list[Job] = []
    for row in rows:
        job = _job(row)
        if (
            job.state is not JobState.QUEUED
            or job.not_before > now
            or job.instance_id != head.instance_id
            or job.subscription != head.subscription
        ):
            break
        found.append(job)
    return found


def _choose_batch(
    db: sqlite3.Connection,
    instance_id: str,
    subscription: int,
    limit: int,
    lane_run: int,
    now: float,
    capacity: _Capacity,
) -> list[Job]:
    """Lane heads of one subscription and their runs, oldest first, at most ``limit`` jobs, if the
    account may take one more call."""
    if capacity.closed_for(_account_of(db, instance_id, subscription)):
        return []
    rows = db.execute(
        f"SELECT {JOB_COLUMNS} FROM jobs AS j WHERE j.state = 'queued' AND j.instance_id = ? AND j.subscription = ?"
        f" AND j.not_before <= ? AND {_LANE_HEAD} ORDER BY j.id LIMIT ?",
        (instance_id, subscription, now, limit),
    ).fetchall()
    chosen: list[Job] = []
    for row in rows:
        head = _job(row)
        for job in [head, *_followers(db, head, lane_run, now)]:
            if len(chosen) == limit:
                break
            chosen.append(job)
    return sorted(chosen, key=lambda job: job.id)


def _account_of(db: sqlite3.Connection, instance_id: str, subscription: int) -> str | None:
    row = db.execute(
        "SELECT account_key FROM jobs WHERE instance_id = ? AND subscription = ? AND state = 'queued' LIMIT 1",
        (instance_id, subscription),
    ).fetchone()
    return row[0] if row else None


def _choose(
    db: sqlite3.Connection,
    instances: Collection[str],
    limit: int,
    now: float,
    capacity: _Capacity,
    skip: Collection[tuple[str, int]] = (),
    *,
    runs: bool = False,
) -> list[tuple[Job, bool]]:
    """Due jobs at the head of their ordering lane, oldest first, within each account's capacity, as
    claiming makes them (running); with ``runs``, each says whether its lane has an unfinished job
    after it (else it has no followers)."""
    closed = capacity.closed()
    skip_closed = f" AND j.account_key NOT IN ({_marks(closed)})" if closed else ""
    skip_pairs = "".join(" AND NOT (j.instance_id = ? AND j.subscription = ?)" for _ in skip)
    has_next = f", {_HAS_NEXT}" if runs else ", 0"
    query = (
        f"SELECT {JOB_COLUMNS}{has_next} FROM jobs AS j WHERE j.state = 'queued'"
        f" AND j.instance_id IN ({_marks(instances)}) AND j.not_before <= ?{skip_closed}{skip_pairs}"
        f" AND {_LANE_HEAD} ORDER BY j.id LIMIT ?"
    )
    # Rows of an account the capacity refuses are passed over: look further then, unless every open
    # account takes ``limit`` more (every row is taken, so ``limit`` rows are all it can use).
    fetch = limit if capacity.every_open_account_takes(limit) else limit * 4
    pairs = [value for pair in skip for value in pair]
    chosen: list[tuple[Job, bool]] = []
    cursor = db.execute(query, (*instances, now, *closed, *pairs, fetch))
    try:
        for row in cursor:
            if capacity.take(row[_ACCOUNT_COLUMN]):
                chosen.append((_job(row, JobState.RUNNING), bool(row[-1])))
                if len(chosen) == limit:
                    break
    finally:
        cursor.close()  # its statement is reset now, not when the cursor is collected
    return chosen


def _requeue_held_by(db: sqlite3.Connection, worker_ids: Sequence[str | None]) -> int:
    """Running jobs of these workers go back to the queue, due now (their attempt never settled)."""
    count = 0
    for worker_id in worker_ids:
        cursor = db.execute(
            "UPDATE jobs SET state = 'queued', worker_id = NULL WHERE state = 'running' AND worker_id IS ?",
            (worker_id,),
        )
        count += cursor.rowcount
    return count


def _duplicate_states(
    db: sqlite3.Connection, jobs: Sequence[NewJob], now: float, total: int
) -> tuple[dict[JobState, int], frozenset[tuple[str, int, str]]]:
    """States of the duplicates (those queued before this batch by their current state, those repeated
    inside the batch itself as ``queued``: the first of them was just added), and which were finished."""
    counts: dict[JobState, int] = {}
    finished: set[tuple[str, int, str]] = set()
    for job in jobs:
        row = db.execute(
            "SELECT state FROM jobs WHERE instance_id = ? AND subscription = ? AND message_id = ? AND enqueued_at < ?",
            (job.instance_id, job.subscription, job.message_id, now),
        ).fetchone()
        if row is not None:
            state = JobState(row[0])
            counts[state] = counts.get(state, 0) + 1
            if state.finished:
                finished.add((job.instance_id, job.subscription, job.message_id))
    repeated = total - sum(counts.values())
    if repeated:
        counts[JobState.QUEUED] = counts.get(JobState.QUEUED, 0) + repeated
    return counts, frozenset(finished)


def _stats_rows(rows: list[tuple[Any, ...]], paused: Mapping[str, tuple[float, str]]) -> list[StatsRow]:
    """Group (instance, subscription, state, account, scheduled) counts into rows; ``parked`` and
    ``retrying`` are queued jobs behind a paused account, or waiting for a scheduled retry."""
    grouped: dict[tuple[str, int], StatsRow] = {}
    for instance_id, subscription, name, state, account_key, scheduled, count in rows:
        row = grouped.setdefault((instance_id, subscription), StatsRow(instance_id, subscription, name or "", {}))
        label = state
        if state == "queued" and account_key in paused:
            label = "parked"
        elif state == "queued" and scheduled:
            label = "retrying"
        row.counts[label] = row.counts.get(label, 0) + count
    return sorted(grouped.values(), key=lambda row: (row.instance_id, row.subscription))


def _selection_where(selection: DeadLetterSelection) -> tuple[str, tuple[Any, ...]]:
    clauses = [f"state IN ({_marks(selection.states)})"]
    args: list[Any] = [state.value for state in selection.states]
    if selection.instance_id is not None:
        clauses.append("instance_id = ?")
        args.append(selection.instance_id)
    if selection.reason:
        clauses.append("instr(lower(last_error), lower(?)) > 0")
        args.append(selection.reason)
    if selection.since is not None:
        clauses.append("enqueued_at >= ?")
        args.append(selection.since)
    if selection.subscription is not None:
        clauses.append("subscription = ?")
        args.append(selection.subscription)
    if selection.after_id:
        clauses.append("id > ?")
        args.append(selection.after_id)
    return " AND ".join(clauses), tuple(args)


def _job(row: Sequence[Any], state: JobState | None = None) -> Job:
    """A job from a row of ``JOB_COLUMNS`` (columns after those, if any, are ignored), in ``state``
    if given (a claimed job is built running at once: ``replace`` costs more than the row)."""
    if state is not None:
        row = (*row[:_STATE_COLUMN], state.value, *row[_STATE_COLUMN + 1 :])
    return Job.from_row(row[:_JOB_COLUMN_COUNT], json.loads(row[5]))


def _with_state(job: Job, state: JobState) -> Job:
    return replace(job, state=state)


def _marks(values: Collection[Any]) -> str:
    return ", ".join("?" * len(values)) if values else "NULL"


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _checked_synchronous(value: str) -> str:
    if value.lower() not in ("normal", "full", "extra"):
        raise ValueError(
            f"synchronous={value!r}: use normal (survives a killed process) or full (survives a power cut)"
        )
    return value.upper()


def _attempt(row: Sequence[Any]) -> Attempt:
    """An attempt row (the columns in ``Attempt``'s order), its request decoded."""
    job_id, number, started_at, latency_ms, status, resolution, http_status, error_code, message, request = row
    return Attempt(
        job_id,
        number,
        started_at,
        latency_ms,
        status,
        resolution,
        http_status,
        error_code,
        message,
        json.loads(request) if request else None,
    )
