"""Issue 16.3 as a property: the Import API path leaves every prospect as per-event delivery does.

Random interleavings of a few people's updates and email changes go once per event (no faults) and
once through ``run_batch`` with some calls failing (503), the failed items sent again as the queue
would (in their order, until none is left). The final prospects must be equal.

The second property takes the real path: the events are enqueued in a ``SqliteQueue`` and a
``DeliveryWorker`` delivers them in batches (lanes per person or one lane for all, small batches,
held items handed back untried, async imports polled), with 503s injected; the final prospects must
be those per-event delivery leaves, and nothing may be dead-lettered.

The third compares every delivery mode through the queue and worker: per event, merged, batched
(Import API, email changes per event inside the batch) and merged and batched, on an instance with
the two subscriptions users run (identifies upserted, "Email Changed" tracks through "Change a
prospect's email"), for random interleavings of a few people's updates, stale updates (the address
before their last change), nulls, empty strings, unknown fields (refused) and email changes, with
and without the emulator's fault mix (429, 500, timeouts). Each mode's final prospects and jobs'
final states must be per-event delivery's. Its first find was in the intake, not in a delivery path:
a batch was enqueued one subscription at a time; its second, an import row refused for one of the
updates merged into it.
"""

import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from destinations.pardot.emulator import (
    DEFAULT_ACCESS_TOKEN,
    DEFAULT_BUSINESS_UNIT,
    DEFAULT_REFRESH_TOKEN,
    PardotEmulator,
)
from framework.delivery.jobs import DeadLetterSelection, JobState
from framework.delivery.replay_run import replay_into_queue
from framework.delivery.sqlite_queue import SqliteQueue
from framework.delivery.worker import WorkerOptions
from framework.errors import Resolution
from framework.events import EventRecord
from framework.instance import DestinationInstance, SubscriptionStatus
from framework.runtime import Pipeline, run_batch
from framework.testing import create_test_event

from .test_import_batch import MAPPING, MOMENT, identify, instance_for, people, pipeline_of, poll_until_done

PEOPLE = ("ann", "bob", "cy")
step = st.one_of(
    st.tuples(
        st.just("update"),
        st.sampled_from(PEOPLE),
        st.sampled_from(["first_name", "last_name"]),
        st.text("ab", min_size=1, max_size=2),
    ),
    st.tuples(st.just("change"), st.sampled_from(PEOPLE), st.just(""), st.just("")),
)


def events_of(steps: list[tuple[str, str, str, str]]) -> list[dict[str, Any]]:
    """Each person's identifies under their current address; a change moves them to a new one."""
    address = {person: f"{person}@example.com" for person in PEOPLE}
    changes = 0
    events = []
    for kind, person, field, value in steps:
        if kind == "update":
            events.append(identify(address[person], **{field: value}))
        else:
            changes += 1
            new = f"{person}{changes}@example.com"
            events.append(identify(address[person], custom={"email": new}))
            address[person] = new
    return events


def deliver_batched(emulator: PardotEmulator, events: list[dict[str, Any]]) -> None:
    """Batches until nothing is left, retrying what failed retryably in order (the queue's lanes)."""
    with instance_for(emulator) as instance:
        pipeline = pipeline_of(instance)
        left = events
        for _ in range(20):
            if not left:
                return
            run = run_batch_results(pipeline, left)
            left = [
                event
                for event, result in zip(left, run, strict=True)
                if result.status is SubscriptionStatus.FAILED and result.resolution is Resolution.RETRY
            ]
    raise AssertionError("the batches never drained")


def run_batch_results(pipeline: Pipeline, events: list[dict[str, Any]]) -> list[Any]:
    run = run_batch(pipeline, pipeline.subscriptions[0], events)
    if run.pending is None:
        return list(run.results)
    polled = poll_until_done(pipeline, run.pending)
    return [result if result is not None else polled.results[i] for i, result in enumerate(run.results)]


@settings(max_examples=30, deadline=None)
@given(steps=st.lists(step, min_size=1, max_size=8), faults=st.integers(min_value=0, max_value=3))
def test_batched_delivery_with_faults_leaves_the_prospects_per_event_delivery_leaves(
    steps: list[tuple[str, str, str, str]], faults: int
) -> None:
    events = events_of(steps)
    with (
        PardotEmulator(clock=lambda: MOMENT) as per_event,
        PardotEmulator(clock=lambda: MOMENT) as batched,
    ):
        with instance_for(per_event, batching=False) as one_by_one:
            for event in events:
                one_by_one.send(event)
        if faults:
            batched.inject("status", status=503, count=faults)
        deliver_batched(batched, events)
        assert people(batched) == people(per_event)


