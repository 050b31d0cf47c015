"""Claiming ahead (issue 16): with every slot busy, a worker holds a few runs per slot claimed, and
starts them in place of the runs that finish, once those are settled. What must hold: the account's
limit, per-user order, attempts never counted for a run that was not tried, and nothing left claimed
when the worker stops."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from destinations.pardot.emulator import DEFAULT_BUSINESS_UNIT, PardotEmulator
from framework.delivery.sqlite_queue import SqliteQueue
from framework.delivery.worker import DeliveryWorker, WorkerOptions
from framework.instance import DestinationInstance
from tests.delivery.test_worker import _config, _enqueue, _identify

QUICK = WorkerOptions(concurrency=5, idle_poll=0.05, give_up_wait=5.0, claim_ahead_per_slot=2)


@pytest.fixture
def queue(tmp_path: Path) -> Iterator[SqliteQueue]:
    opened = SqliteQueue(tmp_path / "queue.db")
    yield opened
    opened.close()


def _states(queue: SqliteQueue) -> dict[str, int]:
    return dict(queue._db.execute("SELECT state, count(*) FROM jobs GROUP BY state").fetchall())


def _wait_until(condition: Callable[[], bool], what: str, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.01)


def test_a_stopped_worker_puts_the_runs_it_claimed_ahead_back_untried(tmp_path: Path, queue: SqliteQueue) -> None:
    with PardotEmulator() as emulator:
        config = _config(tmp_path, "ahead", emulator.base_url, delivery="merge_updates = false")
        with DestinationInstance.from_file(config, token_store=queue.token_store()) as instance:
            _enqueue(queue, instance, [_identify(n, f"user{n}", f"v{n}") for n in range(20)])
            emulator.pause()
            worker = DeliveryWorker(queue, [instance], options=QUICK)
            thread = threading.Thread(target=worker.run, kwargs={"until_empty": True})
            thread.start()
            assert emulator.wait_for_in_flight(5)
            # 5 calls held in the emulator, and two runs claimed ahead for each of the 5 slots
            _wait_until(lambda: _states(queue).get("running") == 15, "the runs claimed ahead")
            worker.stop()
            emulator.resume()
            thread.join(timeout=30)
        stats = emulator.stats()
    assert not thread.is_alive()
    assert stats["api_calls"] == 5  # a stopping worker's slots start nothing more
    assert _states(queue) == {"delivered": 5, "queued": 15}
    untried = queue._db.execute("SELECT count(*) FROM jobs WHERE state = 'queued' AND tries = 0 AND attempts = 0")
    assert untried.fetchone()[0] == 15


def test_a_rate_limit_hands_the_accounts_runs_claimed_ahead_back_without_counting_attempts(
    tmp_path: Path, queue: SqliteQueue
) -> None:
    with PardotEmulator() as emulator:
        config = _config(tmp_path, "limited", emulator.base_url, delivery="merge_updates = false")
        with DestinationInstance.from_file(config, token_store=queue.token_store()) as instance:
            _enqueue(queue, instance, [_identify(n, f"user{n}", f"v{n}") for n in range(30)])
            emulator.inject("rate_limit", retry_after="1")
            assert DeliveryWorker(queue, [instance], options=QUICK).run(until_empty=True).reason == "drained"
        stats = emulator.stats()
    assert stats["by_status"] == {"200": 30, "429": 1}
    tries = dict(queue._db.execute("SELECT tries, count(*) FROM jobs WHERE state = 'delivered' GROUP BY tries"))
    assert tries == {1: 29, 2: 1}  # only the rate-limited job was tried twice; handed-back runs not at all
    assert stats["max_in_flight"][DEFAULT_BUSINESS_UNIT] <= 5 and stats["in_flight_refused"] == 0


def test_runs_claimed_ahead_keep_each_users_order_and_the_accounts_limit(tmp_path: Path, queue: SqliteQueue) -> None:
    with PardotEmulator(latency=0.005) as emulator:
        config = _config(tmp_path, "ordered", emulator.base_url, delivery="merge_updates = false")  # a call per event
        with DestinationInstance.from_file(config, token_store=queue.token_store()) as instance:
            _enqueue(queue, instance, [_identify(n, f"user{n % 4}", f"v{n}") for n in range(80)])
            assert DeliveryWorker(queue, [instance], options=QUICK).run(until_empty=True).reason == "drained"
        stats = emulator.stats()
        received = [request for request in emulator.app.received_requests() if "prospect" in request.path.lower()]
        prospects = {prospect["email"]: prospect["firstName"] for prospect in emulator.prospects()}
    assert stats["max_in_flight"][DEFAULT_BUSINESS_UNIT] <= 5 and stats["in_flight_refused"] == 0
    assert prospects == {f"user{u}@example.com": f"v{76 + u}" for u in range(4)}
    sent: dict[str, list[int]] = {}
    for request in received:
        prospect = json.loads(request.body)["prospect"]
        sent.setdefault(prospect["email"], []).append(int(prospect["firstName"][1:]))
    assert len(sent) == 4 and all(numbers == sorted(numbers) and len(numbers) == 20 for numbers in sent.values())
