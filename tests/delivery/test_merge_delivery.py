"""Merged delivery through the engine leaves Pardot exactly as one call per event in order would.

The same generated file is replayed through the queue and the worker twice, into two emulators: once
with ``[delivery] merge_updates = false`` (one upsert per event) and once merged (a user's queued
updates of one prospect as one upsert, never across an email change). Every prospect field must be
equal, with far fewer calls, under faults too.
"""

from __future__ import annotations

import random
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
from framework.cli.run_summary import summary_text
from framework.delivery.jobs import JobState
from framework.delivery.outcome import DeliveryOutcome
from framework.delivery.replay_run import ReplayOutcome, replay_into_queue
from framework.delivery.sqlite_queue import SqliteQueue
from framework.delivery.worker import WorkerOptions
from framework.events import EventRecord
from framework.instance import DestinationInstance

MOMENT = datetime(2026, 1, 1, tzinfo=UTC)
CUSTOM = ["Tier__c", "Score__c"]
MAPPING = {
    "email": {"@path": "$.traits.email"},
    "firstName": {"@path": "$.traits.first_name"},
    "lastName": {"@path": "$.traits.last_name"},
    "city": {"@path": "$.traits.city"},
    "secondaryDeletedSearch": True,
    "customFields": {"@path": "$.traits.custom"},
}
FAST = {"backoff_base": 0.02, "backoff_cap": 0.2, "max_attempts": 20}


@pytest.fixture
def emulators() -> Iterator[tuple[PardotEmulator, PardotEmulator]]:
    with (
        PardotEmulator(custom_fields=CUSTOM, clock=lambda: MOMENT) as merged,
        PardotEmulator(custom_fields=CUSTOM, clock=lambda: MOMENT) as per_event,
    ):
        yield merged, per_event


def instance_for(
    emulator: PardotEmulator, *, merge: bool, delivery: dict[str, Any] | None = None, usage: bool = False
) -> DestinationInstance:
    subscription = {
        "name": "prospects",
        "subscribe": 'type = "identify"',
        "partnerAction": "prospects",
        "mapping": MAPPING,
    }
    settings = {
        "businessUnitID": DEFAULT_BUSINESS_UNIT,
        "accountID": "1",
        "returnApiUsage": usage,
        "subscriptions": [subscription],
        "oauth": {"access_token": DEFAULT_ACCESS_TOKEN, "refresh_token": DEFAULT_REFRESH_TOKEN},
    }
    instance = DestinationInstance.from_settings(settings, endpoint=emulator.base_url)
    options = {**(delivery or {}), "merge_updates": merge}
    instance.delivery = instance.delivery.model_copy(update=options)
    return instance


def generated_events(seed: int, users: int, per_user: int) -> list[EventRecord]:
    """Several updates per person, interleaved: names, cities, custom fields (nulls too), email changes,
    and now and then an event without an email (invalid: it must be settled alone)."""
    rng = random.Random(seed)
    emails = {user: f"p{user}@example.com" for user in range(users)}
    events = []
    for number in range(users * per_user):
        user = rng.randrange(users)
        traits: dict[str, Any] = {"email": emails[user]}
        for name in rng.sample(["first_name", "last_name", "city"], rng.randint(0, 3)):
            traits[name] = rng.choice(["Ann", "Bo", "Cy", None])
        custom = {name: rng.choice(["gold", "7", None]) for name in rng.sample(CUSTOM, rng.randint(0, 2))}
        if rng.random() < 0.06:
            emails[user] = custom["email"] = f"p{user}.{number}@example.com"  # an email change: a barrier
        if custom:
            traits["custom"] = custom
        if rng.random() < 0.02:
            traits.pop("email")
        events.append(
            EventRecord(
                {"type": "identify", "userId": f"u{user}", "messageId": f"m{number}", "traits": traits},
                "generated",
                number + 1,
            )
        )
    return events


def people(emulator: PardotEmulator) -> dict[str, dict[str, Any]]:
    """Every prospect field but the id (creation order may differ between the two runs)."""
    return {p["email"]: {k: v for k, v in p.items() if k != "id"} for p in emulator.prospects()}


def replay(
    tmp_path: Path,
    name: str,
    instance: DestinationInstance,
    events: list[EventRecord],
    seen: list[DeliveryOutcome] | None = None,
    options: WorkerOptions | None = None,
) -> ReplayOutcome:
    queue = SqliteQueue(tmp_path / f"{name}.db")
    try:
        with instance:
            return replay_into_queue(
                queue,
                instance,
                events,
                options=options or WorkerOptions(),
                on_outcome=seen.append if seen is not None else None,
            )
    finally:
        queue.close()


