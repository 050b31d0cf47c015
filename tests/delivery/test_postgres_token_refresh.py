"""Two worker processes share one credential through the PostgreSQL queue's token store.

When the access token expires under both at once, exactly one refresh reaches the token endpoint (the
other process waits on the advisory lock, then loads the new token); with refresh-token rotation on,
the rotated refresh token is stored where the other process reads it, so its later refresh works.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

pytest.importorskip("psycopg", reason="the postgres extra is not installed: pip install -e '.[test,postgres]'")

from destinations.pardot.emulator import PardotEmulator  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
INSTANCE = ROOT / "fixtures" / "instances" / "pardot.toml"

# One worker process: an instance whose tokens live in the queue's store; it sends one event per "go".
_WORKER = textwrap.dedent("""
    import sys
    from framework.delivery.postgres_queue import PostgresQueue
    from framework.instance import DestinationInstance
    queue_url, instance_path, endpoint, name = sys.argv[1:5]
    queue = PostgresQueue(queue_url)
    instance = DestinationInstance.from_file(instance_path, endpoint=endpoint, token_store=queue.token_store())
    print("ready", flush=True)
    for round_number, line in enumerate(sys.stdin):
        event = {"type": "identify", "userId": name, "messageId": f"{name}-{round_number}",
                 "traits": {"email": f"{name}@example.com", "firstName": f"{name} {round_number}"}}
        print(",".join(r.status for r in instance.send(event) if r.status != "filtered"), flush=True)
    queue.close()
""")


@pytest.fixture
def emulator() -> Iterator[PardotEmulator]:
    with PardotEmulator(custom_fields=["Food_Preference__c", "Trial_EOM_Date__c"],
                        rotate_refresh_tokens=True) as running:
        running.add_access_token("emulator-access-token")
        running.add_refresh_token("emulator-refresh-token")
        yield running


def _start(postgres_url: str, endpoint: str, name: str) -> subprocess.Popen[str]:
    process = subprocess.Popen([sys.executable, "-c", _WORKER, postgres_url, str(INSTANCE), endpoint, name],
                               stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=ROOT)
    assert process.stdout is not None and process.stdout.readline().strip() == "ready"
    return process


def _round(workers: list[subprocess.Popen[str]]) -> list[str]:
    for worker in workers:  # both start sending as close together as two writes allow
        assert worker.stdin is not None
        worker.stdin.write("go\n")
        worker.stdin.flush()
    return [worker.stdout.readline().strip() for worker in workers]  # type: ignore[union-attr]


def test_an_access_token_expiring_under_two_workers_is_refreshed_once(
        postgres_url: str, emulator: PardotEmulator) -> None:
    workers = [_start(postgres_url, emulator.base_url, name) for name in ("alice", "bob")]
    try:
        assert _round(workers) == ["delivered", "delivered"]
        assert emulator.stats()["token_refreshes"] == 0
        emulator.expire_tokens()
        assert _round(workers) == ["delivered", "delivered"]
        assert emulator.stats()["token_refreshes"] == 1  # one process refreshed; the other used its token
        emulator.expire_tokens()  # the refresh token was rotated: only the stored one is still valid
        assert _round(workers) == ["delivered", "delivered"]
        assert emulator.stats()["token_refreshes"] == 2
    finally:
        for worker in workers:
            worker.stdin.close()  # type: ignore[union-attr]
            worker.wait(10)
            worker.stdout.close()  # type: ignore[union-attr]
