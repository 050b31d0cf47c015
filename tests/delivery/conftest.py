"""Fixtures for the delivery tests: one ``queue`` per backend, so the contract suite runs on each.

The PostgreSQL backend joins the ``queue_backend`` parameters when its module exists; its tests are
skipped with the reason when no server answers, unless ``ACTIONS_REQUIRE_POSTGRES=1`` (CI sets it),
which turns the skip into a failure.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Iterator
from pathlib import Path

import pytest

from framework.delivery import JobQueue

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