def test_merged_delivery_leaves_every_prospect_field_as_per_event_delivery(
    emulators: tuple[PardotEmulator, PardotEmulator], tmp_path: Path
) -> None:
    merged, per_event = emulators
    events = generated_events(seed=3, users=25, per_user=12)
    seen: list[DeliveryOutcome] = []
    one_by_one = replay(tmp_path, "per-event", instance_for(per_event, merge=False), events)
    together = replay(tmp_path, "merged", instance_for(merged, merge=True), events, seen)
    assert one_by_one.exit is not None and one_by_one.exit.reason == "drained"
    assert together.exit is not None and together.exit.reason == "drained"
    assert people(merged) == people(per_event)
    for column in ("delivered", "invalid", "dead_lettered"):
        assert together.tally.total(column) == one_by_one.tally.total(column), column
    assert one_by_one.tally.total("invalid") > 0
    calls_per_event, calls_merged = per_event.stats()["api_calls"], merged.stats()["api_calls"]
    assert calls_per_event == one_by_one.tally.total("delivered")
    assert calls_merged < calls_per_event / 2
    merged_outcomes = [outcome for outcome in seen if outcome.merged_with]
    assert merged_outcomes and all(outcome.state is JobState.DELIVERED for outcome in merged_outcomes)
    assert len(seen) - len([o for o in seen if o.state is JobState.INVALID]) > calls_merged
    summary = together.tally.summary()
    assert summary["subscriptions"][0]["merged"] == len(merged_outcomes)
    assert f"Delivered with fewer API calls: {len(merged_outcomes)} in calls merged per record" in summary_text(
        summary, []
    )


def test_switched_off_merging_sends_one_call_per_event(
    emulators: tuple[PardotEmulator, PardotEmulator], tmp_path: Path
) -> None:
    _, per_event = emulators
    seen: list[DeliveryOutcome] = []
    events = generated_events(seed=5, users=4, per_user=6)
    outcome = replay(tmp_path, "off", instance_for(per_event, merge=False), events, seen)
    assert per_event.stats()["api_calls"] == outcome.tally.total("delivered")
    assert not any(o.merged_with for o in seen)


def test_merged_calls_that_fail_are_retried_together_and_still_leave_the_same_prospects(
    emulators: tuple[PardotEmulator, PardotEmulator], tmp_path: Path
) -> None:
    merged, per_event = emulators
    events = generated_events(seed=9, users=15, per_user=10)
    replay(tmp_path, "per-event", instance_for(per_event, merge=False), events)
    merged.app.fault_mix.set("500:0.25,503:0.1,reset:0.03", seed=4)
    seen: list[DeliveryOutcome] = []
    outcome = replay(tmp_path, "faulty", instance_for(merged, merge=True, delivery=FAST), events, seen)
    assert outcome.exit is not None and outcome.exit.reason == "drained"
    assert outcome.tally.total("dead_lettered") == 0
    retried_together = [o for o in seen if o.state is JobState.QUEUED and o.merged_with]
    assert retried_together, "no merged call failed: the fault mix did not exercise the retry"
    calls: list[tuple[frozenset[int], set[float]]] = []  # a call's outcomes are reported one after another
    previous: frozenset[int] | None = None
    members: set[int] = set()
    for o in seen:
        group = frozenset((o.job_id, *o.merged_with)) if o.state is JobState.QUEUED and o.merged_with else None
        if group is not None and (group != previous or o.job_id in members):
            calls.append((group, set()))
            members = set()
        if group is not None:
            calls[-1][1].add(o.not_before)
            members.add(o.job_id)
        previous = group
    assert all(len(times) == 1 for _, times in calls), [(sorted(g), t) for g, t in calls if len(t) > 1][:3]
    assert people(merged) == people(per_event)


def test_an_update_refused_for_good_is_dead_lettered_alone_and_the_others_still_land(
    emulators: tuple[PardotEmulator, PardotEmulator], tmp_path: Path
) -> None:
    merged, per_event = emulators
    bad = {
        "type": "identify",
        "userId": "u1",
        "messageId": "bad",
        "traits": {"email": "a@example.com", "custom": {"Unknown__c": "x"}},
    }
    events = [
        EventRecord(
            {
                "type": "identify",
                "userId": "u1",
                "messageId": f"m{i}",
                "traits": {"email": "a@example.com", "first_name": f"v{i}"},
            },
            "generated",
            i + 1,
        )
        for i in range(3)
    ]
    events.insert(2, EventRecord(bad, "generated", 99))
    replay(tmp_path, "per-event", instance_for(per_event, merge=False), events)
    seen: list[DeliveryOutcome] = []
    outcome = replay(tmp_path, "merged", instance_for(merged, merge=True), events, seen)
    assert {o.message_id for o in seen if o.state is JobState.DEAD} == {"bad"}
    assert outcome.tally.total("delivered") == 3
    assert people(merged) == people(per_event)


class _QueueBeforeIssue10:
    """A backend written before lane runs and batches: the old ``claim`` and nothing new."""

    _NEW = {"claim_batch", "start_polling", "claim_polls", "reschedule_poll", "finish_poll"}

    def __init__(self, inner: SqliteQueue) -> None:
        self._inner = inner

    def claim(self, worker_id: str, *, instances: Any, limit: int, account_limits: Any) -> Any:
        return self._inner.claim(worker_id, instances=instances, limit=limit, account_limits=account_limits)

    def __getattr__(self, name: str) -> Any:
        if name in self._NEW:
            raise AttributeError(name)
        return getattr(self._inner, name)


def test_a_backend_without_lane_runs_still_delivers_one_call_per_event(
    emulators: tuple[PardotEmulator, PardotEmulator], tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    merged, _ = emulators
    inner = SqliteQueue(tmp_path / "old.db")
    events = generated_events(seed=5, users=4, per_user=6)
    with instance_for(merged, merge=True) as instance:
        outcome = replay_into_queue(_QueueBeforeIssue10(inner), instance, events)  # type: ignore[arg-type]
    assert outcome.exit is not None and outcome.exit.reason == "drained"
    assert merged.stats()["api_calls"] == outcome.tally.total("delivered") > 0
    assert "does not implement lane runs and batches yet: one call per event" in caplog.text
    inner.close()
