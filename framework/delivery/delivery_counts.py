"""Counts kept as jobs change, so the console's snapshot reads a few hundred rows instead of every job.

Three small tables, kept by triggers on the jobs and attempts tables (so every change is counted in
the transaction that makes it, whichever code path or process makes it, and no queue method needs a
hook):

* ``job_counts``: jobs per instance, subscription, subscription name and state;
* ``settled_minutes``: jobs in a final state per minute they settled (what ``settled_counts`` reads);
* ``attempt_minutes``: attempts per minute started and latency bucket (``attempt_latency``), with
  failures, total and slowest latency.

The minute tables keep two days (older rows are deleted as new minutes start). ``queued`` is split
into queued, retrying and parked by time (a retry's due time, an account's pause), which no counter
can follow: :func:`read` reads that split from the queued jobs alone (their index), so a snapshot
costs what the backlog costs, not what the whole history costs, and the numbers are those of
``queue.stats()`` exactly (``tests/console/test_delivery_counts.py`` compares them on both backends).

On PostgreSQL the triggers are per statement (one upsert per group, not per job) and each connection
adds to rows of its own (``shard`` = its backend's process id), so concurrent transactions never wait
on a shared counter row. Purging attempts does not take them out of ``attempt_minutes``: latencies
describe the attempts made, not the ones kept.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from framework.delivery.attempt_latency import LatencyBucket, bucket_sql, buckets_of, failed_sql
from framework.delivery.jobs import QueueStats, StatsRow

__all__ = ["Counted", "KEEP_SECONDS", "POSTGRES_UPGRADE", "install_sqlite", "read"]

KEEP_SECONDS = 172_800  # the minute tables keep two days: the console reads the last one
_UNFINISHED = "('queued', 'running', 'polling')"
_JOB_KEY = "instance_id, subscription, subscription_name, state"
_MINUTE_KEY = "minute, instance_id, subscription, state"
_ATTEMPT_KEY = "minute, instance_id, subscription, bucket"


@dataclass(frozen=True)
class Counted:
    """One reading of the counts: the stats, jobs settled per minute, attempts per latency bucket."""

    stats: QueueStats
    settled: list[tuple[int, str, int, str, int]]
    latency: list[LatencyBucket]


# -- SQLite ---------------------------------------------------------------------------------------


def _sqlite_job(row: str, delta: int) -> str:
    return (
        f"INSERT INTO job_counts SELECT {row}.instance_id, {row}.subscription, {row}.subscription_name,"
        f" {row}.state, {delta} WHERE {row}.state NOT IN {_UNFINISHED}"
        f" ON CONFLICT ({_JOB_KEY}) DO UPDATE SET n = n + excluded.n;"
    )


def _sqlite_settled(row: str, delta: int) -> str:
    return (
        f"INSERT INTO settled_minutes SELECT CAST({row}.settled_at / 60 AS INTEGER) * 60, {row}.instance_id,"
        f" {row}.subscription, {row}.state, {delta} WHERE {row}.settled_at IS NOT NULL AND {row}.state NOT IN"
        f" {_UNFINISHED} ON CONFLICT ({_MINUTE_KEY}) DO UPDATE SET n = n + excluded.n;"
    )


def _sqlite_pruned(table: str) -> str:
    return (
        f"CREATE TRIGGER {table}_pruned AFTER INSERT ON {table} BEGIN DELETE FROM {table}"
        f" WHERE minute < CAST(strftime('%s', 'now') AS INTEGER) - {KEEP_SECONDS}; END"
    )


def _sqlite_attempt_row(attempt: str) -> str:
    """Minute, instance, subscription and bucket of the attempt row ``attempt`` (its job is ``j``)."""
    return (
        f"CAST({attempt}.started_at / 60 AS INTEGER) * 60, j.instance_id, j.subscription,"
        f" {bucket_sql(attempt + '.latency_ms')}"
    )


_FINAL_NEW = f"NEW.state NOT IN {_UNFINISHED}"
_FINAL_OLD = f"OLD.state NOT IN {_UNFINISHED}"
_SQLITE_STATEMENTS = (
    "CREATE TABLE job_counts (instance_id TEXT NOT NULL, subscription INTEGER NOT NULL, subscription_name TEXT"
    f" NOT NULL, state TEXT NOT NULL, n INTEGER NOT NULL, PRIMARY KEY ({_JOB_KEY})) WITHOUT ROWID",
    "CREATE TABLE settled_minutes (minute INTEGER NOT NULL, instance_id TEXT NOT NULL, subscription INTEGER"
    f" NOT NULL, state TEXT NOT NULL, n INTEGER NOT NULL, PRIMARY KEY ({_MINUTE_KEY})) WITHOUT ROWID",
    "CREATE TABLE attempt_minutes (minute INTEGER NOT NULL, instance_id TEXT NOT NULL, subscription INTEGER"
    " NOT NULL, bucket INTEGER NOT NULL, n INTEGER NOT NULL, failed INTEGER NOT NULL, total_ms REAL NOT NULL,"
    f" max_ms REAL NOT NULL, PRIMARY KEY ({_ATTEMPT_KEY})) WITHOUT ROWID",
    # only final states are counted: enqueues and claims (unfinished to unfinished) fire nothing
    f"CREATE TRIGGER jobs_counted_insert AFTER INSERT ON jobs WHEN {_FINAL_NEW} BEGIN {_sqlite_job('NEW', 1)}"
    f" {_sqlite_settled('NEW', 1)} END",
    "CREATE TRIGGER jobs_counted_update AFTER UPDATE OF state, settled_at, subscription_name ON jobs"
    f" WHEN ({_FINAL_OLD} OR {_FINAL_NEW}) AND (OLD.state IS NOT NEW.state OR OLD.settled_at IS NOT NEW.settled_at"
    f" OR OLD.subscription_name IS NOT NEW.subscription_name) BEGIN {_sqlite_job('OLD', -1)} {_sqlite_job('NEW', 1)}"
    f" {_sqlite_settled('OLD', -1)} {_sqlite_settled('NEW', 1)} END",
    f"CREATE TRIGGER jobs_counted_delete AFTER DELETE ON jobs WHEN {_FINAL_OLD} BEGIN {_sqlite_job('OLD', -1)}"
    f" {_sqlite_settled('OLD', -1)} END",
    "CREATE TRIGGER attempts_counted_insert AFTER INSERT ON attempts BEGIN INSERT INTO attempt_minutes"
    f" SELECT {_sqlite_attempt_row('NEW')}, 1, {failed_sql('NEW.status')}, NEW.latency_ms,"
    f" NEW.latency_ms FROM jobs AS j WHERE j.id = NEW.job_id ON CONFLICT ({_ATTEMPT_KEY}) DO UPDATE SET"
    " n = n + 1, failed = failed + excluded.failed, total_ms = total_ms + excluded.total_ms,"
    " max_ms = max(max_ms, excluded.max_ms); END",
    _sqlite_pruned("settled_minutes"),
    _sqlite_pruned("attempt_minutes"),
    # what the queue held before the triggers existed
    f"INSERT INTO job_counts SELECT {_JOB_KEY}, count(*) FROM jobs WHERE state NOT IN {_UNFINISHED}"
    " GROUP BY 1, 2, 3, 4",
    "INSERT INTO settled_minutes SELECT CAST(settled_at / 60 AS INTEGER) * 60, instance_id, subscription, state,"
    f" count(*) FROM jobs WHERE settled_at >= CAST(strftime('%s', 'now') AS INTEGER) - {KEEP_SECONDS}"
    f" AND state NOT IN {_UNFINISHED} GROUP BY 1, 2, 3, 4",
    f"INSERT INTO attempt_minutes SELECT {_sqlite_attempt_row('a')}, count(*), sum({failed_sql('a.status')}),"
    " sum(a.latency_ms), max(a.latency_ms) FROM attempts AS a JOIN jobs AS j ON j.id = a.job_id"
    f" WHERE a.started_at >= CAST(strftime('%s', 'now') AS INTEGER) - {KEEP_SECONDS} GROUP BY 1, 2, 3, 4",
)
_SQLITE_CHECK = "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'job_counts'"


def install_sqlite(db: sqlite3.Connection) -> None:
    """Create the tables and triggers once, filled from the jobs already there, in one write transaction
    (so no other process's change slips between the filling and the first trigger)."""
    if db.execute(_SQLITE_CHECK).fetchone():
        return
    db.execute("BEGIN IMMEDIATE")
    try:
        if not db.execute(_SQLITE_CHECK).fetchone():  # another process may have been first
            for statement in _SQLITE_STATEMENTS:
                db.execute(statement)
    except BaseException:
        db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")


# -- PostgreSQL: row triggers on final states, into rows of the connection's own (shard) ------------

_PG_NOW = "extract(epoch FROM clock_timestamp())::double precision"
_PG_SHARD = "pg_backend_pid()"


def _pg_prune(table: str) -> str:
    return (
        f"DELETE FROM {table} WHERE ctid IN (SELECT ctid FROM {table} WHERE minute < ({_PG_NOW} - {KEEP_SECONDS})"
        "::bigint FOR UPDATE SKIP LOCKED);"
    )


def _pg_add(row: str, delta: int) -> str:
    """plpgsql: add ``delta`` for the job ``row`` (OLD or NEW) when it is in a final state."""
    return f"""
        IF {row}.state NOT IN {_UNFINISHED} THEN
            INSERT INTO actions_job_counts AS c VALUES ({row}.instance_id, {row}.subscription,
                {row}.subscription_name, {row}.state, {_PG_SHARD}, {delta})
            ON CONFLICT ({_JOB_KEY}, shard) DO UPDATE SET n = c.n + excluded.n;
            IF {row}.settled_at IS NOT NULL THEN
                INSERT INTO actions_settled_minutes AS c VALUES (floor({row}.settled_at / 60)::bigint * 60,
                    {row}.instance_id, {row}.subscription, {row}.state, {_PG_SHARD}, {delta})
                ON CONFLICT ({_MINUTE_KEY}, shard) DO UPDATE SET n = c.n + excluded.n RETURNING (xmax = 0) INTO v_new;
                IF v_new THEN  -- a new minute: forget the ones older than two days
                    {_pg_prune("actions_settled_minutes")}
                END IF;
            END IF;
        END IF;"""


def _pg_attempt_row(attempt: str) -> str:
    return (
        f"floor({attempt}.started_at / 60)::bigint * 60, j.instance_id, j.subscription,"
        f" {bucket_sql(attempt + '.latency_ms')}"
    )


_PG_CHANGED = (
    "OLD.state IS DISTINCT FROM NEW.state OR OLD.settled_at IS DISTINCT FROM NEW.settled_at"
    " OR OLD.subscription_name IS DISTINCT FROM NEW.subscription_name"
)

POSTGRES_UPGRADE = f"""
    CREATE TABLE actions_job_counts (
        instance_id text NOT NULL, subscription integer NOT NULL, subscription_name text NOT NULL,
        state text NOT NULL, shard integer NOT NULL, n bigint NOT NULL, PRIMARY KEY ({_JOB_KEY}, shard)
    );
    CREATE TABLE actions_settled_minutes (
        minute bigint NOT NULL, instance_id text NOT NULL, subscription integer NOT NULL, state text NOT NULL,
        shard integer NOT NULL, n bigint NOT NULL, PRIMARY KEY ({_MINUTE_KEY}, shard)
    );
    CREATE TABLE actions_attempt_minutes (
        minute bigint NOT NULL, instance_id text NOT NULL, subscription integer NOT NULL, bucket integer NOT NULL,
        shard integer NOT NULL, n bigint NOT NULL, failed bigint NOT NULL, total_ms double precision NOT NULL,
        max_ms double precision NOT NULL, PRIMARY KEY ({_ATTEMPT_KEY}, shard)
    );
    CREATE OR REPLACE FUNCTION actions_count_job() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
        v_new boolean;
    BEGIN
        IF TG_OP <> 'INSERT' THEN {_pg_add("OLD", -1)}
        END IF;
        IF TG_OP <> 'DELETE' THEN {_pg_add("NEW", 1)}
        END IF;
        RETURN NULL;
    END $$;
    CREATE OR REPLACE FUNCTION actions_count_attempt() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
        v_new boolean;
    BEGIN
        INSERT INTO actions_attempt_minutes AS c
        SELECT {_pg_attempt_row("NEW")}, {_PG_SHARD}, 1, {failed_sql("NEW.status")}, NEW.latency_ms,
            NEW.latency_ms FROM actions_jobs AS j WHERE j.id = NEW.job_id
        ON CONFLICT ({_ATTEMPT_KEY}, shard) DO UPDATE SET n = c.n + 1, failed = c.failed + excluded.failed,
            total_ms = c.total_ms + excluded.total_ms, max_ms = greatest(c.max_ms, excluded.max_ms)
        RETURNING (xmax = 0) INTO v_new;
        IF v_new THEN
            {_pg_prune("actions_attempt_minutes")}
        END IF;
        RETURN NULL;
    END $$;
    -- only final states are counted: enqueues and claims (unfinished to unfinished) call nothing
    CREATE TRIGGER actions_jobs_counted_insert AFTER INSERT ON actions_jobs FOR EACH ROW WHEN ({_FINAL_NEW})
        EXECUTE FUNCTION actions_count_job();
    CREATE TRIGGER actions_jobs_counted_update AFTER UPDATE OF state, settled_at, subscription_name ON actions_jobs
        FOR EACH ROW WHEN (({_FINAL_OLD} OR {_FINAL_NEW}) AND ({_PG_CHANGED})) EXECUTE FUNCTION actions_count_job();
    CREATE TRIGGER actions_jobs_counted_delete AFTER DELETE ON actions_jobs FOR EACH ROW WHEN ({_FINAL_OLD})
        EXECUTE FUNCTION actions_count_job();
    CREATE TRIGGER actions_attempts_counted_insert AFTER INSERT ON actions_attempts FOR EACH ROW
        EXECUTE FUNCTION actions_count_attempt();
    -- what the queue held before the triggers existed (they lock the jobs table until this commits)
    INSERT INTO actions_job_counts SELECT {_JOB_KEY}, 0, count(*) FROM actions_jobs
        WHERE state NOT IN {_UNFINISHED} GROUP BY 1, 2, 3, 4;
    INSERT INTO actions_settled_minutes SELECT floor(settled_at / 60)::bigint * 60, instance_id, subscription,
        state, 0, count(*) FROM actions_jobs WHERE settled_at >= {_PG_NOW} - {KEEP_SECONDS}
        AND state NOT IN {_UNFINISHED} GROUP BY 1, 2, 3, 4;
    INSERT INTO actions_attempt_minutes SELECT {_pg_attempt_row("a")}, 0, count(*), sum({failed_sql("a.status")}),
        sum(a.latency_ms), max(a.latency_ms) FROM actions_attempts AS a JOIN actions_jobs AS j ON j.id = a.job_id
        WHERE a.started_at >= {_PG_NOW} - {KEEP_SECONDS} GROUP BY 1, 2, 3, 4;
"""

# -- reading ----------------------------------------------------------------------------------------

Run = Callable[[str, Sequence[Any]], list[Any]]


def read(
    run: Run, *, prefix: str, mark: str, since: float, recent: float, now: float, paused: Mapping[str, Any]
) -> Counted:
    """The counts through ``run`` (one connection's ``execute(...).fetchall()``); tables named with
    ``prefix``, parameters written ``mark``. Windows start at the minute holding ``since``/``recent``."""
    since, recent = since // 60 * 60, recent // 60 * 60
    counts = run(
        f"SELECT {_JOB_KEY}, sum(n) FROM {prefix}job_counts GROUP BY 1, 2, 3, 4 HAVING sum(n) <> 0",
        (),
    )
    unfinished = run(
        f"SELECT instance_id, subscription, max(subscription_name), state, account_key,"
        f" CASE WHEN not_before > {mark} THEN 1 ELSE 0 END, count(*) FROM {prefix}jobs"
        f" WHERE state IN {_UNFINISHED} GROUP BY 1, 2, 4, 5, 6",
        (now,),
    )
    settled = run(
        f"SELECT minute, instance_id, subscription, state, sum(n) FROM {prefix}settled_minutes WHERE minute >= {mark}"
        " GROUP BY 1, 2, 3, 4 HAVING sum(n) <> 0",
        (since,),
    )
    latency = run(
        f"SELECT instance_id, subscription, CASE WHEN minute >= {mark} THEN 1 ELSE 0 END, bucket, sum(n), sum(failed),"
        f" sum(total_ms), max(max_ms) FROM {prefix}attempt_minutes WHERE minute >= {mark} GROUP BY 1, 2, 3, 4",
        (recent, since),
    )
    stats = QueueStats(_rows(counts, unfinished, paused), dict(paused))
    return Counted(
        stats, [(int(m), str(i), int(s), str(st), int(n)) for m, i, s, st, n in settled], buckets_of(latency)
    )


def _rows(counts: list[Any], unfinished: list[Any], paused: Mapping[str, Any]) -> list[StatsRow]:
    """Final states from the counts, unfinished ones from the jobs: queued behind a paused account is
    ``parked``, queued for a retry later is ``retrying`` (as ``stats()`` labels them)."""
    names: dict[tuple[str, int], str] = {}
    labelled: list[tuple[tuple[str, int], str, int]] = []
    for instance_id, subscription, name, state, count in counts:
        key = (str(instance_id), int(subscription))
        names[key] = max(names.get(key, ""), str(name))
        labelled.append((key, str(state), int(count)))
    for instance_id, subscription, name, state, account_key, scheduled, count in unfinished:
        key = (str(instance_id), int(subscription))
        names[key] = max(names.get(key, ""), str(name or ""))
        if state == "queued":
            state = "parked" if account_key in paused else "retrying" if scheduled else "queued"
        labelled.append((key, str(state), int(count)))
    grouped: dict[tuple[str, int], StatsRow] = {}
    for key, label, count in labelled:
        row = grouped.setdefault(key, StatsRow(key[0], key[1], names[key], {}))
        row.counts[label] = row.counts.get(label, 0) + count
    return sorted(grouped.values(), key=lambda row: (row.instance_id, row.subscription))
