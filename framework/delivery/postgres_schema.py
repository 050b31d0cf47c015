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

from typing import Any

import psycopg

from framework.delivery.queue_url import QueueURLError, redact_queue_url
from framework.delivery.quota_usage import POSTGRES_TABLE as _QUOTA_USAGE_TABLE

__all__ = ["SCHEMA_VERSION", "QueueSchemaError", "migrate", "check_schema", "NOW", "ACCOUNT_LOCK_SPACE"]

SCHEMA_VERSION = 3  # 2: lane runs and batches (claim_group), async batches (polls); 3: quota usage

# The first key of the two-key advisory lock that serialises claims of one account.
ACCOUNT_LOCK_SPACE = 7300

# The server's clock in epoch seconds, at the moment the expression runs (not the transaction's start).
NOW = "extract(epoch FROM clock_timestamp())::double precision"

# claim in one round trip. Due jobs at the head of their user's lane (no earlier job of the same
# ordering key queued or running: procrastinate's lock rule) are locked with SKIP LOCKED, walking the
# queued index in id order (bitmap scans and sorts would read the whole backlog: switched off for the
# function); then each limited account among them is locked (advisory, transaction-level, in sorted
# order: no deadlock) and its running jobs counted after the lock, so a claimer that held the lock
# first has committed its claims by then. Claims need not wait for the disk (synchronous_commit off):
# a claim lost in a server crash leaves its job queued.
_CLAIM_FUNCTION_1 = f"""
    CREATE OR REPLACE FUNCTION actions_claim(p_worker text, p_instances text[], p_limit integer, p_limited text[],
                                  p_limits integer[]) RETURNS SETOF actions_jobs
    LANGUAGE plpgsql SET enable_bitmapscan = off SET enable_sort = off AS $$
    DECLARE
        v_now double precision := {NOW};
        v_closed text[];
        v_ids bigint[] := '{{}}';
        v_keys text[] := '{{}}';
        v_keys_sorted text[];
        v_free integer[] := '{{}}';
        v_chosen bigint[] := '{{}}';
        v_key text;
        v_at integer;
        v_row record;
    BEGIN
        PERFORM set_config('synchronous_commit', 'off', true);
        SELECT coalesce(array_agg(closed.key), '{{}}') INTO v_closed FROM (
            SELECT account_key AS key FROM actions_account_pauses WHERE until > v_now
            UNION
            SELECT l.key FROM unnest(p_limited, p_limits) AS l(key, lim) WHERE l.lim <= (SELECT count(*)
                FROM actions_jobs AS r WHERE r.state = 'running' AND r.account_key = l.key)
        ) AS closed;
        FOR v_row IN
            SELECT j.id, j.account_key FROM actions_jobs AS j
            WHERE j.state = 'queued' AND j.instance_id = ANY(p_instances) AND j.not_before <= v_now
              AND NOT (j.account_key = ANY(v_closed))
              AND (j.ordering_key IS NULL OR NOT EXISTS (SELECT 1 FROM actions_jobs AS e
                   WHERE e.ordering_key = j.ordering_key AND e.id < j.id AND e.state IN ('queued', 'running')))
            ORDER BY j.id LIMIT p_limit * 4 FOR UPDATE OF j SKIP LOCKED
        LOOP
            v_ids := v_ids || v_row.id;
            v_keys := v_keys || v_row.account_key;
        END LOOP;
        SELECT coalesce(array_agg(DISTINCT k ORDER BY k), '{{}}') INTO v_keys_sorted
            FROM unnest(v_keys) AS k WHERE k = ANY(p_limited);
        FOREACH v_key IN ARRAY v_keys_sorted LOOP
            PERFORM pg_advisory_xact_lock({ACCOUNT_LOCK_SPACE}, hashtext(current_schema() || ':' || v_key));
            v_free := v_free || (p_limits[array_position(p_limited, v_key)] - (SELECT count(*)::integer
                FROM actions_jobs AS r WHERE r.state = 'running' AND r.account_key = v_key));
        END LOOP;
        FOR v_at IN 1 .. coalesce(array_length(v_ids, 1), 0) LOOP
            EXIT WHEN coalesce(array_length(v_chosen, 1), 0) >= p_limit;
            v_key := v_keys[v_at];
            IF v_key = ANY(v_keys_sorted) THEN
                CONTINUE WHEN v_free[array_position(v_keys_sorted, v_key)] <= 0;
                v_free[array_position(v_keys_sorted, v_key)] := v_free[array_position(v_keys_sorted, v_key)] - 1;
            END IF;
            v_chosen := v_chosen || v_ids[v_at];
        END LOOP;
        RETURN QUERY UPDATE actions_jobs SET state = 'running', worker_id = p_worker
            WHERE id = ANY(v_chosen) RETURNING *;
    END $$;
"""

