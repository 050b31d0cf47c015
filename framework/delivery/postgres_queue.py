"""The PostgreSQL queue backend: workers on many machines share one database (``postgresql://...``).

Same semantics as the embedded ``SqliteQueue`` (one contract suite runs on both); what changes is who
may race. Every method is one transaction on a pooled connection (psycopg 3, ``psycopg_pool``):

* **claim** is one call of the SQL function ``actions_claim`` (``postgres_schema``): due jobs at the
  head of their user's lane, locked with ``FOR UPDATE SKIP LOCKED`` (two claimers never take one job,
  nor wait for each other's rows), then a transaction-level advisory lock per account that has a
  limit, in sorted order (no deadlock), and that account's running jobs counted *after* the lock: a
  claimer that got there first has committed its claims by then, so two machines claiming at once
  cannot both take an account's last slot. A claim does not wait for the disk at commit: one lost
  in a server crash leaves its job queued, the worker's settlement of it is then ignored, and it is
  delivered again (at least once). **settle** is one call of ``actions_settle``, durable, as is
  ``enqueue`` (a producer may answer 200 once it returns).
* **recover** is heartbeat-based: a worker silent for ``stale_after`` seconds (by the database's clock,
  which every machine shares) is gone, and so is one on this very host and pid namespace whose
  process no longer exists; the running jobs of gone workers are queued again.
* **tokens** live in the database; a refresh holds an advisory lock on a connection of its own
  (``PostgresTokenStore``).

The schema is created by ``actions queue migrate``; opening a queue without it says to run that.
"""

from __future__ import annotations

import dataclasses
import json
import os
import socket
import threading
import uuid
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from typing import Any

import psycopg
from psycopg_pool import ConnectionPool

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
from framework.delivery.postgres_schema import ACCOUNT_LOCK_SPACE, NOW, check_schema, migrate
from framework.delivery.postgres_token_store import PostgresTokenStore
from framework.delivery.postgres_wakeups import ChangeListener, notify_sql
from framework.delivery.queue_url import QueueURLError, redact_queue_url
from framework.delivery.wakeups import QueueChanges, Unsubscribe

__all__ = ["PostgresQueue", "migrate_queue"]

_POOL_SIZE = 8
_CONNECT_TIMEOUT_S = 10

# A job at the head of its user's lane: no earlier job with its ordering key is unfinished (queued,
# even if scheduled for later, running, or polling). The rule of procrastinate's ``lock`` fetch, per user.
_LANE_HEAD = (
    "(j.ordering_key IS NULL OR NOT EXISTS (SELECT 1 FROM actions_jobs AS e WHERE e.ordering_key ="
    " j.ordering_key AND e.id < j.id AND e.state IN ('queued', 'running', 'polling')))"
)
_UNFINISHED = "('queued', 'running', 'polling')"
# The serialising lock of one account's claims (as ``actions_claim`` takes it).
_ACCOUNT_LOCK = f"SELECT pg_advisory_xact_lock({ACCOUNT_LOCK_SPACE}, hashtext(current_schema() || ':' || %s))"
# An account's running calls: the jobs claimed together for one call (a lane run, a batch) count once.
_RUNNING_CALLS = (
    "SELECT count(DISTINCT coalesce(claim_group, id)) FROM actions_jobs WHERE state = 'running' AND account_key = %s"
)


