"""The queue port's contract for issue 16, on every backend: ``settle_and_claim`` and change announcements.

``settle_and_claim`` settles and claims in one transaction, so what the settlements free (an account's
slot, the next job of a user's lane) is claimable by the very same call; ``subscribe_changes`` tells a
waiting worker when jobs may have become claimable.
"""

from __future__ import annotations

import threading

from framework.delivery import JobQueue, JobState, Settlement
from framework.delivery.jobs import Job
from tests.delivery.test_queue_contract import ACCOUNT, INSTANCE, _id_of, claim, job


def settle_and_claim(
    queue: JobQueue,
    settlements: list[Settlement],
    *,
    limit: int = 10,
    limits: dict[str, int] | None = None,
    lane_run: int = 1,
    worker: str = "w1",
) -> list[Job]:
    return queue.settle_and_claim(
        settlements, worker, instances=[INSTANCE], limit=limit, account_limits=limits or {}, lane_run=lane_run
    )


def delivered(queue: JobQueue, message_id: str) -> Settlement:
    return Settlement(_id_of(queue, message_id), JobState.DELIVERED)


def test_the_slot_a_settlement_frees_is_claimed_in_the_same_call(queue: JobQueue) -> None:
    queue.enqueue([job(f"m{i}", f"user{i}") for i in range(7)])
    limits = {ACCOUNT: 5}
    assert claim(queue, limits=limits) == ["m0", "m1", "m2", "m3", "m4"]
    refilled = settle_and_claim(queue, [delivered(queue, "m0"), delivered(queue, "m1")], limits=limits)
    assert [j.message_id for j in refilled] == ["m5", "m6"]
    assert all(j.state is JobState.RUNNING for j in refilled)
    assert claim(queue, worker="w2", limits=limits) == []  # all five slots are taken again
    assert queue.stats(INSTANCE).total("delivered") == 2 and queue.stats(INSTANCE).total("running") == 5


def test_a_settled_job_frees_the_next_job_of_its_lane_in_the_same_call(queue: JobQueue) -> None:
    queue.enqueue([job("a1", "a"), job("a2", "a"), job("a3", "a")])
    assert claim(queue) == ["a1"]
    refilled = settle_and_claim(queue, [delivered(queue, "a1")], lane_run=2)
    assert [j.message_id for j in refilled] == ["a2", "a3"]  # the new head and its run


def test_the_claim_keeps_the_accounts_limit_and_the_retry_barrier(queue: JobQueue) -> None:
    queue.enqueue([job("a1", "a"), job("a2", "a"), job("b1", "b"), job("c1", "c")])
    limits = {ACCOUNT: 2}
    assert claim(queue, limits=limits) == ["a1", "b1"]
    retry = Settlement(_id_of(queue, "a1"), JobState.QUEUED, reason="503", not_before=2**40)
    refilled = settle_and_claim(queue, [retry], limits=limits)
    assert [j.message_id for j in refilled] == ["c1"]  # a2 waits behind a1's retry; b1 still holds a slot
    assert settle_and_claim(queue, [], limits=limits) == []  # full: two running


def test_settle_and_claim_records_the_settlements_like_settle(queue: JobQueue) -> None:
    queue.enqueue([job("m1")])
    assert claim(queue) == ["m1"]
    assert settle_and_claim(queue, [Settlement(_id_of(queue, "m1"), JobState.DEAD, reason="gave up")]) == []
    stored = queue.job(_id_of(queue, "m1"))
    assert stored is not None and stored.state is JobState.DEAD and stored.last_error == "gave up"
    assert stored.attempts == 1


def test_settle_and_claim_with_no_room_only_settles(queue: JobQueue) -> None:
    queue.enqueue([job("m1", "a"), job("m2", "b")])
    assert claim(queue, limit=1) == ["m1"]
    assert settle_and_claim(queue, [delivered(queue, "m1")], limit=0) == []
    assert queue.stats(INSTANCE).total("delivered") == 1 and queue.stats(INSTANCE).total("queued") == 1


def test_enqueues_settles_and_redrives_are_announced_to_subscribers(queue: JobQueue) -> None:
    changes = threading.Semaphore(0)
    unsubscribe = queue.subscribe_changes(changes.release)
    try:
        queue.enqueue([job("m1", "a"), job("m2", "b")])
        assert changes.acquire(timeout=5), "an enqueue was not announced"
        claim(queue)
        settle_and_claim(queue, [Settlement(_id_of(queue, "m1"), JobState.DEAD, reason="gave up")])
        assert changes.acquire(timeout=5), "a settlement was not announced"
        queue.settle([delivered(queue, "m2")])
        assert changes.acquire(timeout=5), "a settle was not announced"
        assert queue.redrive([_id_of(queue, "m1")]) == 1
        assert changes.acquire(timeout=5), "a redrive was not announced"
        queue.enqueue([job("m1", "a")])  # a duplicate: nothing new to claim
        assert not changes.acquire(blocking=False), "a duplicate enqueue was announced"
    finally:
        unsubscribe()
    queue.enqueue([job("m3", "c")])
    assert not changes.acquire(blocking=False), "an unsubscribed callback was called"
