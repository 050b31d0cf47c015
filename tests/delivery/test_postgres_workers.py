"""Three ``actions worker`` processes on one PostgreSQL queue, one of them killed with ``kill -9`` midway.

3,000 identify events of 300 users go into the Pardot emulator (in this process, random faults on).
Afterwards every event is delivered or dead-lettered with a reason, each prospect holds the values of
its user's last delivered event (per-user order held across processes and across the recovery), and
the emulator never saw more than 5 requests in flight for the business unit (the account limit is
kept over all workers, not per worker).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

pytest.importorskip("psycopg", reason="the postgres extra is not installed: pip install -e '.[test,postgres]'")

from destinations.pardot.emulator import PardotEmulator  # noqa: E402
from framework.delivery import DeadLetterSelection, JobProducer, JobState  # noqa: E402
from framework.delivery.postgres_queue import PostgresQueue  # noqa: E402
from framework.instance import DestinationInstance  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
UNIT = "0Uv000000000001AAA"
USERS, EVENTS_PER_USER = 300, 10
FAULTS = "500:0.04,503:0.03,66:0.02,reset:0.01,reset_after:0.01,expire:0.002"
DEADLINE_S = 90
LATENCY_S = 0.01  # every API request takes this long, so that requests overlap and the limit matters

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

[delivery]
max_attempts = 8
backoff_base = 0.05
backoff_cap = 0.5

[[subscriptions]]
name = "Upsert prospects on identify"
subscribe = 'type = "identify"'
action = "prospects"
[subscriptions.mapping]
firstName = {{ "@path" = "$.traits.firstName" }}
"""


@pytest.fixture
def emulator() -> Iterator[PardotEmulator]:
    with PardotEmulator(business_units=[UNIT], faults=FAULTS, seed=11, latency=LATENCY_S) as running:
        running.add_access_token("emulator-access-token")
        running.add_refresh_token("emulator-refresh-token")
        yield running


def _events() -> list[dict[str, object]]:
    """Each user's events, interleaved: event k of every user before event k+1 of any."""
    return [
        {
            "type": "identify",
            "userId": f"user{user}",
            "messageId": f"user{user}-{k}",
            "traits": {"email": f"user{user}@example.com", "firstName": f"v{k}"},
        }
        for k in range(EVENTS_PER_USER)
        for user in range(USERS)
    ]


def _start_worker(postgres_url: str, instance_path: Path, log: Path) -> subprocess.Popen[bytes]:
    """``actions worker`` in a process of its own; what it prints goes to ``log``."""
    with log.open("wb") as output:
        return subprocess.Popen(
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


def _wait_until(condition: object, what: str) -> None:
    deadline = time.monotonic() + DEADLINE_S
    while not condition():  # type: ignore[operator]
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up after {DEADLINE_S} s waiting for {what}")
        time.sleep(0.1)


def test_three_workers_one_killed_deliver_everything_in_order_within_the_limit(
    postgres_url: str, emulator: PardotEmulator, tmp_path: Path
) -> None:
    instance_path = tmp_path / "pardot.toml"
    instance_path.write_text(_INSTANCE_TOML.format(endpoint=emulator.base_url, unit=UNIT))
    queue = PostgresQueue(postgres_url)
    producer = JobProducer(DestinationInstance.from_file(instance_path))
    events = _events()
    jobs = [job for event in events for job in producer.produce(event).jobs]
    assert queue.enqueue(jobs).added == len(events) == USERS * EVENTS_PER_USER

    workers = [_start_worker(postgres_url, instance_path, tmp_path / f"worker{n}.log") for n in range(3)]
    try:
        _wait_until(lambda: queue.stats().total("delivered") >= len(events) // 3, "a third to be delivered")
        os.kill(workers[0].pid, signal.SIGKILL)
        workers[0].wait(10)
        # What the survivors' periodic recover does (every 30 s by default): the killed worker's process
        # is gone from this host, so its jobs go back at once.
        assert queue.recover(stale_after=60) >= 0
        _wait_until(lambda: queue.unfinished([producer.instance_id]) == 0, "every job to be settled")
    finally:
        for worker in workers:
            if worker.poll() is None:
                worker.send_signal(signal.SIGTERM)
        for worker in workers:
            worker.wait(30)
    for n in (1, 2):  # the survivors stopped cleanly on SIGTERM (130: interrupted, as after Ctrl+C)
        assert workers[n].returncode in (0, 130) and "Traceback" not in (tmp_path / f"worker{n}.log").read_text()

    stats = queue.stats()
    dead = list(queue.dead_letters(DeadLetterSelection(states=(JobState.DEAD, JobState.INVALID))))
    assert stats.total("delivered") + len(dead) == len(events)
    assert all(letter.last_error for letter in dead), [letter.message_id for letter in dead if not letter.last_error]
    dead_ids = {letter.message_id for letter in dead}
    prospects = {prospect["email"]: prospect for prospect in emulator.prospects()}
    for user in range(USERS):
        delivered = [k for k in range(EVENTS_PER_USER) if f"user{user}-{k}" not in dead_ids]
        if delivered:
            assert prospects[f"user{user}@example.com"]["firstName"] == f"v{delivered[-1]}", f"user{user}"
    emulator_stats = emulator.stats()
    assert 0 < emulator_stats["max_in_flight"][UNIT] <= 5
    assert sum(emulator_stats["faults_injected"].values()) > 0  # the faults did fire
    queue.close()
