"""A waiting worker sleeps, and the queue wakes it: an enqueue here, or in another process on PostgreSQL.

Issue 16: a worker with nothing to claim read the queue every 10 ms. Now it waits for the queue's
announcement of a change (``subscribe_changes``), the next due time, or its slow safety-net poll. The
tests set that poll to a minute and count the worker's reads over a second of waiting (bounded, not
timed); then they enqueue and wait (generously, well under the minute) for the delivery, which only a
wake-up can have started that soon.
"""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from destinations.pardot.emulator import PardotEmulator
from framework.delivery import JobQueue
from framework.delivery.jobs import JobState, Settlement
from framework.delivery.outcome import DeliveryOutcome
from framework.delivery.producer import JobProducer
from framework.delivery.worker import DeliveryWorker, WorkerOptions
from framework.instance import DestinationInstance
from tests.delivery.test_idle_reads import CountingQueue
from tests.delivery.test_worker import _config, _identify

ROOT = Path(__file__).resolve().parents[2]
SLOW_POLL = WorkerOptions(idle_poll=60.0, heartbeat_every=60.0, recover_every=60.0)
WAITING_S = 1.0  # how long the worker is left waiting before its reads are counted
WAKE_TIMEOUT_S = 30.0  # generous, yet half the safety-net poll: a delivery this soon was woken
# Old behaviour: three reads per 10 ms loop, about 300 over the second; sleeping takes one loop.
MOST_READS_WHILE_WAITING = 6


class _RunningWorker:
    """A worker on a thread, recording what it delivered."""

    def __init__(self, queue: CountingQueue, instance: DestinationInstance) -> None:
        self.delivered = threading.Event()
        self.outcomes: list[DeliveryOutcome] = []
        self.worker = DeliveryWorker(queue, [instance], on_outcome=self._record, options=SLOW_POLL)
        self._thread = threading.Thread(target=self.worker.run, name="test-worker")

    def _record(self, outcome: DeliveryOutcome) -> None:
        self.outcomes.append(outcome)
        if outcome.state is JobState.DELIVERED:
            self.delivered.set()

    def __enter__(self) -> _RunningWorker:
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.worker.stop()
        self._thread.join(timeout=WAKE_TIMEOUT_S)
        assert not self._thread.is_alive(), "the worker did not stop"


@pytest.fixture
def emulator() -> Iterator[PardotEmulator]:
    with PardotEmulator() as running:
        yield running


def _wait_idle(counting: CountingQueue) -> int:
    """Let the worker find nothing and sleep for ``WAITING_S``; its reads in that time."""
    assert counting.looked.wait(WAKE_TIMEOUT_S), "the worker never looked for jobs"
    before = counting.total()
    time.sleep(WAITING_S)
    return counting.total() - before


def test_a_waiting_worker_reads_the_queue_a_bounded_number_of_times_and_an_enqueue_wakes_it(
    tmp_path: Path, queue: JobQueue, emulator: PardotEmulator
) -> None:
    counting = CountingQueue(queue)
    config = _config(tmp_path, "woken", emulator.base_url)
    with DestinationInstance.from_file(config, token_store=queue.token_store()) as instance:
        with _RunningWorker(counting, instance) as running:
            reads_while_waiting = _wait_idle(counting)
            queue.enqueue(JobProducer(instance).produce(_identify(1, "ann", "Ann")).jobs)
            woken = running.delivered.wait(WAKE_TIMEOUT_S)
    assert reads_while_waiting <= MOST_READS_WHILE_WAITING, counting.reads
    assert woken, "the enqueue did not wake the worker before its slow poll"
    assert [outcome.message_id for outcome in running.outcomes] == ["m1"]


def test_a_settle_by_another_worker_of_the_process_wakes_a_waiting_one(
    tmp_path: Path, queue: JobQueue, emulator: PardotEmulator
) -> None:
    # Ann's second event waits behind her first, which a worker in this process holds. A second worker
    # sleeps; when the first settles ann's first event, the settle wakes the sleeper to take the second.
    counting = CountingQueue(queue)
    config = _config(tmp_path, "lanes", emulator.base_url)
    with DestinationInstance.from_file(config, token_store=queue.token_store()) as instance:
        producer = JobProducer(instance)
        queue.enqueue([job for n in (1, 2) for job in producer.produce(_identify(n, "ann", f"Ann{n}")).jobs])
        queue.register_worker("holder")  # alive: the sleeper's recovery leaves its job alone
        held = queue.claim("holder", instances=[instance.id], limit=1, account_limits={})
        assert [job.message_id for job in held] == ["m1"]
        with _RunningWorker(counting, instance) as running:
            reads_while_waiting = _wait_idle(counting)
            queue.settle([Settlement(held[0].id, JobState.DELIVERED)])
            woken = running.delivered.wait(WAKE_TIMEOUT_S)
    assert reads_while_waiting <= MOST_READS_WHILE_WAITING, counting.reads
    assert woken, "the settle did not wake the worker before its slow poll"
    assert [outcome.message_id for outcome in running.outcomes] == ["m2"]


_ENQUEUE_ELSEWHERE = """
import sys
from framework.delivery.postgres_queue import PostgresQueue
from framework.delivery.producer import JobProducer
from framework.instance import DestinationInstance

url, config = sys.argv[1], sys.argv[2]
queue = PostgresQueue(url)
with DestinationInstance.from_file(config, token_store=queue.token_store()) as instance:
    event = {"type": "identify", "userId": "bo", "messageId": "elsewhere-1",
             "traits": {"email": "bo@example.com", "first_name": "Bo"}}
    print(queue.enqueue(JobProducer(instance).produce(event).jobs).added)
queue.close()
"""


def test_an_enqueue_in_another_process_wakes_a_sleeping_worker_through_notify(
    tmp_path: Path, postgres_url: str, emulator: PardotEmulator
) -> None:
    from framework.delivery.postgres_queue import PostgresQueue

    queue = PostgresQueue(postgres_url)
    counting = CountingQueue(queue)
    config = _config(tmp_path, "notified", emulator.base_url)
    try:
        with DestinationInstance.from_file(config, token_store=queue.token_store()) as instance:
            with _RunningWorker(counting, instance) as running:
                reads_while_waiting = _wait_idle(counting)
                assert queue.wait_listening(WAKE_TIMEOUT_S), "the queue never started listening"
                added = subprocess.run(
                    [sys.executable, "-c", _ENQUEUE_ELSEWHERE, postgres_url, str(config)],
                    cwd=ROOT,
                    capture_output=True,
                    text=True,
                    timeout=WAKE_TIMEOUT_S,
                    check=True,
                ).stdout.strip()
                woken = running.delivered.wait(WAKE_TIMEOUT_S)
    finally:
        queue.close()
    assert added == "1"
    assert reads_while_waiting <= MOST_READS_WHILE_WAITING, counting.reads
    assert woken, "the other process's enqueue did not wake the worker before its slow poll"
    assert [outcome.message_id for outcome in running.outcomes] == ["elsewhere-1"]