class PostgresQueue:
    """The ``JobQueue`` port on a PostgreSQL database whose schema ``migrate_queue`` created."""

    def __init__(self, url: str) -> None:
        self.url = redact_queue_url(url)
        self._conninfo = url
        with _connect(url) as connection:
            check_schema(connection, url)
            row = connection.execute("SELECT current_schema()").fetchone()
        self._schema = str(row[0]) if row else "public"
        self._sender = uuid.uuid4().hex  # tells this queue object's own notifications apart
        self._changes = QueueChanges()
        self._listener: ChangeListener | None = None
        self._listener_lock = threading.Lock()
        self._pool: ConnectionPool[psycopg.Connection[tuple[Any, ...]]] = ConnectionPool(
            url, min_size=1, max_size=_POOL_SIZE, kwargs={"autocommit": True}, open=False, name="actions-queue"
        )
        self._pool.open(wait=True, timeout=_CONNECT_TIMEOUT_S)
        self._tokens = PostgresTokenStore(self._pool, url)
        self._host = _host_identity()

    def __repr__(self) -> str:
        return f"PostgresQueue({self.url!r})"

    # -- producers ----------------------------------------------------------------------------------

    def enqueue(self, jobs: Sequence[NewJob]) -> EnqueueResult:
        if not jobs:
            return EnqueueResult(0)
        first: dict[tuple[str, int, str], NewJob] = {}
        for job in jobs:
            first.setdefault(_identity(job), job)
        fresh = list(first.values())
        with self._pool.connection() as connection, connection.transaction():
            inserted = {
                (row[0], row[1], row[2])
                for row in connection.execute(
                    "INSERT INTO actions_jobs (instance_id, subscription, subscription_name, message_id, account_key,"
                    " ordering_key, event) SELECT i, s, n, m, a, o, e::json FROM unnest(%b::text[], %b::int[],"
                    " %b::text[], %b::text[], %b::text[], %b::text[], %b::text[]) WITH ORDINALITY AS t(i, s, n, m, a,"
                    " o, e, position) ORDER BY position ON CONFLICT ON CONSTRAINT actions_jobs_identity DO NOTHING"
                    " RETURNING instance_id, subscription, message_id",
                    _columns(fresh),
                ).fetchall()
            }
            earlier = [job for job in fresh if _identity(job) not in inserted]
            states = _states_of(connection, earlier) if earlier else {}
            if inserted:
                self._announce(connection)
        if inserted:
            self._changes.notify()
        duplicates: dict[JobState, int] = {}
        finished = frozenset(identity for identity, state in states.items() if state.finished)
        seen: set[tuple[str, int, str]] = set()
        for job in jobs:
            identity = _identity(job)
            repeat = identity in seen
            seen.add(identity)
            if identity in inserted and not repeat:
                continue
            # a repeat of a job this very batch added is queued; an earlier job has its own state
            state = JobState.QUEUED if identity in inserted else states.get(identity, JobState.QUEUED)
            duplicates[state] = duplicates.get(state, 0) + 1
        return EnqueueResult(len(inserted), duplicates, finished)

    # -- workers ------------------------------------------------------------------------------------

    def register_worker(self, worker_id: str) -> None:
        self.heartbeat(worker_id)

    def heartbeat(self, worker_id: str) -> None:
        """Also re-registers a worker that another one took for dead (after a long pause), so its
        next claims are not recovered from under it."""
        with self._pool.connection() as connection:
            connection.execute(
                f"INSERT INTO actions_workers (id, pid, host, heartbeat) VALUES (%s, %s, %s, {NOW})"
                " ON CONFLICT (id) DO UPDATE SET pid = excluded.pid, host = excluded.host,"
                " heartbeat = excluded.heartbeat",
                (worker_id, os.getpid(), self._host),
            )

    def unregister_worker(self, worker_id: str) -> None:
        with self._pool.connection() as connection, connection.transaction():
            cursor = connection.execute(
                "UPDATE actions_jobs SET state = 'queued', worker_id = NULL WHERE state = 'running' AND worker_id = %s",
                (worker_id,),
            )
            connection.execute("DELETE FROM actions_workers WHERE id = %s", (worker_id,))
            put_back = cursor.rowcount
            if put_back:
                self._announce(connection)
        if put_back:
            self._changes.notify()

    def recover(self, stale_after: float) -> int:
        with self._pool.connection() as connection, connection.transaction():
            connection.execute(f"DELETE FROM actions_workers WHERE heartbeat < {NOW} - %s", (stale_after,))
            local = connection.execute("SELECT id, pid FROM actions_workers WHERE host = %s", (self._host,)).fetchall()
            dead = [str(worker_id) for worker_id, pid in local if not _process_alive(int(pid))]
            if dead:
                connection.execute("DELETE FROM actions_workers WHERE id = ANY(%s)", (dead,))
            cursor = connection.execute(
                "UPDATE actions_jobs AS j SET state = 'queued', worker_id = NULL WHERE j.state = 'running' AND"
                " (j.worker_id IS NULL OR NOT EXISTS (SELECT 1 FROM actions_workers AS w WHERE w.id = j.worker_id))"
            )
            put_back = cursor.rowcount
            if put_back:
                self._announce(connection)
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
        """One call of ``actions_claim`` (see ``postgres_schema``): the whole claim in one round trip.
        Each head is followed by its run (ordered by claim group, then id)."""
        if limit <= 0 or not instances:
            return []
        with self._pool.connection() as connection:
            return _claim(connection, worker_id, instances, limit, account_limits, lane_run, skip)

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
        """``actions_settle`` then ``actions_claim`` in one transaction. The claim turns
        ``synchronous_commit`` off for its transaction; it is set back before the commit, so the
        settlements are as durable as ``settle``'s."""
        with self._pool.connection() as connection, connection.transaction():
            if settlements:
                _settle(connection, settlements, self._announcement())
            claimed: list[Job] = []
            if limit > 0 and instances:
                claimed = _claim(connection, worker_id, instances, limit, account_limits, lane_run, skip)
                connection.execute("SET LOCAL synchronous_commit TO DEFAULT")
        if settlements:
            self._changes.notify()
        return claimed

    def subscribe_changes(self, callback: Callable[[], None]) -> Unsubscribe:
        """In process at once; from other processes through ``LISTEN`` (started on first use)."""
        unsubscribe = self._changes.subscribe(callback)
        with self._listener_lock:
            if self._listener is None:
                self._listener = ChangeListener(self._conninfo, self._schema, self._sender, self._changes)
        return unsubscribe

    def wait_listening(self, timeout: float) -> bool:
        """Whether changes of other processes are being listened to (for tests and start-up)."""
        listener = self._listener
        return listener is not None and listener.wait_listening(timeout)

    def _announcement(self) -> tuple[str, str]:
        return (self._schema, self._sender)

    def _announce(self, connection: psycopg.Connection[tuple[Any, ...]]) -> None:
        """Tell other processes' listeners, when this transaction commits, that jobs may be claimable."""
        connection.execute(f"SELECT {notify_sql()}", self._announcement())

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
        """Lane heads of one subscription (locked ``SKIP LOCKED``) and their runs, as one call: its
        account's advisory lock is taken before its running calls are counted, as ``actions_claim`` does."""
        if limit <= 0:
            return []
        with self._pool.connection() as connection, connection.transaction():
            connection.execute("SET LOCAL synchronous_commit = off")  # as actions_claim: a lost claim stays queued
            if connection.execute(
                "SELECT 1 FROM actions_polls WHERE instance_id = %s AND subscription = %s LIMIT 1",
                (instance_id, subscription),
            ).fetchone():
                return []  # one async batch of a subscription at a time: its order depends on it
            chosen = _choose_batch(connection, instance_id, subscription, limit, max(lane_run, 1))
            if not chosen or not _account_open(connection, chosen[0].account_key, account_limits):
                return []
            if len(chosen) < limit and min(job.enqueued_at for job in chosen) > _now(connection) - linger:
                return []
            connection.execute(
                "UPDATE actions_jobs SET state = 'running', worker_id = %s, claim_group = %s"
                " WHERE id = ANY(%s) AND state = 'queued'",
                (worker_id, chosen[0].id, [job.id for job in chosen]),
            )
        return [dataclasses.replace(job, state=JobState.RUNNING) for job in chosen]

    def start_polling(self, worker_id: str, job_ids: Sequence[int], pending: PendingPoll, poll_at: float) -> int:
        with self._pool.connection() as connection, connection.transaction():
            connection.execute(
                "UPDATE actions_jobs SET state = 'polling' WHERE id = ANY(%s) AND state = 'running' AND worker_id = %s",
                (list(job_ids), worker_id),
            )
            row = connection.execute(
                "INSERT INTO actions_polls (instance_id, subscription, account_key, pending, job_ids, poll_at)"
                " VALUES (%s, %s, %s, %s::json, %s::json, %s) RETURNING id",
                (
                    pending.instance_id,
                    pending.subscription,
                    pending.account_key,
                    json.dumps(pending.pending, ensure_ascii=False),
                    json.dumps(list(pending.job_ids)),
                    poll_at,
                ),
            ).fetchone()
        return int(row[0]) if row else 0

    def claim_polls(self, instances: Collection[str], *, lease: float) -> list[PendingPoll]:
        """Due polls, leased by moving ``poll_at``; ``SKIP LOCKED``: two workers never lease one poll."""
        if not instances:
            return []
        with self._pool.connection() as connection:
            rows = connection.execute(
                f"UPDATE actions_polls AS p SET poll_at = {NOW} + %s, polls = p.polls + 1 WHERE p.id IN ("
                f"SELECT id FROM actions_polls WHERE instance_id = ANY(%s) AND poll_at <= {NOW}"
                " ORDER BY id FOR UPDATE SKIP LOCKED) RETURNING p.id, p.instance_id, p.subscription, p.account_key,"
                " p.pending, p.job_ids, p.polls, p.created_at",
                (lease, list(instances)),
            ).fetchall()
        return [
            PendingPoll(int(r[0]), str(r[1]), int(r[2]), str(r[3]), r[4], tuple(r[5]), int(r[6]), float(r[7]))
            for r in sorted(rows, key=lambda row: int(row[0]))
        ]

    def reschedule_poll(self, poll_id: int, poll_at: float) -> None:
        with self._pool.connection() as connection:
            connection.execute("UPDATE actions_polls SET poll_at = %s WHERE id = %s", (poll_at, poll_id))

    def finish_poll(self, poll_id: int, settlements: Sequence[Settlement]) -> None:
        with self._pool.connection() as connection, connection.transaction():
            if settlements:
                _settle(connection, settlements, self._announcement())
            connection.execute("DELETE FROM actions_polls WHERE id = %s", (poll_id,))
        if settlements:
            self._changes.notify()

    def settle(self, settlements: Sequence[Settlement]) -> None:
        """One call of ``actions_settle``: every outcome and attempt record in one transaction."""
        if not settlements:
            return
        with self._pool.connection() as connection:
            _settle(connection, settlements, self._announcement())
        self._changes.notify()

    def pause_account(self, account_key: str, until: float, reason: str) -> None:
        with self._pool.connection() as connection:
            connection.execute(
                "INSERT INTO actions_account_pauses (account_key, until, reason) VALUES (%s, %s, %s)"
                " ON CONFLICT (account_key) DO UPDATE SET until = greatest(actions_account_pauses.until,"
                " excluded.until), reason = excluded.reason",
                (account_key, until, reason),
            )

    def dead_letter_unfinished(self, instance_id: str, reason: str) -> int:
        with self._pool.connection() as connection:
            cursor = connection.execute(
                f"UPDATE actions_jobs SET state = 'dead', last_error = %s, settled_at = {NOW}"
                " WHERE instance_id = %s AND state = 'queued'",
                (reason, instance_id),
            )
            return cursor.rowcount

    def next_due(self, instances: Collection[str]) -> float | None:
        """The earliest ``not_before`` of a queued job at the head of its lane, or ``poll_at`` of a poll."""
        with self._pool.connection() as connection:
            row = connection.execute(
                f"SELECT least((SELECT min(not_before) FROM actions_jobs AS j WHERE state = 'queued'"
                f" AND instance_id = ANY(%s) AND {_LANE_HEAD}),"
                " (SELECT min(poll_at) FROM actions_polls WHERE instance_id = ANY(%s)))",
                (list(instances), list(instances)),
            ).fetchone()
        return float(row[0]) if row and row[0] is not None else None

    def unfinished(self, instances: Collection[str]) -> int:
        with self._pool.connection() as connection:
            row = connection.execute(
                f"SELECT count(*) FROM actions_jobs WHERE state IN {_UNFINISHED} AND instance_id = ANY(%s)",
                (list(instances),),
            ).fetchone()
        return int(row[0]) if row else 0

    # -- operators ----------------------------------------------------------------------------------

    def paused_accounts(self) -> dict[str, tuple[float, str]]:
        with self._pool.connection() as connection:
            rows = connection.execute(
                f"SELECT account_key, until, reason FROM actions_account_pauses WHERE until > {NOW}"
            ).fetchall()
        return {str(key): (float(until), str(reason)) for key, until, reason in rows}

    def stats(self, instance_id: str | None = None) -> QueueStats:
        paused = self.paused_accounts()
        with self._pool.connection() as connection:
            where = "WHERE j.instance_id = %s" if instance_id else ""
            rows = connection.execute(
                "SELECT j.instance_id, j.subscription, max(j.subscription_name),"
                " CASE WHEN j.state = 'queued' AND p.account_key IS NOT NULL THEN 'parked'"
                f" WHEN j.state = 'queued' AND j.not_before > {NOW} THEN 'retrying' ELSE j.state END AS label,"
                " count(*) FROM actions_jobs AS j LEFT JOIN actions_account_pauses AS p"
                f" ON p.account_key = j.account_key AND p.until > {NOW} {where} GROUP BY 1, 2, 4",
                (instance_id,) if instance_id else (),
            ).fetchall()
        return QueueStats(_stats_rows(rows), paused)

    def settled_counts(self, since: float) -> list[tuple[int, str, int, str, int]]:
        with self._pool.connection() as connection:
            rows = connection.execute(
                "SELECT floor(settled_at / 60)::bigint * 60, instance_id, subscription, state, count(*)"
                " FROM actions_jobs WHERE settled_at >= %s AND state NOT IN ('queued', 'running', 'polling')"
                " GROUP BY 1, 2, 3, 4",
                (since,),
            ).fetchall()
        return [(int(m), i, int(sub), state, int(n)) for m, i, sub, state, n in rows]

    def attempt_latencies(self, since: float, recent: float) -> list[attempt_latency.LatencyBucket]:
        with self._pool.connection() as connection:
            sql = attempt_latency.histogram_sql("actions_attempts", "actions_jobs", "%s")
            rows = connection.execute(sql, (recent, since)).fetchall()
        return attempt_latency.buckets_of(rows)

    def record_quota_usage(self, reports: Sequence[quota_usage.QuotaUsage]) -> None:
        with self._pool.connection() as connection, connection.cursor() as cursor:
            sql = quota_usage.upsert_sql("actions_quota_usage", "%s")
            cursor.executemany(sql, [quota_usage.parameters(r) for r in reports])

    def quota_usage(self) -> list[quota_usage.QuotaUsage]:
        with self._pool.connection() as connection:
            return quota_usage.usage_rows(connection.execute(quota_usage.select_sql("actions_quota_usage")).fetchall())

    def job(self, job_id: int) -> Job | None:
        with self._pool.connection() as connection:
            row = connection.execute(f"SELECT {JOB_COLUMNS} FROM actions_jobs WHERE id = %s", (job_id,)).fetchone()
        return _job(row) if row else None

    def attempts(self, job_id: int) -> list[Attempt]:
        with self._pool.connection() as connection:
            rows = connection.execute(
                "SELECT job_id, number, started_at, latency_ms, status, resolution, http_status, error_code,"
                " message, request FROM actions_attempts WHERE job_id = %s ORDER BY number",
                (job_id,),
            ).fetchall()
        return [_attempt(row) for row in rows]

    def dead_letters(self, selection: DeadLetterSelection, *, limit: int | None = None) -> Iterator[Job]:
        where, args = _selection_where(selection)
        last_id, remaining, page = 0, limit, 500
        while remaining is None or remaining > 0:
            size = page if remaining is None else min(page, remaining)
            with self._pool.connection() as connection:
                rows = connection.execute(
                    f"SELECT {JOB_COLUMNS} FROM actions_jobs WHERE {where} AND id > %s ORDER BY id LIMIT %s",
                    (*args, last_id, size),
                ).fetchall()
            if not rows:
                return
            for row in rows:
                yield _job(row)
            last_id = int(rows[-1][0])
            remaining = None if remaining is None else remaining - len(rows)

    def redrive(self, job_ids: Collection[int]) -> int:
        with self._pool.connection() as connection, connection.transaction():
            cursor = connection.execute(
                f"UPDATE actions_jobs SET state = 'queued', attempts = 0, not_before = 0, enqueued_at = {NOW},"
                " settled_at = NULL WHERE id = ANY(%s) AND state IN ('dead', 'invalid')",
                (list(job_ids),),
            )
            redriven = cursor.rowcount
            if redriven:
                self._announce(connection)
        if redriven:
            self._changes.notify()
        return redriven

    def purge(self, job_ids: Collection[int]) -> int:
        with self._pool.connection() as connection, connection.transaction():
            deleted = [
                row[0]
                for row in connection.execute(
                    f"DELETE FROM actions_jobs WHERE id = ANY(%s) AND state NOT IN {_UNFINISHED} RETURNING id",
                    (list(job_ids),),
                ).fetchall()
            ]
            connection.execute("DELETE FROM actions_attempts WHERE job_id = ANY(%s)", (deleted,))
        return len(deleted)

    def prune_delivered(self, instance_id: str, settled_before: float, limit: int) -> int:
        """Delete up to ``limit`` of the instance's jobs delivered before ``settled_before``, with their attempts."""
        with self._pool.connection() as connection, connection.transaction():
            deleted = [
                row[0]
                for row in connection.execute(
                    "DELETE FROM actions_jobs WHERE id IN (SELECT id FROM actions_jobs WHERE instance_id = %s"
                    " AND state = 'delivered' AND settled_at < %s LIMIT %s FOR UPDATE SKIP LOCKED) RETURNING id",
                    (instance_id, settled_before, limit),
                ).fetchall()
            ]
            if deleted:
                connection.execute("DELETE FROM actions_attempts WHERE job_id = ANY(%s)", (deleted,))
        return len(deleted)

    def token_store(self) -> PostgresTokenStore:
        return self._tokens

    def reconnect(self) -> None:
        """Drop the pool's broken connections (a terminated backend, a restarted server) for new ones."""
        self._pool.check()

    def close(self) -> None:
        if self._listener is not None:
            self._listener.close()
        self._pool.close()


