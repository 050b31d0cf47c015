"""Fixtures for the delivery tests: one ``queue`` per backend, so the contract suite runs on each.

The PostgreSQL backend joins the ``queue_backend`` parameters when its module exists; its tests are
skipped with the reason when no server answers, unless ``ACTIONS_REQUIRE_POSTGRES=1`` (CI sets it),
which turns the skip into a failure.
"""

from __future__ import annotations

import importlib.util
import os
import secrets
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import NoReturn
from urllib.parse import quote

import pytest

from framework.delivery import JobQueue

# The server the PostgreSQL tests use (CI's: trust auth, database ``test``); override to point elsewhere.
POSTGRES_URL = os.environ.get("ACTIONS_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
BACKENDS = ["sqlite"] + (["postgresql"] if importlib.util.find_spec("framework.delivery.postgres_queue") else [])


@pytest.fixture(params=BACKENDS)
def queue(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[JobQueue]:
    """A fresh, empty queue of each backend."""
    if request.param == "sqlite":
        from framework.delivery.sqlite_queue import SqliteQueue

        backend: JobQueue = SqliteQueue(tmp_path / "queue.db")
    else:
        backend = request.getfixturevalue("postgres_queue")
    yield backend
    backend.close()


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """The URL of a fresh PostgreSQL schema holding a migrated, empty queue; dropped afterwards.

    Each test gets its own schema (``search_path`` set in the URL), so tests never see each other's jobs.
    """
    psycopg = _psycopg_or_skip()
    from framework.delivery.postgres_queue import migrate_queue

    try:
        admin = psycopg.connect(POSTGRES_URL, autocommit=True, connect_timeout=3)
    except psycopg.OperationalError as error:
        _skip_or_fail(f"no PostgreSQL server at {POSTGRES_URL} ({' '.join(str(error).split())})")
    schema = f"actions_test_{secrets.token_hex(6)}"
    with admin:
        admin.execute(f"CREATE SCHEMA {schema}")
        try:
            url = _with_search_path(POSTGRES_URL, schema)
            migrate_queue(url)
            yield url
        finally:
            admin.execute(f"DROP SCHEMA {schema} CASCADE")


@pytest.fixture
def postgres_queue(postgres_url: str) -> JobQueue:
    """A ``PostgresQueue`` on its own schema (the ``queue`` fixture closes it)."""
    from framework.delivery.postgres_queue import PostgresQueue

    return PostgresQueue(postgres_url)


def _psycopg_or_skip() -> ModuleType:
    if importlib.util.find_spec("psycopg") is None or importlib.util.find_spec("psycopg_pool") is None:
        _skip_or_fail("the postgres extra is not installed: pip install -e '.[test,postgres]'")
    import psycopg

    return psycopg


def _skip_or_fail(reason: str) -> NoReturn:
    """Skip a PostgreSQL test with ``reason``, or fail it when ``ACTIONS_REQUIRE_POSTGRES=1`` (CI)."""
    if os.environ.get("ACTIONS_REQUIRE_POSTGRES") == "1":
        pytest.fail(f"ACTIONS_REQUIRE_POSTGRES=1 but {reason}", pytrace=False)
    pytest.skip(f"PostgreSQL tests skipped: {reason}; set ACTIONS_TEST_POSTGRES_URL to run them")


def _with_search_path(url: str, schema: str) -> str:
    separator = "&" if "?" in url else "?"
    return f"{url}{separator}options={quote(f'-csearch_path={schema}')}"
