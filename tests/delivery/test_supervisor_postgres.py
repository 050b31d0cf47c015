"""PostgreSQL backends terminated during delivery: the supervised worker reconnects and delivers all.

Only this test's own connections are terminated (``application_name`` is unique to the test), so
other tests sharing the server are untouched. Before: the first ``AdminShutdown`` ended the worker.
"""

from __future__ import annotations

import secrets
import threading
import time
from pathlib import Path

import pytest

pytest.importorskip("psycopg", reason="the postgres extra is not installed: pip install -e '.[test,postgres]'")

import psycopg  # noqa: E402

from destinations.pardot.emulator import PardotEmulator  # noqa: E402
from framework.delivery.postgres_queue import PostgresQueue  # noqa: E402
from framework.delivery.supervisor import Backoff, SupervisedWorker  # noqa: E402
from framework.delivery.worker import WorkerOptions  # noqa: E402
from framework.instance import DestinationInstance  # noqa: E402
from tests.delivery.conftest import POSTGRES_URL  # noqa: E402
from tests.delivery.test_supervisor import delivered, enqueue_identifies, instance_config  # noqa: E402

EVENTS = 300
TERMINATIONS = 4


def terminate_backends(application_name: str) -> int:
    """``pg_terminate_backend`` on every connection this test's queue holds; how many were ended."""
    with psycopg.connect(POSTGRES_URL, autocommit=True) as admin:
        rows = admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE application_name = %s AND datname = current_database()",
            (application_name,),
        ).fetchall()
    return len(rows)


def test_terminated_backends_during_delivery_are_reconnected_and_every_event_is_delivered(
    tmp_path: Path, postgres_url: str
) -> None:
    application_name = f"actions_fault_{secrets.token_hex(4)}"
    queue = PostgresQueue(f"{postgres_url}&application_name={application_name}")
    terminated = 0
    try:
        with (
            PardotEmulator(latency=0.01) as emulator,
            DestinationInstance.from_file(
                instance_config(tmp_path, emulator.base_url), token_store=queue.token_store()
            ) as instance,
        ):
            enqueue_identifies(queue, instance, EVENTS)
            supervised = SupervisedWorker(
                queue,
                [instance],
                options=WorkerOptions(idle_poll=0.05, give_up_wait=5.0, concurrency=4),
                backoff=Backoff(first=0.05, cap=0.2),
            )
            result: list[str] = []
            thread = threading.Thread(target=lambda: result.append(supervised.run(until_empty=True).reason))
            thread.start()
            for _ in range(TERMINATIONS):
                time.sleep(0.3)
                terminated += terminate_backends(application_name)
            thread.join(timeout=120)
            assert not thread.is_alive(), "the worker did not drain the queue"
        assert terminated >= TERMINATIONS  # the faults really happened
        assert result == ["drained"]
        assert delivered(queue) == EVENTS and queue.unfinished(["supervised"]) == 0
        assert supervised.health().restarts >= 1
    finally:
        queue.close()
