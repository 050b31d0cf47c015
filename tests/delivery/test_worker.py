"""``DeliveryWorker`` against the Pardot emulator over loopback HTTP: what each kind of failure does to
the job, the user's later events, the account and the instance.

Waits are short real times set in the instance's ``[delivery]`` options (or the emulator's one-second
``Retry-After``); no test asserts on elapsed time.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from destinations.pardot.emulator import DEFAULT_BUSINESS_UNIT, PardotEmulator
from framework.cli import main
from framework.delivery.jobs import DeadLetterSelection, Job, JobState
from framework.delivery.outcome import DeliveryOutcome
from framework.delivery.producer import JobProducer
from framework.delivery.retry_policy import RetryPolicy
from framework.delivery.sqlite_queue import SqliteQueue
from framework.delivery.worker import DeliveryWorker, WorkerOptions
from framework.errors import Resolution
from framework.instance import DestinationInstance
from framework.runtime import SubscriptionResult, SubscriptionStatus

QUICK = WorkerOptions(idle_poll=0.05, give_up_wait=5.0)


def _config(
    folder: Path,
    name: str,
    base_url: str,
    *,
    delivery: str = "",
    access_token: str = "emulator-access-token",
    refresh_token: str = "emulator-refresh-token",
) -> Path:
    path = folder / f"{name}.toml"
    path.write_text(
        f'''id = "{name}"
destination = "actions-pardot"
endpoint = "{base_url}"
[settings]
businessUnitID = "{DEFAULT_BUSINESS_UNIT}"
accountID = "1041922"
[auth]
access_token = "{access_token}"
refresh_token = "{refresh_token}"
client_id = "emulator-client-id"
client_secret = "emulator-client-secret"
[delivery]
backoff_base = "10ms"
backoff_cap = "50ms"
{delivery}
[[subscriptions]]
name = "Upsert ({name})"
subscribe = 'type = "identify"'
action = "prospects"
''',
        encoding="utf-8",
    )
    return path


def _identify(n: int, user: str, first_name: str, prefix: str = "m") -> dict[str, Any]:
    return {
        "type": "identify",
        "userId": user,
        "messageId": f"{prefix}{n}",
        "traits": {"email": f"{user}@example.com", "first_name": first_name},
    }


def _enqueue(queue: SqliteQueue, instance: DestinationInstance, events: list[dict[str, Any]]) -> None:
    producer = JobProducer(instance)
    queue.enqueue([job for event in events for job in producer.produce(event).jobs])


def _job(queue: SqliteQueue, instance: DestinationInstance, message_id: str) -> Job:
    row = queue._db.execute(
        "SELECT id FROM jobs WHERE instance_id = ? AND message_id = ?", (instance.id, message_id)
    ).fetchone()
    found = queue.job(row[0])
    assert found is not None
    return found


@pytest.fixture
def emulator() -> Iterator[PardotEmulator]:
    with PardotEmulator() as running:
        yield running


@pytest.fixture
def queue(tmp_path: Path) -> Iterator[SqliteQueue]:
    opened = SqliteQueue(tmp_path / "queue.db")
    yield opened
    opened.close()


def test_a_rate_limit_slows_the_account_without_burning_the_give_up_window(
    tmp_path: Path, emulator: PardotEmulator, queue: SqliteQueue
) -> None:
    # One attempt allowed: were the rate-limited attempt counted, the job would be dead-lettered.
    config = _config(tmp_path, "slowed", emulator.base_url, delivery="max_attempts = 1")
    emulator.inject("rate_limit", retry_after="1")
    slowed_after_429: list[dict[str, int]] = []
    with DestinationInstance.from_file(config, token_store=queue.token_store()) as instance:
        _enqueue(queue, instance, [_identify(1, "ann", "Ann")])
        worker: DeliveryWorker

        def on_outcome(outcome: DeliveryOutcome) -> None:
            if outcome.state is JobState.QUEUED:
                slowed_after_429.append(dict(worker.slowed_accounts))

        worker = DeliveryWorker(queue, [instance], on_outcome=on_outcome, options=QUICK)
        assert worker.run(until_empty=True).reason == "drained"
        job = _job(queue, instance, "m1")
    assert slowed_after_429 == [{instance.account_key: 2}]  # 5 in flight halved while the Retry-After runs
    assert job.state is JobState.DELIVERED and job.attempts == 1 and job.tries == 2
    assert emulator.stats()["by_status"] == {"200": 1, "429": 1}


def test_a_spent_daily_quota_parks_the_accounts_jobs_without_burning_attempts(
    tmp_path: Path, queue: SqliteQueue, capsys: pytest.CaptureFixture[str]
) -> None:
    with PardotEmulator(daily_limit=2) as emulator:
        config = _config(tmp_path, "quota", emulator.base_url, delivery="max_attempts = 1")
        with DestinationInstance.from_file(config, token_store=queue.token_store()) as instance:
            _enqueue(queue, instance, [_identify(n, f"user{n}", "X") for n in range(6)])
            exit_ = DeliveryWorker(
                queue, [instance], options=WorkerOptions(concurrency=1, idle_poll=0.05, give_up_wait=5.0)
            ).run(until_empty=True)
            jobs = [_job(queue, instance, f"m{n}") for n in range(6)]
    assert exit_.reason == "waiting" and exit_.unfinished == 4
    assert instance.account_key in exit_.paused_accounts
    until, reason = exit_.paused_accounts[instance.account_key]
    assert exit_.next_due is not None
    assert "code 122" in reason and until > exit_.next_due - 1  # parked until the quota resets (midnight UTC)
    assert [job.state for job in jobs].count(JobState.DELIVERED) == 2
    parked = [job for job in jobs if job.state is JobState.QUEUED]
    assert len(parked) == 4 and all(job.attempts == 0 for job in parked)  # no attempt burned, none dead-lettered
    stats = queue.stats()
    assert stats.total("parked") == 4 and stats.total("dead") == 0

    assert main(["queue", "stats", "--queue", f"sqlite:///{queue.path}"]) == 0
    out = capsys.readouterr().out
    header, *rows = [line for line in out.splitlines() if line.startswith(("instance", "quota", "total"))]
    assert rows[0].split()[-9:] == [
        "0",
        "0",
        "0",
        "4",
        "0",
        "2",
        "0",
        "0",
        "0",
    ]  # queued running retrying parked polling ...
    assert "Paused until" in out and "code 122" in out


def test_a_revoked_refresh_token_dead_letters_the_instances_queued_jobs_to_re_authorise(
    tmp_path: Path, emulator: PardotEmulator, queue: SqliteQueue
) -> None:
    config = _config(
        tmp_path, "revoked", emulator.base_url, access_token="stale-access-token", refresh_token="revoked-refresh-token"
    )
    outcomes: list[DeliveryOutcome] = []
    with DestinationInstance.from_file(config, token_store=queue.token_store()) as instance:
        _enqueue(queue, instance, [_identify(n, f"user{n}", "X") for n in range(20)])
        exit_ = DeliveryWorker(queue, [instance], on_outcome=outcomes.append, options=QUICK).run(until_empty=True)
    assert exit_.reason == "drained"
    dead = list(queue.dead_letters(DeadLetterSelection(instance_id="revoked")))
    assert len(dead) == 20 and all("re-authorise" in job.last_error for job in dead)
    assert sum(1 for outcome in outcomes if outcome.state is JobState.DEAD) == 20  # each one reported
    assert emulator.stats()["api_calls"] <= 5  # one round of attempts, not 20 refresh-and-fail cycles
    assert emulator.prospects() == []


def test_two_instances_of_one_business_unit_never_exceed_five_in_flight_together(
    tmp_path: Path, queue: SqliteQueue
) -> None:
    with PardotEmulator(latency=0.01) as emulator:
        configs = [
            _config(tmp_path, name, emulator.base_url, delivery="merge_updates = false")  # a call per event
            for name in ("first", "second")
        ]
        instances = [DestinationInstance.from_file(config, token_store=queue.token_store()) for config in configs]
        for prefix, instance in zip("ab", instances, strict=True):
            _enqueue(queue, instance, [_identify(n, f"{prefix}{n % 30}", f"v{n}", prefix) for n in range(120)])
        # Two workers (as two processes would), each allowed 5 threads: the queue's claim shares the limit.
        workers = [
            DeliveryWorker(queue, [instance], options=WorkerOptions(concurrency=5, idle_poll=0.05))
            for instance in instances
        ]
        exits: list[str] = []
        threads = [
            threading.Thread(target=lambda w=worker: exits.append(w.run(until_empty=True).reason)) for worker in workers
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        for instance in instances:
            instance.close()
        stats = emulator.stats()
    assert exits == ["drained", "drained"]
    assert stats["by_status"].get("200", 0) + stats["by_status"].get("201", 0) == 240
    assert len(emulator.prospects()) == 60
    assert stats["max_in_flight"][DEFAULT_BUSINESS_UNIT] <= 5
    assert stats["in_flight_refused"] == 0
    assert queue.stats().total("delivered") == 240


def test_the_give_up_window_dead_letters_with_the_last_reason_and_frees_the_users_later_events(
    tmp_path: Path, emulator: PardotEmulator, queue: SqliteQueue
) -> None:
    config = _config(tmp_path, "window", emulator.base_url, delivery="max_attempts = 2")
    emulator.inject("status", status=503, count=2)
    with DestinationInstance.from_file(config, token_store=queue.token_store()) as instance:
        _enqueue(queue, instance, [_identify(1, "bob", "Old"), _identify(2, "bob", "New")])
        exit_ = DeliveryWorker(queue, [instance], options=QUICK).run(until_empty=True)
        first, second = _job(queue, instance, "m1"), _job(queue, instance, "m2")
    assert exit_.reason == "drained"
    assert first.state is JobState.DEAD and first.attempts == 2
    assert first.last_error.startswith("gave up after 2 attempts: ") and "503" in first.last_error
    assert second.state is JobState.DELIVERED  # waited behind the failing event, then was freed
    assert [(p["email"], p["firstName"]) for p in emulator.prospects()] == [("bob@example.com", "New")]


def test_the_give_up_window_also_ends_by_age() -> None:
    policy = RetryPolicy(max_attempts=10, max_age=3600.0)
    job = Job(7, "i", 0, "s", "m7", {}, "acct", "u", JobState.RUNNING, attempts=1, enqueued_at=1000.0, not_before=0.0)
    failed = SubscriptionResult(
        "s", "prospects", SubscriptionStatus.FAILED, reason="HTTP 503", resolution=Resolution.RETRY, index=0
    )
    young = policy.decide(job, failed, now=1000.0 + 3599.0).settlement
    old = policy.decide(job, failed, now=1000.0 + 3600.0).settlement
    assert young.state is JobState.QUEUED and young.not_before > 1000.0 + 3599.0
    assert old.state is JobState.DEAD and old.reason == "gave up after 3600 s: HTTP 503"