def migrate_queue(url: str) -> tuple[int, int]:
    """Create or upgrade the queue's schema at ``url``; returns (version before, version after)."""
    with _connect(url) as connection:
        try:
            return migrate(connection)
        except psycopg.errors.InvalidSchemaName:
            raise QueueURLError(
                f"--queue {redact_queue_url(url)}: the URL's search_path names no existing "
                "PostgreSQL schema; create it first (CREATE SCHEMA name) or fix the URL"
            ) from None
        except psycopg.errors.InsufficientPrivilege as error:
            raise QueueURLError(
                f"--queue {redact_queue_url(url)}: the user may not create the queue's tables "
                f"({' '.join(str(error).split())}); run migrate as the database's owner"
            ) from None


def _connect(url: str) -> psycopg.Connection[tuple[Any, ...]]:
    """One connection, or a ``QueueURLError`` that says where it failed and what to check."""
    try:
        return psycopg.connect(url, autocommit=True, connect_timeout=_CONNECT_TIMEOUT_S)
    except psycopg.OperationalError as error:
        reason = " ".join(str(error).split()) or type(error).__name__
        raise QueueURLError(
            f"--queue {redact_queue_url(url)}: cannot connect to PostgreSQL ({reason}); check that "
            "the server runs and that the URL's host, port, user and database are right"
        ) from None
    except psycopg.ProgrammingError as error:
        raise QueueURLError(
            f"--queue {redact_queue_url(url)}: not a PostgreSQL connection URL ({error}); use "
            "postgresql://USER@HOST:PORT/DATABASE"
        ) from None