# settle in one round trip: the outcomes and attempt records as two JSON arrays. A settlement only
# applies to a job still running (a late one, for a job recovered meanwhile, changes nothing). Unlike
# a claim it waits for the disk: one lost in a server crash would leave the job running for a worker
# that is alive and has forgotten it, holding its user's lane and an account slot for good.
_SETTLE_FUNCTION_1 = f"""
    CREATE OR REPLACE FUNCTION actions_settle(p_settlements json, p_attempts json) RETURNS void
    LANGUAGE plpgsql AS $$
    BEGIN
        UPDATE actions_jobs AS j SET state = s.state, worker_id = NULL,
            not_before = CASE WHEN s.state = 'queued' THEN s.not_before ELSE j.not_before END,
            settled_at = CASE WHEN s.state = 'queued' THEN j.settled_at ELSE {NOW} END,
            attempts = j.attempts + s.counted, tries = j.tries + 1, last_error = s.reason
        FROM json_to_recordset(p_settlements) AS s(id bigint, state text, not_before double precision,
                                                   counted integer, reason text)
        WHERE j.id = s.id AND j.state = 'running';
        INSERT INTO actions_attempts SELECT * FROM json_populate_recordset(NULL::actions_attempts, p_attempts)
        ON CONFLICT (job_id, number) DO UPDATE SET started_at = excluded.started_at,
            latency_ms = excluded.latency_ms, status = excluded.status, resolution = excluded.resolution,
            http_status = excluded.http_status, error_code = excluded.error_code, message = excluded.message,
            request = excluded.request;
    END $$;
"""