def deliver_through_the_queue(
    emulator: PardotEmulator, events: list[dict[str, Any]], people_of: list[str], *, lanes: bool
) -> dict[JobState, int]:
    """The events through a SqliteQueue and a DeliveryWorker, batches of 3; the jobs' final states.

    A job held behind a failed item is handed back untried: it never has an attempt on record.
    """
    records = [
        EventRecord({**event, "userId": person if lanes else "everyone", "messageId": f"m{n}"}, "generated", n + 1)
        for n, (event, person) in enumerate(zip(events, people_of, strict=True))
    ]
    quick = WorkerOptions(poll_every=0.01, batch_linger=0.0)
    with tempfile.TemporaryDirectory() as folder, instance_for(emulator, batch_size=3) as instance:
        instance.delivery = instance.delivery.model_copy(
            update={"backoff_base": 0.005, "backoff_cap": 0.01, "max_attempts": 50}
        )
        queue = SqliteQueue(Path(folder) / "queue.db")
        try:
            outcome = replay_into_queue(queue, instance, records, options=quick)
            assert outcome.exit is not None and outcome.exit.reason == "drained", outcome.exit
            stats = queue.stats()
            jobs = list(queue.dead_letters(DeadLetterSelection(states=tuple(JobState))))
            held = [a for job in jobs for a in queue.attempts(job.id) if a.error_code == "HELD_BEHIND_FAILURE"]
            assert held == [], "a job held back without a call has an attempt on record"
            return {state: stats.total(state.value) for state in JobState if stats.total(state.value)}
        finally:
            queue.close()


@settings(max_examples=25, deadline=None)
@given(
    steps=st.lists(step, min_size=1, max_size=8),
    faults=st.integers(min_value=0, max_value=3),
    lanes=st.booleans(),
)
def test_batched_delivery_through_the_queue_and_worker_leaves_the_prospects_per_event_delivery_leaves(
    steps: list[tuple[str, str, str, str]], faults: int, lanes: bool
) -> None:
    events = events_of(steps)
    with (
        PardotEmulator(clock=lambda: MOMENT) as per_event,
        PardotEmulator(clock=lambda: MOMENT) as batched,
    ):
        with instance_for(per_event, batching=False) as one_by_one:
            for event in events:
                one_by_one.send(event)
        if faults:
            batched.inject("status", status=503, count=faults)
        states = deliver_through_the_queue(batched, events, [person for _, person, _, _ in steps], lanes=lanes)
        assert states == {JobState.DELIVERED: len(events)}
        assert people(batched) == people(per_event)


# -- every delivery mode through the queue and worker, two subscriptions, the emulator's fault mix -----

CHANGE_EMAIL = {
    "name": "Change a prospect's email",
    "subscribe": 'type = "track" and event = "Email Changed"',
    "partnerAction": "prospects",
    "mapping": {
        "email": {"@path": "$.properties.previous_email"},
        "secondaryDeletedSearch": True,
        "customFields": {"email": {"@path": "$.properties.email"}},
    },
}
MODES = {  # name → (merge_updates, enable_batching on the identify subscription)
    "per event": (False, False),
    "merged": (True, False),
    "batched": (False, True),
    "merged and batched": (True, True),
}
FAULT_MIX = "429:0.08,500:0.2,timeout:0.1"
mixed_step = st.one_of(
    st.tuples(
        st.sampled_from(["update", "stale"]),
        st.sampled_from(PEOPLE),
        st.sampled_from(["first_name", "last_name", "Tier__c", "Nope__c"]),  # Nope__c: no such field, refused
        st.one_of(st.sampled_from(["a", "b", "ab", ""]), st.none()),
    ),
    st.tuples(st.just("change"), st.sampled_from(PEOPLE), st.just(""), st.none()),
)


def mixed_events(steps: list[tuple[str, str, str, str | None]]) -> list[dict[str, Any]]:
    """Identifies under each person's current address (``stale``: the one before), and their changes as
    the "Change a prospect's email" track; the person is the userId."""
    address = {person: [f"{person}@example.com"] for person in PEOPLE}
    events = []
    for n, (kind, person, field, value) in enumerate(steps):
        if kind == "change":
            new = f"{person}{n}@example.com"
            properties = {"previous_email": address[person][-1], "email": new}
            events.append(create_test_event(type="track", event="Email Changed", properties=properties))
            address[person].append(new)
            continue
        email = address[person][-2 if kind == "stale" and len(address[person]) > 1 else -1]
        traits = {"custom": {field: value}} if field.endswith("__c") else {field: value}
        events.append(create_test_event(type="identify", traits={"email": email, **traits}))
    for n, (event, (_, person, _, _)) in enumerate(zip(events, steps, strict=True)):
        event.update(userId=person, messageId=f"m{n}")
    return events