def _claim(
    connection: psycopg.Connection[tuple[Any, ...]],
    worker_id: str,
    instances: Collection[str],
    limit: int,
    account_limits: Mapping[str, int],
    lane_run: int,
    skip: Collection[tuple[str, int]],
) -> list[Job]:
    """One call of ``actions_claim`` on ``connection`` (alone, or in a transaction after a settle)."""
    limited = sorted(account_limits)
    rows = connection.execute(
        f"SELECT {JOB_COLUMNS} FROM actions_claim(%s, %s, %s, %s::text[], %s::integer[], %s, %s::text[],"
        " %s::integer[]) ORDER BY claim_group, id",
        (
            worker_id,
            list(instances),
            limit,
            limited,
            [account_limits[key] for key in limited],
            max(lane_run, 1),
            [instance for instance, _ in skip],
            [subscription for _, subscription in skip],
        ),
    ).fetchall()
    return [_job(row) for row in rows]


def _settle(
    connection: psycopg.Connection[tuple[Any, ...]], settlements: Sequence[Settlement], announcement: tuple[str, str]
) -> None:
    """One call of ``actions_settle`` on ``connection``: outcomes and attempt records as two JSON arrays,
    with the change announced (``pg_notify``) in the same statement, so in the same transaction."""
    outcomes = [
        {
            "id": s.job_id,
            "state": s.state.value,
            "not_before": s.not_before,
            "counted": int(s.counts_attempt),
            "tried": int(s.attempted),
            "reason": s.reason,
        }
        for s in settlements
    ]
    attempts = [dataclasses.asdict(s.attempt) for s in settlements if s.attempt is not None]
    connection.execute(
        f"SELECT actions_settle(%s::json, %s::json), {notify_sql()}",
        (json.dumps(outcomes, ensure_ascii=False), json.dumps(attempts, ensure_ascii=False), *announcement),
    )