# Version 2 (issue 10): claim with lane runs and skipped subscriptions. As version 1, plus: a claimed
# head brings up to ``p_lane_run - 1`` followers (the next unfinished jobs of its lane while they are
# queued, due and of its instance and subscription), all marked with the head's id as ``claim_group``;
# an account's running calls are its running claim groups (a run is one call), counted after its lock.
_CLAIM_FUNCTION = f"""
    CREATE OR REPLACE FUNCTION actions_claim(p_worker text, p_instances text[], p_limit integer, p_limited text[],
                                  p_limits integer[], p_lane_run integer, p_skip_instances text[],
                                  p_skip_subscriptions integer[]) RETURNS SETOF actions_jobs
    LANGUAGE plpgsql SET enable_bitmapscan = off SET enable_sort = off AS $$
    DECLARE
        v_now double precision := {NOW};
        v_closed text[];
        v_ids bigint[] := '{{}}';
        v_keys text[] := '{{}}';
        v_keys_sorted text[];
        v_free integer[] := '{{}}';
        v_chosen bigint[] := '{{}}';
        v_key text;
        v_at integer;
        v_row record;
    BEGIN
        PERFORM set_config('synchronous_commit', 'off', true);
        SELECT coalesce(array_agg(closed.key), '{{}}') INTO v_closed FROM (
            SELECT account_key AS key FROM actions_account_pauses WHERE until > v_now
            UNION
            SELECT l.key FROM unnest(p_limited, p_limits) AS l(key, lim) WHERE l.lim <= (
                SELECT count(DISTINCT coalesce(r.claim_group, r.id))
                FROM actions_jobs AS r WHERE r.state = 'running' AND r.account_key = l.key)
        ) AS closed;
        FOR v_row IN
            SELECT j.id, j.account_key FROM actions_jobs AS j
            WHERE j.state = 'queued' AND j.instance_id = ANY(p_instances) AND j.not_before <= v_now
              AND NOT (j.account_key = ANY(v_closed))
              AND NOT EXISTS (SELECT 1 FROM unnest(p_skip_instances, p_skip_subscriptions) AS s(i, sub)
                              WHERE s.i = j.instance_id AND s.sub = j.subscription)
              AND (j.ordering_key IS NULL OR NOT EXISTS (SELECT 1 FROM actions_jobs AS e
                   WHERE e.ordering_key = j.ordering_key AND e.id < j.id
                     AND e.state IN ('queued', 'running', 'polling')))
            ORDER BY j.id LIMIT p_limit * 4 FOR UPDATE OF j SKIP LOCKED
        LOOP
            v_ids := v_ids || v_row.id;
            v_keys := v_keys || v_row.account_key;
        END LOOP;
        SELECT coalesce(array_agg(DISTINCT k ORDER BY k), '{{}}') INTO v_keys_sorted
            FROM unnest(v_keys) AS k WHERE k = ANY(p_limited);
        FOREACH v_key IN ARRAY v_keys_sorted LOOP
            PERFORM pg_advisory_xact_lock({ACCOUNT_LOCK_SPACE}, hashtext(current_schema() || ':' || v_key));
            v_free := v_free || (p_limits[array_position(p_limited, v_key)] - (
                SELECT count(DISTINCT coalesce(r.claim_group, r.id))::integer
                FROM actions_jobs AS r WHERE r.state = 'running' AND r.account_key = v_key));
        END LOOP;
        FOR v_at IN 1 .. coalesce(array_length(v_ids, 1), 0) LOOP
            EXIT WHEN coalesce(array_length(v_chosen, 1), 0) >= p_limit;
            v_key := v_keys[v_at];
            IF v_key = ANY(v_keys_sorted) THEN
                CONTINUE WHEN v_free[array_position(v_keys_sorted, v_key)] <= 0;
                v_free[array_position(v_keys_sorted, v_key)] := v_free[array_position(v_keys_sorted, v_key)] - 1;
            END IF;
            v_chosen := v_chosen || v_ids[v_at];
        END LOOP;
        RETURN QUERY
        WITH members AS (
            SELECT h.id AS grp, h.id FROM actions_jobs AS h WHERE h.id = ANY(v_chosen)
            UNION ALL
            SELECT run.grp, run.id FROM (
                SELECT h.id AS grp, f.id, bool_and(f.state = 'queued' AND f.not_before <= v_now
                    AND f.instance_id = h.instance_id AND f.subscription = h.subscription)
                    OVER (PARTITION BY h.id ORDER BY f.id) AS consecutive
                FROM actions_jobs AS h CROSS JOIN LATERAL (
                    SELECT * FROM actions_jobs AS n WHERE n.ordering_key = h.ordering_key AND n.id > h.id
                      AND n.state IN ('queued', 'running', 'polling') ORDER BY n.id LIMIT p_lane_run - 1) AS f
                WHERE h.id = ANY(v_chosen) AND h.ordering_key IS NOT NULL AND p_lane_run > 1
            ) AS run WHERE run.consecutive
        )
        UPDATE actions_jobs AS j SET state = 'running', worker_id = p_worker, claim_group = m.grp
            FROM members AS m WHERE j.id = m.id AND j.state = 'queued' RETURNING j.*;
    END $$;
"""

