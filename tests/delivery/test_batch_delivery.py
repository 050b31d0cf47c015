"""Batched delivery through the engine: Pardot's Import API against the emulator, item by item, across a restart.

A subscription with ``enable_batching`` is claimed in batches; each job is settled by its own item (a
refused row is dead-lettered alone); the import's jobs wait in ``polling`` while the worker polls it,
and a new worker on a reopened queue finishes an import the first one submitted.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from destinations.pardot.emulator import (
    DEFAULT_ACCESS_TOKEN,
    DEFAULT_BUSINESS_UNIT,
    DEFAULT_REFRESH_TOKEN,
    PardotEmulator,
)
from framework.delivery import JobQueue
from framework.delivery.jobs import DeadLetterSelection, JobState
from framework.delivery.outcome import DeliveryOutcome
from framework.delivery.producer import JobProducer
from framework.delivery.replay_run import replay_into_queue
from framework.delivery.sqlite_queue import SqliteQueue
from framework.delivery.worker import DeliveryWorker, WorkerOptions
from framework.events import EventRecord
from framework.instance import DestinationInstance

MOMENT = datetime(2026, 1, 1, tzinfo=UTC)
MAPPING = {
    "email": {"@path": "$.traits.email"},
    "firstName": {"@path": "$.traits.first_name"},
    "lastName": {"@path": "$.traits.last_name"},
    "secondaryDeletedSearch": True,
    "customFields": {"@path": "$.traits.custom"},
}
QUICK = WorkerOptions(poll_every=0.02, batch_linger=0.0)


@pytest.fixture
def emulators() -> Iterator[tuple[PardotEmulator, PardotEmulator]]:
    with (
        PardotEmulator(custom_fields=["Tier__c"], clock=lambda: MOMENT) as batched,
        PardotEmulator(custom_fields=["Tier__c"], clock=lambda: MOMENT) as per_event,
    ):
        yield batched, per_event


def instance_for(emulator: PardotEmulator, *, batching: bool = True, batch_size: int = 100) -> DestinationInstance:
    subscription = {
        "name": "prospects",
        "subscribe": 'type = "identify"',
        "partnerAction": "prospects",
        "mapping": {**MAPPING, "enable_batching": batching, "batch_size": batch_size},
    }
    settings = {
        "businessUnitID": DEFAULT_BUSINESS_UNIT,
        "accountID": "1",
        "subscriptions": [subscription],
        "oauth": {"access_token": DEFAULT_ACCESS_TOKEN, "refresh_token": DEFAULT_REFRESH_TOKEN},
    }
    return DestinationInstance.from_settings(settings, endpoint=emulator.base_url)


def identify(number: int, email: str, **traits: Any) -> EventRecord:
    event = {
        "type": "identify",
        "userId": email.split("@")[0],
        "messageId": f"m{number}",
        "traits": {"email": email, **traits},
    }
    return EventRecord(event, "generated", number + 1)


EVENTS = [
    identify(0, "ann@example.com", first_name="Ann", custom={"Tier__c": "gold"}),
    identify(1, "bob@example.com", first_name="Bob", custom={"Nope__c": "x"}),  # an unknown field: an error row
    identify(2, "ann@example.com", last_name="Lee"),
    identify(3, "cy@example.com", first_name="Cy"),
    identify(4, "cy@example.com", custom={"email": "cyrus@example.com"}),  # an email change: per event
    identify(5, "dee@example.com", first_name="Dee", custom={"Tier__c": None}),  # clears a field: per event
    identify(6, "eve@example.com", first_name="Eve"),
    *[identify(7 + i, f"p{i}@example.com", first_name=f"P{i}") for i in range(40)],
    identify(60, "ann@example.com", first_name="Anne"),
]


def people(emulator: PardotEmulator) -> dict[str, dict[str, Any]]:
    return {p["email"]: {k: v for k, v in p.items() if k != "id"} for p in emulator.prospects()}


def test_an_import_settles_each_job_by_its_own_row_and_leaves_the_per_event_prospects(
    emulators: tuple[PardotEmulator, PardotEmulator], tmp_path: Path
) -> None:
    batched, per_event = emulators
    with instance_for(per_event, batching=False) as one_by_one:
        for record in EVENTS:
            one_by_one.send(record.event)
    seen: list[DeliveryOutcome] = []
    queue = SqliteQueue(tmp_path / "queue.db")
    with instance_for(batched, batch_size=30) as instance:
        outcome = replay_into_queue(queue, instance, EVENTS, options=QUICK, on_outcome=seen.append)
    assert outcome.exit is not None and outcome.exit.reason == "drained"
    assert people(batched) == people(per_event)
    states = {o.message_id: o.state for o in seen}
    assert states.pop("m1") is JobState.DEAD
    assert set(states.values()) == {JobState.DELIVERED} and len(states) == len(EVENTS) - 1
    bob = next(o for o in seen if o.message_id == "m1")
    assert bob.error_code == "IMPORT_ROW_ERROR" and "180" in bob.reason and bob.batched
    assert all(o.batched for o in seen)
    assert batched.stats()["api_calls"] < len(EVENTS) / 2  # two imports and a few per-event upserts
    assert outcome.tally.reconciles() and outcome.tally.total("delivered") == len(EVENTS) - 1
    queue.close()


def test_an_import_submitted_before_a_restart_is_polled_to_the_end_by_a_new_worker(
    emulators: tuple[PardotEmulator, PardotEmulator], tmp_path: Path
) -> None:
    batched, _ = emulators
    path = tmp_path / "queue.db"
    queue = SqliteQueue(path)
    with instance_for(batched) as instance:
        queue.enqueue([job for record in EVENTS[:4] for job in JobProducer(instance).produce(record.event).jobs])
        slow = WorkerOptions(poll_every=3600, batch_linger=0.0, give_up_wait=60)
        first = DeliveryWorker(queue, [instance], options=slow).run(until_empty=True)
    assert first.reason == "waiting" and first.unfinished == 4
    assert queue.stats().total("polling") == 4 and batched.prospects() == []
    queue.close()

    reopened = SqliteQueue(path)
    reopened.reschedule_poll(1, 0.0)  # what would happen an hour later
    seen: list[DeliveryOutcome] = []
    with instance_for(batched) as instance:
        second = DeliveryWorker(reopened, [instance], options=QUICK, on_outcome=seen.append).run(until_empty=True)
    assert second.reason == "drained"
    assert {o.message_id: o.state for o in seen} == {
        "m0": JobState.DELIVERED,
        "m1": JobState.DEAD,
        "m2": JobState.DELIVERED,
        "m3": JobState.DELIVERED,
    }
    assert {p["email"] for p in batched.prospects()} == {"ann@example.com", "cy@example.com"}
    assert reopened.claim_polls([instance.id], lease=1) == []
    reopened.close()


def test_failed_imports_and_polls_are_retried_item_by_item_and_still_leave_the_per_event_prospects(
    emulators: tuple[PardotEmulator, PardotEmulator], tmp_path: Path
) -> None:
    batched, per_event = emulators
    with instance_for(per_event, batching=False) as one_by_one:
        for record in EVENTS:
            one_by_one.send(record.event)
    batched.app.fault_mix.set("500:0.3,503:0.1", seed=2)
    seen: list[DeliveryOutcome] = []
    queue = SqliteQueue(tmp_path / "queue.db")
    with instance_for(batched, batch_size=20) as instance:
        instance.delivery = instance.delivery.model_copy(
            update={"backoff_base": 0.02, "backoff_cap": 0.1, "max_attempts": 30}
        )
        outcome = replay_into_queue(queue, instance, EVENTS, options=QUICK, on_outcome=seen.append)
    assert outcome.exit is not None and outcome.exit.reason == "drained"
    assert any(o.state is JobState.QUEUED for o in seen), "no call failed: the fault mix did not exercise retries"
    assert {o.message_id for o in seen if o.state is JobState.DEAD} == {"m1"}
    assert people(batched) == people(per_event)
    queue.close()


def _person_identify(number: int, user: str, email: str, **traits: Any) -> EventRecord:
    """An identify of ``user`` under ``email``: one person keeps one lane whatever their address."""
    event = {"type": "identify", "userId": user, "messageId": f"m{number}", "traits": {"email": email, **traits}}
    return EventRecord(event, "generated", number + 1)


def _deliver_with_failing_head(emulator: PardotEmulator, queue: JobQueue, *, batching: bool) -> dict[str, JobState]:
    """Ann's email change fails until the retry limit (3 attempts); her two later updates follow it."""
    with instance_for(emulator, batching=False) as seeding:
        seeding.send(identify(99, "ann@example.com", first_name="Ann").event)
    emulator.inject("status", status=503, count=3)
    events = [
        _person_identify(0, "ann", "ann@example.com", custom={"email": "ann2@example.com"}),
        _person_identify(1, "ann", "ann2@example.com", last_name="Lee"),
        _person_identify(2, "ann", "ann2@example.com", first_name="Anne"),
    ]
    seen: list[DeliveryOutcome] = []
    with instance_for(emulator, batching=batching) as instance:
        instance.delivery = instance.delivery.model_copy(
            update={"backoff_base": 0.01, "backoff_cap": 0.02, "max_attempts": 3}
        )
        outcome = replay_into_queue(queue, instance, events, options=QUICK, on_outcome=seen.append)
    assert outcome.exit is not None and outcome.exit.reason == "drained"
    finals: dict[str, JobState] = {o.message_id: o.state for o in seen if o.state is not JobState.QUEUED}
    jobs = {job.message_id: job for job in queue.dead_letters(DeadLetterSelection(states=tuple(JobState)))}
    failed_records = {m: [a for a in queue.attempts(job.id) if a.status != "delivered"] for m, job in jobs.items()}
    assert jobs["m1"].tries == jobs["m2"].tries == 1, "a held update was counted as tried while it waited"
    assert failed_records["m1"] == failed_records["m2"] == [], "a held update has a failed attempt on record"
    return finals


def test_updates_held_behind_a_failing_item_are_not_dead_lettered_with_it(
    emulators: tuple[PardotEmulator, PardotEmulator], queue: JobQueue, tmp_path: Path
) -> None:
    """Per event, the later updates wait behind the email change and are sent once it is given up;
    in a batch they are held without a call ("not tried"), so its rounds do not count against them.
    The batched run uses each queue backend."""
    batched, per_event = emulators
    per_event_queue = SqliteQueue(tmp_path / "per-event.db")
    per_event_states = _deliver_with_failing_head(per_event, per_event_queue, batching=False)
    per_event_queue.close()
    batched_states = _deliver_with_failing_head(batched, queue, batching=True)
    expected = {"m0": JobState.DEAD, "m1": JobState.DELIVERED, "m2": JobState.DELIVERED}
    assert per_event_states == expected
    assert batched_states == expected
    assert people(batched) == people(per_event)
    assert people(batched)["ann2@example.com"]["lastName"] == "Lee"