def _choose_batch(
    connection: psycopg.Connection[tuple[Any, ...]], instance_id: str, subscription: int, limit: int, lane_run: int
) -> list[Job]:
    """Due lane heads of one subscription, oldest first, each followed by its run, cut at ``limit``
    jobs and sorted by id. Heads are locked ``SKIP LOCKED``; followers are behind them, so no other
    claimer takes them."""
    now = _now(connection)
    heads = [
        _job(row)
        for row in connection.execute(
            f"SELECT {JOB_COLUMNS} FROM actions_jobs AS j WHERE j.state = 'queued' AND j.instance_id = %s"
            f" AND j.subscription = %s AND j.not_before <= %s AND {_LANE_HEAD} ORDER BY j.id LIMIT %s"
            " FOR UPDATE OF j SKIP LOCKED",
            (instance_id, subscription, now, limit),
        ).fetchall()
    ]
    chosen: list[Job] = []
    for head in heads:
        for job in [head, *_followers(connection, head, lane_run, now)]:
            if len(chosen) == limit:
                break
            chosen.append(job)
    return sorted(chosen, key=lambda job: job.id)


def _followers(connection: psycopg.Connection[tuple[Any, ...]], head: Job, lane_run: int, now: float) -> list[Job]:
    """Up to ``lane_run - 1`` jobs right behind ``head`` in its lane, queued, due, of its subscription."""
    if lane_run <= 1 or head.ordering_key is None:
        return []
    rows = connection.execute(
        f"SELECT {JOB_COLUMNS} FROM actions_jobs WHERE ordering_key = %s AND id > %s AND state IN {_UNFINISHED}"
        " ORDER BY id LIMIT %s",
        (head.ordering_key, head.id, lane_run - 1),
    ).fetchall()
    found: list[Job] = []
    for job in map(_job, rows):
        if (
            job.state is not JobState.QUEUED
            or job.not_before > now
            or job.instance_id != head.instance_id
            or job.subscription != head.subscription
        ):
            break
        found.append(job)
    return found