# Version 2: a settlement applies to a running or polling job; an untried one (``tried`` 0: handed
# back from a merged run after an earlier call failed) changes neither ``tries`` nor ``attempts``.
_SETTLE_FUNCTION = f"""
    CREATE OR REPLACE FUNCTION actions_settle(p_settlements json, p_attempts json) RETURNS void
    LANGUAGE plpgsql AS $$
    BEGIN
        UPDATE actions_jobs AS j SET state = s.state, worker_id = NULL,
            not_before = CASE WHEN s.state = 'queued' THEN s.not_before ELSE j.not_before END,
            settled_at = CASE WHEN s.state = 'queued' THEN j.settled_at ELSE {NOW} END,
            attempts = j.attempts + s.counted * s.tried, tries = j.tries + s.tried, last_error = s.reason
        FROM json_to_recordset(p_settlements) AS s(id bigint, state text, not_before double precision,
                                                   counted integer, tried integer, reason text)
        WHERE j.id = s.id AND j.state IN ('running', 'polling');
        INSERT INTO actions_attempts SELECT * FROM json_populate_recordset(NULL::actions_attempts, p_attempts)
        ON CONFLICT (job_id, number) DO UPDATE SET started_at = excluded.started_at,
            latency_ms = excluded.latency_ms, status = excluded.status, resolution = excluded.resolution,
            http_status = excluded.http_status, error_code = excluded.error_code, message = excluded.message,
            request = excluded.request;
    END $$;
"""

# From version 1 to 2: the polling state, claim groups, the polls of async batches, the new functions.
_UPGRADE_TO_2 = f"""
    ALTER TABLE actions_jobs ADD COLUMN claim_group bigint;
    ALTER TABLE actions_jobs DROP CONSTRAINT actions_jobs_state_check;
    ALTER TABLE actions_jobs ADD CONSTRAINT actions_jobs_state_check
        CHECK (state IN ('queued', 'running', 'polling', 'delivered', 'filtered', 'invalid', 'dead'));
    DROP INDEX actions_jobs_lane;
    CREATE INDEX actions_jobs_lane ON actions_jobs (ordering_key, id) WHERE state IN ('queued', 'running', 'polling');
    CREATE TABLE actions_polls (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        instance_id text NOT NULL,
        subscription integer NOT NULL,
        account_key text NOT NULL,
        pending json NOT NULL,
        job_ids json NOT NULL,
        poll_at double precision NOT NULL,
        polls integer NOT NULL DEFAULT 0,
        created_at double precision NOT NULL DEFAULT {NOW}
    );
    CREATE INDEX actions_polls_subscription ON actions_polls (instance_id, subscription);
    DROP FUNCTION actions_claim(text, text[], integer, text[], integer[]);
    {_CLAIM_FUNCTION}
    {_SETTLE_FUNCTION}
"""

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
    {_CLAIM_FUNCTION_1}
    {_SETTLE_FUNCTION_1}
    """,
    _UPGRADE_TO_2,
    _QUOTA_USAGE_TABLE,  # 3: each account's last reported daily API usage (quota_usage)
)
assert len(_UPGRADES) == SCHEMA_VERSION

_VERSION_TABLE = "actions_schema_version"
_MIGRATION_LOCK = "SELECT pg_advisory_xact_lock(hashtext(current_schema() || ':actions-migrate'))"


class QueueSchemaError(QueueURLError):
    """The database has no queue schema yet, or one this version cannot read."""


def migrate(connection: psycopg.Connection[tuple[Any, ...]]) -> tuple[int, int]:
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


def check_schema(connection: psycopg.Connection[tuple[Any, ...]], url: str) -> None:
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
        raise QueueSchemaError(
            f"--queue {shown}: this database has no delivery queue yet; create it with "
            f"'actions queue migrate --queue {shown}'"
        )
    if version < SCHEMA_VERSION:
        raise QueueSchemaError(
            f"--queue {shown}: the queue's schema is version {version}, this version of "
            f"action-destinations needs {SCHEMA_VERSION}; upgrade it with "
            f"'actions queue migrate --queue {shown}'"
        )
    raise QueueSchemaError(f"--queue {shown}: {_newer_message(version)}")


def _newer_message(version: int) -> str:
    return (
        f"the queue's schema (version {version}) was written by a newer action-destinations, which this one "
        f"(schema {SCHEMA_VERSION}) cannot read; upgrade action-destinations on this machine"
    )
