"""The supervised delivery worker outlives transient queue errors; every accepted job is delivered.

Faults: ``database or disk is full`` (a real full tmpfs when this process may mount one, else the
error raised at the queue), a non-transient crash, and what ``/health`` says about a worker that is
down or stalled. The PostgreSQL case (backends terminated during delivery) is in
``test_supervisor_postgres.py``.
"""

from __future__ import annotations

import functools
import os
import sqlite3
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from destinations.pardot.emulator import DEFAULT_BUSINESS_UNIT, PardotEmulator
from framework.delivery.jobs import JobState
from framework.delivery.producer import JobProducer
from framework.delivery.sqlite_queue import SqliteQueue
from framework.delivery.supervisor import Backoff, SupervisedWorker, WorkerHealth, is_transient_queue_error
from framework.delivery.worker import DeliveryWorker, WorkerOptions
from framework.instance import DestinationInstance
from framework.intake.app import STALL_AFTER_S, worker_problem

QUICK = WorkerOptions(idle_poll=0.05, give_up_wait=5.0)
FAST_BACKOFF = Backoff(first=0.01, cap=0.05)
DISK_FULL = sqlite3.OperationalError("database or disk is full")


def instance_config(folder: Path, base_url: str) -> Path:
    path = folder / "supervised.toml"
    path.write_text(
        f'''id = "supervised"
destination = "actions-pardot"
endpoint = "{base_url}"
[settings]
businessUnitID = "{DEFAULT_BUSINESS_UNIT}"
accountID = "1041922"
[auth]
access_token = "emulator-access-token"
refresh_token = "emulator-refresh-token"
client_id = "emulator-client-id"
client_secret = "emulator-client-secret"
[delivery]
backoff_base = "10ms"
backoff_cap = "50ms"
[[subscriptions]]
name = "Upsert"
subscribe = 'type = "identify"'
action = "prospects"
''',
        encoding="utf-8",
    )
    return path


def enqueue_identifies(queue: Any, instance: DestinationInstance, count: int) -> None:
    producer = JobProducer(instance)
    events = [
        {"type": "identify", "userId": f"u{n}", "messageId": f"m{n}", "traits": {"email": f"u{n}@example.com"}}
        for n in range(count)
    ]
    queue.enqueue([job for event in events for job in producer.produce(event).jobs])


def delivered(queue: Any) -> int:
    return sum(row.counts.get(JobState.DELIVERED.value, 0) for row in queue.stats().rows)


def failing_first(method: Callable[..., Any], times: int, error: Exception) -> Callable[..., Any]:
    """``method``, raising ``error`` on its first ``times`` calls (the fault injected at the queue)."""
    calls = {"n": 0}

    @functools.wraps(method)  # keeps the signature the worker checks for lane runs
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        calls["n"] += 1
        if calls["n"] <= times:
            raise error
        return method(*args, **kwargs)

    return wrapped


@pytest.fixture
def emulator() -> Iterator[PardotEmulator]:
    with PardotEmulator() as running:
        yield running


@pytest.fixture
def queue(tmp_path: Path) -> Iterator[SqliteQueue]:
    opened = SqliteQueue(tmp_path / "queue.db")
    yield opened
    opened.close()


def test_a_disk_full_error_at_the_queue_killed_the_bare_worker_but_the_supervisor_restarts_it(
    tmp_path: Path, emulator: PardotEmulator, queue: SqliteQueue
) -> None:
    with DestinationInstance.from_file(
        instance_config(tmp_path, emulator.base_url), token_store=queue.token_store()
    ) as instance:
        enqueue_identifies(queue, instance, 40)
        queue.claim = failing_first(queue.claim, 1, DISK_FULL)  # type: ignore[method-assign]
        with pytest.raises(sqlite3.OperationalError):  # before: the worker's run() dies of it
            DeliveryWorker(queue, [instance], options=QUICK).run(until_empty=True)
        queue.claim = failing_first(queue.claim, 3, DISK_FULL)  # type: ignore[method-assign]
        supervised = SupervisedWorker(queue, [instance], options=QUICK, backoff=FAST_BACKOFF)
        exit_ = supervised.run(until_empty=True)
    health = supervised.health()
    assert exit_.reason == "drained"
    assert delivered(queue) == 40 and queue.unfinished(["supervised"]) == 0
    assert health.restarts == 3 and health.last_error is not None and "disk is full" in health.last_error
    assert health.last_settled_at is not None and not health.alive


def test_a_real_full_disk_is_waited_out_and_nothing_accepted_is_lost(tmp_path: Path, emulator: PardotEmulator) -> None:
    mount = tmp_path / "small"
    mount.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(mount)], capture_output=True)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here ({mounted.stderr.decode().strip()}); the simulated case covers it")
    try:
        queue = SqliteQueue(mount / "queue.db")
        filler = mount / "filler"
        with DestinationInstance.from_file(
            instance_config(tmp_path, emulator.base_url), token_store=queue.token_store()
        ) as instance:
            enqueue_identifies(queue, instance, 30)
            fill_to_the_last_byte(filler)
            supervised = SupervisedWorker(queue, [instance], options=QUICK, backoff=FAST_BACKOFF)
            supervised.start()
            try:
                _wait_for(lambda: supervised.health().restarts >= 1, 20)
                filler.unlink()  # space is back: the next restart delivers everything
                _wait_for(lambda: delivered(queue) == 30, 30)
            finally:
                supervised.stop()
        assert "full" in (supervised.health().last_error or "")
    finally:
        queue.close()
        subprocess.run(["umount", "-l", str(mount)], check=False)