def _account_open(
    connection: psycopg.Connection[tuple[Any, ...]], account_key: str, account_limits: Mapping[str, int]
) -> bool:
    """Whether ``account_key`` may take one more call now: not paused and, if limited, below its limit
    counted under its advisory lock (so two machines cannot both take its last slot)."""
    if connection.execute(
        f"SELECT 1 FROM actions_account_pauses WHERE account_key = %s AND until > {NOW}", (account_key,)
    ).fetchone():
        return False
    limit = account_limits.get(account_key)
    if limit is None:
        return True
    connection.execute(_ACCOUNT_LOCK, (account_key,))
    row = connection.execute(_RUNNING_CALLS, (account_key,)).fetchone()
    return (int(row[0]) if row else 0) < limit


def _now(connection: psycopg.Connection[tuple[Any, ...]]) -> float:
    """The database server's clock (every machine's claims agree on what is due)."""
    row = connection.execute(f"SELECT {NOW}").fetchone()
    return float(row[0]) if row else 0.0


def _identity(job: NewJob) -> tuple[str, int, str]:
    return job.instance_id, job.subscription, job.message_id


def _columns(jobs: Sequence[NewJob]) -> tuple[list[Any], ...]:
    """The batch as one array per column, for ``unnest``: one statement however many jobs. Sent in
    binary (``%b``): the text form would escape every quote of every event's JSON, which costs more
    than the insert itself."""
    return (
        [job.instance_id for job in jobs],
        [job.subscription for job in jobs],
        [job.subscription_name for job in jobs],
        [job.message_id for job in jobs],
        [job.account_key for job in jobs],
        [job.ordering_key for job in jobs],
        [job.event_json() for job in jobs],
    )


