"""Secrets at rest: the SQLite queue is private to its owner, and no token table holds a client secret (issue 18)."""

from __future__ import annotations

import json
import logging
import os
import sqlite3
import stat
from pathlib import Path

import pytest

from framework.auth import OAuthTokens
from framework.delivery import open_queue
from framework.delivery.sqlite_queue import SqliteQueue

CLIENT_SECRET = "client-secret-never-stored"
TOKENS = OAuthTokens(
    access_token="access-1", refresh_token="refresh-1", client_id="client-id-1", client_secret=CLIENT_SECRET
)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_new_queue_is_readable_by_its_owner_only_whatever_the_umask(tmp_path: Path) -> None:
    previous = os.umask(0o022)
    try:
        queue = SqliteQueue(tmp_path / "state" / ".actions" / "queue.db")
        queue.token_store().save("k", TOKENS)  # writes: the -wal and -shm now exist
        try:
            folder = tmp_path / "state" / ".actions"
            assert mode(folder) == 0o700 and mode(folder.parent) == 0o700
            for name in ("queue.db", "queue.db-wal", "queue.db-shm"):
                assert mode(folder / name) == 0o600, name
        finally:
            queue.close()
    finally:
        os.umask(previous)


def test_an_existing_queue_readable_by_others_is_warned_about(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    path = tmp_path / "queue.db"
    SqliteQueue(path).close()
    os.chmod(path, 0o644)
    with caplog.at_level(logging.WARNING):
        SqliteQueue(path).close()
    assert f"chmod 600 {path}" in caplog.text
    assert mode(path) == 0o644  # left as set: only warned about


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_the_token_table_holds_no_client_secret(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> None:
    url = str(tmp_path / "queue.db") if backend == "sqlite" else request.getfixturevalue("postgres_url")
    queue = open_queue(url)
    try:
        store = queue.token_store()
        store.save("k", TOKENS)
        stored = store.load("k")
        assert stored is not None and (stored.access_token, stored.refresh_token) == ("access-1", "refresh-1")
        assert stored.client_secret is None and stored.client_id is None
        assert CLIENT_SECRET not in _token_rows(queue, backend)
    finally:
        queue.close()


def test_rows_an_older_version_saved_whole_are_rewritten_on_open(tmp_path: Path) -> None:
    path = tmp_path / "queue.db"
    SqliteQueue(path).close()
    with sqlite3.connect(path) as db:
        db.execute(
            "INSERT INTO tokens (key, data, updated_at) VALUES ('k', ?, 0)",
            (
                json.dumps(
                    {"access_token": "a", "refresh_token": "r", "client_id": "c", "client_secret": CLIENT_SECRET}
                ),
            ),
        )
    queue = SqliteQueue(path)
    try:
        stored = queue.token_store().load("k")
        assert stored is not None and stored.refresh_token == "r"
        assert CLIENT_SECRET not in _token_rows(queue, "sqlite")
    finally:
        queue.close()


def test_a_refresher_gets_the_client_from_the_config_and_the_tokens_from_the_store(tmp_path: Path) -> None:
    from framework.auth.refresher import TokenRefresher

    queue = SqliteQueue(tmp_path / "queue.db")
    try:
        queue.token_store().save("k", OAuthTokens(access_token="access-2", refresh_token="refresh-2"))
        current = TokenRefresher(queue.token_store()).current("k", TOKENS)
        assert current == OAuthTokens("access-2", "refresh-2", "client-id-1", CLIENT_SECRET)
    finally:
        queue.close()


def _token_rows(queue: object, backend: str) -> str:
    if backend == "sqlite":
        with sqlite3.connect(queue.path) as db:  # type: ignore[attr-defined]
            return repr(db.execute("SELECT * FROM tokens").fetchall())
    import psycopg

    with psycopg.connect(queue._conninfo) as connection:  # type: ignore[attr-defined]
        return repr(connection.execute("SELECT * FROM actions_tokens").fetchall())
