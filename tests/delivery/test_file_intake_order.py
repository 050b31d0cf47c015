"""A file's events keep their order in their user's lane across subscriptions (issue 16.3).

The intake used to enqueue a batch one subscription at a time, so a user's identify read after
their "Email Changed" track got an earlier job id (a lane is ordered by id) and was delivered first:
the change moved the prospect to its new address and the identify then made a second prospect at
the old one. Found by ``tests/destinations/pardot/test_batch_order_property.py``.
"""

from __future__ import annotations

from pathlib import Path

from framework.delivery import JobQueue
from framework.delivery.file_intake import FileIntake
from framework.delivery.jobs import JobState, Settlement
from framework.delivery.run_tally import RunTally
from framework.events import EventRecord
from framework.instance import DestinationInstance

TOML = Path(__file__).resolve().parents[2] / "fixtures/instances/pardot.toml"
UPSERT, CHANGE = 0, 1  # the fixture's "Upsert prospects on identify" and "Change a prospect's email"


def _events() -> list[EventRecord]:
    change = {"type": "track", "event": "Email Changed", "userId": "ann"}
    events = [
        {**change, "messageId": "m0", "properties": {"previous_email": "ann@example.com", "email": "a1@example.com"}},
        {"type": "identify", "userId": "ann", "messageId": "m1", "traits": {"email": "a1@example.com"}},
        {**change, "messageId": "m2", "properties": {"previous_email": "a1@example.com", "email": "a2@example.com"}},
    ]
    return [EventRecord(event, "generated", n + 1) for n, event in enumerate(events)]


def _lane(queue: JobQueue, instance_id: str) -> list[tuple[str, int]]:
    """The user's jobs in lane order (by id): (messageId, subscription)."""
    jobs = [queue.job(job_id) for job_id in range(1, 10)]
    return [(job.message_id, job.subscription) for job in jobs if job is not None and job.instance_id == instance_id]


def test_a_users_jobs_of_two_subscriptions_are_queued_in_the_order_of_their_events(queue: JobQueue) -> None:
    instance = DestinationInstance.from_file(TOML)
    intake = FileIntake(queue, instance, RunTally())
    intake.read(_events())
    assert _lane(queue, instance.id) == [("m0", CHANGE), ("m1", UPSERT), ("m2", CHANGE)]


def test_done_before_is_still_counted_per_subscription_on_a_rerun(queue: JobQueue) -> None:
    instance = DestinationInstance.from_file(TOML)
    FileIntake(queue, instance, RunTally()).read(_events())
    queue.register_worker("w")
    claimed = queue.claim("w", instances=[instance.id], limit=1, account_limits={})
    assert [job.message_id for job in claimed] == ["m0"]
    queue.settle([Settlement(claimed[0].id, JobState.DELIVERED)])
    tally = RunTally()
    rerun = FileIntake(queue, instance, tally)
    rerun.read(_events())
    assert rerun.added == 0
    change, upsert = tally.subscription(CHANGE, ""), tally.subscription(UPSERT, "")
    assert (change.counts["done_before"], change.expected) == (1, 1)  # m0 delivered by the first run
    assert (upsert.counts["done_before"], upsert.expected) == (0, 1)
