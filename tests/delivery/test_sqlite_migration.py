"""A queue file written before issue 10 (schema 1) opens, keeps its jobs and gains lane runs and polls."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from framework.delivery import JobState
from framework.delivery.sqlite_queue import SqliteQueue

_SCHEMA_1_JOBS = """
CREATE TABLE jobs (
    id INTEGER PRIMARY KEY, instance_id TEXT NOT NULL, subscription INTEGER NOT NULL,
    subscription_name TEXT NOT NULL DEFAULT '', message_id TEXT NOT NULL, account_key TEXT NOT NULL,
    ordering_key TEXT, event TEXT NOT NULL, state TEXT NOT NULL DEFAULT 'queued',
    attempts INTEGER NOT NULL DEFAULT 0, tries INTEGER NOT NULL DEFAULT 0, enqueued_at REAL NOT NULL,
    not_before REAL NOT NULL DEFAULT 0, settled_at REAL, worker_id TEXT, last_error TEXT NOT NULL DEFAULT '',
    UNIQUE (instance_id, subscription, message_id)
);
CREATE INDEX jobs_lane ON jobs (ordering_key, id) WHERE state IN ('queued', 'running');
PRAGMA user_version = 1;
"""


def test_a_schema_1_queue_is_migrated_in_place(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    old = sqlite3.connect(path)
    old.executescript(_SCHEMA_1_JOBS)
    old.executemany(
        "INSERT INTO jobs (instance_id, subscription, message_id, account_key, ordering_key, event,"
        " enqueued_at) VALUES ('i', 0, ?, 'acct', 'i\x1fu:a', '{}', 1.0)",
        [("m1",), ("m2",)],
    )
    old.commit()
    old.close()
    queue = SqliteQueue(path)
    claimed = queue.claim("w1", instances=["i"], limit=5, account_limits={"acct": 1}, lane_run=5)
    assert [job.message_id for job in claimed] == ["m1", "m2"] and claimed[0].state is JobState.RUNNING
    version = queue._db.execute("PRAGMA user_version").fetchone()[0]
    indexes = {row[0] for row in queue._db.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
    assert version == 2 and "jobs_lane" not in indexes and "jobs_lane_open" in indexes
    queue.close()
