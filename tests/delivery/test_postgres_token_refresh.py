"""Worker processes share one credential through the PostgreSQL queue's token store.

The emulator expires every access token while two workers send: exactly one refresh reaches the
token endpoint (the other worker waits on the advisory lock, then loads the new token). Refresh-token
rotation is on, so a second expiry can only be refreshed with the rotated refresh token that the
first refresh stored where every worker reads it. Two ``actions worker`` processes show it end to
end; two processes made to send at the same moment show it where the race is certain.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

pytest.importorskip("psycopg", reason="the postgres extra is not installed: pip install -e '.[test,postgres]'")

from destinations.pardot.emulator import PardotEmulator  # noqa: E402
from framework.delivery import JobProducer  # noqa: E402
from framework.delivery.postgres_queue import PostgresQueue  # noqa: E402
from framework.instance import DestinationInstance  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
INSTANCE = ROOT / "fixtures" / "instances" / "pardot.toml"
UNIT = "0Uv000000000001AAA"
EVENTS = 600
DEADLINE_S = 60

_INSTANCE_TOML = """
destination = "actions-pardot"
endpoint = "{endpoint}"

[settings]
businessUnitID = "{unit}"
accountID = "1"
isSandbox = false

[auth]
access_token = "emulator-access-token"
refresh_token = "emulator-refresh-token"
client_id = "emulator-client-id"
client_secret = "emulator-client-secret"

[[subscriptions]]
name = "Upsert prospects on identify"
subscribe = 'type = "identify"'
action = "prospects"
"""


@pytest.fixture
def emulator() -> Iterator[PardotEmulator]:
    with PardotEmulator(business_units=[UNIT], rotate_refresh_tokens=True, latency=0.01) as running:
        running.add_access_token("emulator-access-token")
        running.add_refresh_token("emulator-refresh-token")
        yield running


def _wait_until(condition: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + DEADLINE_S
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up after {DEADLINE_S} s waiting for {what}")
        time.sleep(0.05)


def test_an_access_token_expiring_under_two_workers_is_refreshed_once(
    postgres_url: str, emulator: PardotEmulator, tmp_path: Path
) -> None:
    instance_path = tmp_path / "pardot.toml"
    instance_path.write_text(_INSTANCE_TOML.format(endpoint=emulator.base_url, unit=UNIT))
    queue = PostgresQueue(postgres_url)
    producer = JobProducer(DestinationInstance.from_file(instance_path))
    events = [
        {"type": "identify", "userId": f"user{n}", "messageId": f"m{n}", "traits": {"email": f"user{n}@example.com"}}
        for n in range(EVENTS)
    ]
    queue.enqueue([job for event in events for job in producer.produce(event).jobs])
    logs = [tmp_path / f"worker{n}.log" for n in range(2)]
    workers = []
    for log in logs:
        with log.open("wb") as output:
            workers.append(
                subprocess.Popen(
                    [
                        sys.executable,
                        "-m",
                        "framework.cli",
                        "worker",
                        "--queue",
                        postgres_url,
                        "--instance",
                        str(instance_path),
                    ],
                    stdout=output,
                    stderr=subprocess.STDOUT,
                    cwd=ROOT,
                )
            )
    delivered = lambda: queue.stats().total("delivered")  # noqa: E731
    try:
        _wait_until(lambda: delivered() >= EVENTS // 4, "a quarter delivered")  # both workers busy
        emulator.expire_tokens()
        _wait_until(lambda: delivered() >= EVENTS // 2, "half delivered")
        stats = emulator.stats()
        assert stats["token_refreshes"] == 1
        assert stats["by_status"].get("401", 0) >= 2  # several requests met the expired token
        emulator.expire_tokens()  # the refresh token was rotated: only the stored one still works
        _wait_until(lambda: queue.unfinished([producer.instance_id]) == 0, "every job to be settled")
    finally:
        for worker in workers:
            worker.send_signal(signal.SIGTERM)
        for worker in workers:
            worker.wait(30)
    assert delivered() == EVENTS, [log.read_text() for log in logs]
    assert emulator.stats()["token_refreshes"] == 2
    assert not [log for log in logs if "Traceback" in log.read_text()]
    queue.close()


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
def rotating_emulator() -> Iterator[PardotEmulator]:
    with PardotEmulator(
        custom_fields=["Food_Preference__c", "Trial_EOM_Date__c"], rotate_refresh_tokens=True
    ) as running:
        running.add_access_token("emulator-access-token")
        running.add_refresh_token("emulator-refresh-token")
        yield running


def _start(postgres_url: str, endpoint: str, name: str) -> subprocess.Popen[str]:
    process = subprocess.Popen(
        [sys.executable, "-c", _WORKER, postgres_url, str(INSTANCE), endpoint, name],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    assert process.stdout is not None and process.stdout.readline().strip() == "ready"
    return process


def _round(workers: list[subprocess.Popen[str]]) -> list[str]:
    for worker in workers:  # both start sending as close together as two writes allow
        assert worker.stdin is not None
        worker.stdin.write("go\n")
        worker.stdin.flush()
    return [worker.stdout.readline().strip() for worker in workers]  # type: ignore[union-attr]


def test_two_processes_meeting_the_expiry_at_the_same_moment_refresh_once(
    postgres_url: str, rotating_emulator: PardotEmulator
) -> None:
    emulator = rotating_emulator
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
