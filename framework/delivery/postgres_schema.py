"""The PostgreSQL queue's schema: its tables, its version, and ``migrate`` (``actions queue migrate``).

The schema is created or upgraded only by ``actions queue migrate --queue URL`` (one operator step,
run once per deploy, like any database migration); every other command checks the version first and
says to run it, so a worker never changes tables under a running fleet by surprise.

Tables are prefixed ``actions_`` so the queue can share a database with other software; to keep it in
a PostgreSQL schema of its own, create that schema and add ``?options=-csearch_path%3DNAME`` to the URL.
Times are epoch seconds (``double precision``), as in the port and the SQLite backend; ``now`` is read
from the database server's clock, so machines whose clocks drift still agree on heartbeats and due times.
"""

from __future__ import annotations

import psycopg

from framework.delivery.queue_url import QueueURLError, redact_queue_url

__all__ = ["SCHEMA_VERSION", "QueueSchemaError", "migrate", "check_schema", "NOW"]

SCHEMA_VERSION = 1

# The server's clock in epoch seconds, at the moment the expression runs (not the transaction's start).
NOW = "extract(epoch FROM clock_timestamp())::double precision"

# Each entry upgrades the schema from version ``index`` to ``index + 1``; append, never edit.
_UPGRADES: tuple[str, ...] = (
    f"""
    CREATE TABLE actions_jobs (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        instance_id text NOT NULL,
        subscription integer NOT NULL,
        subscription_name text NOT NULL DEFAULT '',
        message_id text NOT NULL,
        account_key text NOT NULL,
        ordering_key text,
        event json NOT NULL,  -- json, not jsonb: the event's key order is kept as it arrived
        state text NOT NULL DEFAULT 'queued'
            CHECK (state IN ('queued', 'running', 'delivered', 'filtered', 'invalid', 'dead')),
        attempts integer NOT NULL DEFAULT 0,
        tries integer NOT NULL DEFAULT 0,
        enqueued_at double precision NOT NULL DEFAULT {NOW},
        not_before double precision NOT NULL DEFAULT 0,
        settled_at double precision,
        worker_id text,
        last_error text NOT NULL DEFAULT '',
        CONSTRAINT actions_jobs_identity UNIQUE (instance_id, subscription, message_id)
    );
    CREATE INDEX actions_jobs_queued ON actions_jobs (id) WHERE state = 'queued';
    CREATE INDEX actions_jobs_lane ON actions_jobs (ordering_key, id) WHERE state IN ('queued', 'running');
    CREATE INDEX actions_jobs_running ON actions_jobs (account_key, worker_id) WHERE state = 'running';
    CREATE INDEX actions_jobs_letters ON actions_jobs (id) WHERE state IN ('dead', 'invalid');
    CREATE TABLE actions_attempts (
        job_id bigint NOT NULL,
        number integer NOT NULL,
        started_at double precision NOT NULL,
        latency_ms double precision NOT NULL,
        status text NOT NULL,
        resolution text,
        http_status integer,
        error_code text,
        message text NOT NULL DEFAULT '',
        request json,
        PRIMARY KEY (job_id, number)
    );
    CREATE TABLE actions_account_pauses (
        account_key text PRIMARY KEY,
        until double precision NOT NULL,
        reason text NOT NULL
    );
    CREATE TABLE actions_workers (
        id text PRIMARY KEY,
        pid integer NOT NULL,
        host text NOT NULL,  -- hostname and pid namespace: where ``pid`` means something
        heartbeat double precision NOT NULL
    );
    CREATE TABLE actions_tokens (
        key text PRIMARY KEY,
        data text NOT NULL,
        updated_at double precision NOT NULL
    );
    """,
)
assert len(_UPGRADES) == SCHEMA_VERSION

_VERSION_TABLE = "actions_schema_version"
_MIGRATION_LOCK = "SELECT pg_advisory_xact_lock(hashtext(current_schema() || ':actions-migrate'))"


class QueueSchemaError(QueueURLError):
    """The database has no queue schema yet, or one this version cannot read."""


def migrate(connection: psycopg.Connection[tuple[object, ...]]) -> tuple[int, int]:
    """Create or upgrade the schema in one transaction; returns (version before, version after).

    Serialised by an advisory lock, so two deploys running it at once do not both create tables.
    """
    with connection.transaction():
        connection.execute(_MIGRATION_LOCK)
        connection.execute(f"CREATE TABLE IF NOT EXISTS {_VERSION_TABLE} (version integer NOT NULL)")
        row = connection.execute(f"SELECT max(version) FROM {_VERSION_TABLE}").fetchone()
        before = int(row[0]) if row and row[0] is not None else 0
        if before > SCHEMA_VERSION:
            raise QueueSchemaError(_newer_message(before))
        for upgrade in _UPGRADES[before:]:
            connection.execute(upgrade)
        connection.execute(f"DELETE FROM {_VERSION_TABLE}")
        connection.execute(f"INSERT INTO {_VERSION_TABLE} (version) VALUES (%s)", (SCHEMA_VERSION,))
    return before, SCHEMA_VERSION


def check_schema(connection: psycopg.Connection[tuple[object, ...]], url: str) -> None:
    """Raise ``QueueSchemaError`` saying what to run unless the schema is exactly this version's."""
    row = connection.execute("SELECT to_regclass(%s) IS NOT NULL", (_VERSION_TABLE,)).fetchone()
    version = 0
    if row and row[0]:
        found = connection.execute(f"SELECT max(version) FROM {_VERSION_TABLE}").fetchone()
        version = int(found[0]) if found and found[0] is not None else 0
    if version == SCHEMA_VERSION:
        return
    shown = redact_queue_url(url)
    if version == 0:
        raise QueueSchemaError(f"--queue {shown}: this database has no delivery queue yet; create it with "
                               f"'actions queue migrate --queue {shown}'")
    if version < SCHEMA_VERSION:
        raise QueueSchemaError(f"--queue {shown}: the queue's schema is version {version}, this version of "
                               f"action-destinations needs {SCHEMA_VERSION}; upgrade it with "
                               f"'actions queue migrate --queue {shown}'")
    raise QueueSchemaError(f"--queue {shown}: {_newer_message(version)}")


def _newer_message(version: int) -> str:
    return (f"the queue's schema (version {version}) was written by a newer action-destinations, which this one "
            f"(schema {SCHEMA_VERSION}) cannot read; upgrade action-destinations on this machine")