def _states_of(
    connection: psycopg.Connection[tuple[Any, ...]], jobs: Sequence[NewJob]
) -> dict[tuple[str, int, str], JobState]:
    """The current state of jobs that were in the queue before this batch."""
    rows = connection.execute(
        "SELECT j.instance_id, j.subscription, j.message_id, j.state FROM actions_jobs AS j JOIN unnest(%s::text[],"
        " %s::int[], %s::text[]) AS t(i, s, m) ON j.instance_id = t.i AND j.subscription = t.s AND j.message_id = t.m",
        ([job.instance_id for job in jobs], [job.subscription for job in jobs], [job.message_id for job in jobs]),
    ).fetchall()
    return {(str(i), int(s), str(m)): JobState(str(state)) for i, s, m, state in rows}


def _stats_rows(rows: Sequence[Sequence[Any]]) -> list[StatsRow]:
    grouped: dict[tuple[str, int], StatsRow] = {}
    for instance_id, subscription, name, label, count in rows:
        row = grouped.setdefault((instance_id, subscription), StatsRow(instance_id, subscription, name or "", {}))
        row.counts[label] = row.counts.get(label, 0) + int(count)
    return sorted(grouped.values(), key=lambda row: (row.instance_id, row.subscription))


def _selection_where(selection: DeadLetterSelection) -> tuple[str, tuple[Any, ...]]:
    clauses = ["state = ANY(%s)"]
    args: list[Any] = [[state.value for state in selection.states]]
    if selection.instance_id is not None:
        clauses.append("instance_id = %s")
        args.append(selection.instance_id)
    if selection.reason:
        clauses.append("strpos(lower(last_error), lower(%s)) > 0")
        args.append(selection.reason)
    if selection.since is not None:
        clauses.append("enqueued_at >= %s")
        args.append(selection.since)
    if selection.subscription is not None:
        clauses.append("subscription = %s")
        args.append(selection.subscription)
    if selection.after_id:
        clauses.append("id > %s")
        args.append(selection.after_id)
    return " AND ".join(clauses), tuple(args)


def _attempt(row: Sequence[Any]) -> Attempt:
    job_id, number, started_at, latency_ms, status, resolution, http_status, error_code, message, request = row
    return Attempt(
        job_id, number, started_at, latency_ms, status, resolution, http_status, error_code, message, request
    )


def _job(row: Sequence[Any]) -> Job:
    return Job.from_row(row, row[5])


def _host_identity() -> str:
    """This host as workers record it: the hostname and the pid namespace, so that a pid is only
    checked where it means the same process (containers sharing a hostname have their own pids)."""
    try:
        namespace = os.readlink("/proc/self/ns/pid")
    except OSError:
        namespace = "-"
    return f"{socket.gethostname()} {namespace}"


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