def two_subscriptions(emulator: PardotEmulator, mode: str) -> DestinationInstance:
    merge, batching = MODES[mode]
    upsert = {
        "name": "Upsert prospects on identify",
        "subscribe": 'type = "identify"',
        "partnerAction": "prospects",
        "mapping": {**MAPPING, "enable_batching": batching, "batch_size": 3},
    }
    settings = {
        "businessUnitID": DEFAULT_BUSINESS_UNIT,
        "accountID": "1",
        "subscriptions": [upsert, CHANGE_EMAIL],
        "oauth": {"access_token": DEFAULT_ACCESS_TOKEN, "refresh_token": DEFAULT_REFRESH_TOKEN},
    }
    instance = DestinationInstance.from_settings(settings, endpoint=emulator.base_url)
    instance.delivery = instance.delivery.model_copy(
        update={"merge_updates": merge, "backoff_base": 0.005, "backoff_cap": 0.01, "max_attempts": 50}
    )
    return instance


def deliver_in_mode(emulator: PardotEmulator, events: list[dict[str, Any]], mode: str) -> dict[JobState, int]:
    """``events`` through a SqliteQueue and a DeliveryWorker in ``mode``; the jobs' final states."""
    records = [EventRecord(event, "generated", n + 1) for n, event in enumerate(events)]
    quick = WorkerOptions(poll_every=0.01, batch_linger=0.0)
    with tempfile.TemporaryDirectory() as folder, two_subscriptions(emulator, mode) as instance:
        queue = SqliteQueue(Path(folder) / "queue.db")
        try:
            outcome = replay_into_queue(queue, instance, records, options=quick)
            assert outcome.exit is not None and outcome.exit.reason == "drained", outcome.exit
            stats = queue.stats()
            return {state: stats.total(state.value) for state in JobState if stats.total(state.value)}
        finally:
            queue.close()


def final_prospects(
    events: list[dict[str, Any]], mode: str, faults: int | None
) -> tuple[dict[JobState, int], dict[str, dict[str, Any]]]:
    """The jobs' final states and the prospects an emulator holds once ``events`` went through the
    queue in ``mode`` (with the fault mix drawn from seed ``faults``, if any)."""
    mix = FAULT_MIX if faults is not None else None
    with PardotEmulator(
        custom_fields=["Tier__c"], clock=lambda: MOMENT, faults=mix, seed=faults, timeout_hold=0.01
    ) as emulator:
        return deliver_in_mode(emulator, events, mode), people(emulator)


@settings(max_examples=12, deadline=None, derandomize=True)
@given(steps=st.lists(mixed_step, min_size=1, max_size=10), faults=st.none() | st.integers(0, 2**16))
def test_every_delivery_mode_through_the_queue_leaves_the_prospects_per_event_delivery_leaves(
    steps: list[tuple[str, str, str, str | None]], faults: int | None
) -> None:
    events = mixed_events(steps)
    with PardotEmulator(custom_fields=["Tier__c"], clock=lambda: MOMENT) as reference:
        with two_subscriptions(reference, "per event") as one_by_one:
            refused = sum(
                result.status is SubscriptionStatus.FAILED for event in events for result in one_by_one.send(event)
            )
        expected = people(reference)
    states = {JobState.DELIVERED: len(events) - refused, JobState.DEAD: refused}
    with ThreadPoolExecutor(max_workers=len(MODES)) as pool:  # side by side: a 429's second of waiting overlaps
        finals = dict(zip(MODES, pool.map(lambda mode: final_prospects(events, mode, faults), MODES), strict=True))
    expected_final = ({state: count for state, count in states.items() if count}, expected)
    assert {mode: final for mode, final in finals.items() if final != expected_final} == {}


def test_an_identify_between_two_email_changes_is_delivered_between_them() -> None:
    """The property's first find: the intake queued a batch one subscription at a time, so the identify
    (another subscription than the changes) got a later place in the lane and went last, making a
    second prospect at the address the second change had just left."""
    events = mixed_events(
        [("change", "ann", "", None), ("update", "ann", "first_name", "a"), ("change", "ann", "", None)]
    )
    with ThreadPoolExecutor(max_workers=len(MODES)) as pool:
        finals = dict(zip(MODES, pool.map(lambda mode: final_prospects(events, mode, None), MODES), strict=True))
    for mode, (states, final) in finals.items():
        assert states == {JobState.DELIVERED: 3}, mode
        assert list(final) == ["ann2@example.com"], mode
        assert final["ann2@example.com"]["firstName"] == "a", mode


def test_a_refused_import_row_of_several_updates_is_sent_again_one_by_one() -> None:
    """The property's second find: a prospect's updates merged into one CSV row shared the row's
    refusal, so an unknown field in one update dead-lettered the others too (per event, only the bad
    one is refused). The poll now sends a refused merged row's items one by one."""
    events = mixed_events(
        [("update", "ann", "first_name", "a"), ("update", "ann", "Nope__c", "x"), ("update", "bob", "first_name", "b")]
    )
    for mode in ("batched", "merged and batched"):
        states, final = final_prospects(events, mode, None)
        assert states == {JobState.DELIVERED: 2, JobState.DEAD: 1}, mode
        assert {email: prospect.get("firstName") for email, prospect in final.items()} == {
            "ann@example.com": "a",
            "bob@example.com": "b",
        }, mode
