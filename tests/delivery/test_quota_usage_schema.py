"""The quota-usage table (schema 3 on PostgreSQL) reaches queues created before it, keeping their jobs."""

from __future__ import annotations

import argparse
import sqlite3
from pathlib import Path

import pytest

from framework.delivery import NewJob, open_queue
from framework.delivery.quota_usage import QuotaUsage
from tests.delivery.conftest import postgres_url  # noqa: F401  (fixture)

REPORT = QuotaUsage("acct", "i", 7, 100, 1_000.0)


def test_a_version_2_postgres_queue_gains_the_quota_table_when_migrated(postgres_url: str) -> None:  # noqa: F811
    psycopg = pytest.importorskip("psycopg")
    from framework.cli.cmd_queue_migrate import run_migrate
    from framework.delivery.postgres_schema import _UPGRADES, QueueSchemaError  # the frozen upgrade steps

    with psycopg.connect(postgres_url, autocommit=True) as connection:
        schema = connection.execute("SELECT current_schema()").fetchone()
        assert schema is not None
        connection.execute(f"DROP SCHEMA {schema[0]} CASCADE")
        connection.execute(f"CREATE SCHEMA {schema[0]}")
        for step in _UPGRADES[:2]:
            connection.execute(step)
        connection.execute("CREATE TABLE actions_schema_version (version integer NOT NULL)")
        connection.execute("INSERT INTO actions_schema_version VALUES (2)")
        connection.execute(
            "INSERT INTO actions_jobs (instance_id, subscription, message_id, account_key, event)"
            " VALUES ('i', 0, 'm1', 'acct', '{}')"
        )
    with pytest.raises(QueueSchemaError, match="version 2.*needs 3"):
        open_queue(postgres_url)
    assert run_migrate(argparse.Namespace(queue=postgres_url)) == 0
    queue = open_queue(postgres_url)
    try:
        assert queue.stats().rows[0].counts == {"queued": 1}
        queue.record_quota_usage([REPORT])
        assert queue.quota_usage() == [REPORT]
    finally:
        queue.close()


def test_a_sqlite_queue_from_before_the_quota_table_gains_it_on_opening(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'q.db'}"
    queue = open_queue(url)
    queue.enqueue([NewJob("i", 0, "m1", {}, "acct")])
    queue.close()
    with sqlite3.connect(tmp_path / "q.db") as db:
        db.execute("DROP TABLE quota_usage")  # as a queue written before the table existed
    queue = open_queue(url)
    try:
        assert queue.quota_usage() == []
        queue.record_quota_usage([REPORT])
        assert queue.quota_usage() == [REPORT] and queue.stats().rows[0].counts == {"queued": 1}
    finally:
        queue.close()