def test_only_transient_queue_errors_are_waited_out_unless_any_crash_restarts() -> None:
    assert is_transient_queue_error(DISK_FULL)
    assert is_transient_queue_error(sqlite3.OperationalError("database is locked"))
    assert not is_transient_queue_error(sqlite3.OperationalError("no such table: jobs"))
    assert not is_transient_queue_error(ValueError("a bug"))


def test_a_bug_is_raised_from_a_cli_run_but_the_servers_worker_is_restarted(
    tmp_path: Path, emulator: PardotEmulator, queue: SqliteQueue
) -> None:
    with DestinationInstance.from_file(
        instance_config(tmp_path, emulator.base_url), token_store=queue.token_store()
    ) as instance:
        enqueue_identifies(queue, instance, 5)
        queue.claim = failing_first(queue.claim, 1, RuntimeError("a bug"))  # type: ignore[method-assign]
        with pytest.raises(RuntimeError):
            SupervisedWorker(queue, [instance], options=QUICK, backoff=FAST_BACKOFF).run(until_empty=True)
        queue.claim = failing_first(queue.claim, 1, RuntimeError("a bug"))  # type: ignore[method-assign]
        server_side = SupervisedWorker(queue, [instance], options=QUICK, backoff=FAST_BACKOFF, restart_on_crash=True)
        assert server_side.run(until_empty=True).reason == "drained"
    assert delivered(queue) == 5 and server_side.health().restarts == 1


def test_health_says_degraded_when_the_worker_is_down_or_stalled_with_due_work() -> None:
    now = 10_000.0
    running = WorkerHealth(True, now - 1000, now - 10, None, None, 0)
    assert worker_problem(running, next_due=now - 5, now=now) is None
    down = WorkerHealth(False, now - 1000, now - 10, "OperationalError: database or disk is full", now - 1, 4)
    problem = worker_problem(down, next_due=None, now=now)
    assert problem is not None and "down" in problem and "disk is full" in problem
    stalled = WorkerHealth(True, now - 2 * STALL_AFTER_S, now - 2 * STALL_AFTER_S, None, None, 0)
    assert worker_problem(stalled, next_due=now - STALL_AFTER_S - 1, now=now) is not None
    assert worker_problem(stalled, next_due=None, now=now) is None  # idle with nothing due is fine
    assert worker_problem(stalled, next_due=now + 60, now=now) is None  # only work due later


def fill_to_the_last_byte(path: Path) -> None:
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT)
    try:
        for size in (65536, 512, 1):
            try:
                while True:
                    os.write(descriptor, b"\0" * size)
            except OSError:
                continue
    finally:
        os.close(descriptor)


def _wait_for(condition: Callable[[], bool], seconds: float) -> None:
    import time

    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {seconds} s")
        time.sleep(0.05)


def test_health_and_metrics_over_http_follow_the_servers_worker_down_and_back(
    tmp_path: Path, emulator: PardotEmulator, queue: SqliteQueue
) -> None:
    import requests

    from framework.intake import IntakeMetrics, IntakeServer, WriteKeys, create_app
    from framework.intake.delivery_companion import DeliveryCompanion

    with DestinationInstance.from_file(
        instance_config(tmp_path, emulator.base_url), token_store=queue.token_store()
    ) as instance:
        real_claim = queue.claim
        queue.claim = failing_first(real_claim, 10**9, DISK_FULL)  # type: ignore[method-assign]
        metrics = IntakeMetrics(queue)
        companion = DeliveryCompanion(queue, [instance], on_outcome=metrics.record_settled)
        metrics.watch_worker(companion.health)
        app = create_app(WriteKeys([("key", JobProducer(instance))]), queue, metrics, worker_health=companion.health)
        with IntakeServer(app, "127.0.0.1", 0, companions=[companion]) as server:
            enqueue_identifies(queue, instance, 10)
            _wait_for(lambda: companion.health().restarts >= 1 and not companion.health().alive, 10)
            down = requests.get(server.url + "/health", timeout=10)
            assert down.status_code == 503 and down.json()["status"] == "degraded"  # before: 200 "ok"
            assert "disk is full" in down.json()["worker"]["last_error"]
            scraped = requests.get(server.url + "/metrics", timeout=10).text
            assert "actions_delivery_worker_up 0.0" in scraped
            queue.claim = real_claim  # type: ignore[method-assign]
            _wait_for(lambda: delivered(queue) == 10, 30)
            _wait_for(lambda: companion.health().alive, 10)
            up = requests.get(server.url + "/health", timeout=10)
            assert up.status_code == 200 and up.json()["worker"]["last_settled_at"] is not None
            assert "actions_delivery_worker_up 1.0" in requests.get(server.url + "/metrics", timeout=10).text


def test_actions_worker_waits_out_a_full_disk_instead_of_exiting_1(
    tmp_path: Path, emulator: PardotEmulator, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from framework.cli import main

    path = tmp_path / "queue.db"
    queue = SqliteQueue(path)
    config = instance_config(tmp_path, emulator.base_url)
    with DestinationInstance.from_file(config, token_store=queue.token_store()) as instance:
        enqueue_identifies(queue, instance, 6)
    queue.close()
    monkeypatch.setattr(SqliteQueue, "claim", failing_first(SqliteQueue.claim, 2, DISK_FULL))
    code = main(["worker", "--instance", str(config), "--queue", str(path), "--until-empty"])
    assert code == 0, capsys.readouterr()  # before: exit 1 with a traceback
    assert "6 delivered" in capsys.readouterr().out
