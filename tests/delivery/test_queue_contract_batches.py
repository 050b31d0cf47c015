"""The queue port's contract for issue 10, on every backend: lane runs, batch claims, async batch polls.

A lane run lets the engine merge a user's consecutive jobs of one subscription into one call; a batch
claim takes many users' lane heads for one ``perform_batch``; a job of an async batch waits in
``polling``, holding its lane back, until its stored poll is finished (after a restart too).
"""

from __future__ import annotations

import time
from pathlib import Path

from framework.delivery import JobQueue, JobState, NewJob, Settlement
from framework.delivery.jobs import PendingPoll

INSTANCE = "inst-a"
ACCOUNT = "dest:unit=1"


def job(message_id: str, user: str | None = "u1", *, subscription: int = 0) -> NewJob:
    ordering = f"{INSTANCE}\x1fu:{user}" if user else None
    return NewJob(
        INSTANCE,
        subscription,
        message_id,
        {"type": "identify", "messageId": message_id, "userId": user},
        ACCOUNT,
        ordering,
        subscription_name=f"sub{subscription}",
    )


def claim(
    queue: JobQueue,
    *,
    lane_run: int = 1,
    limit: int = 10,
    limits: dict[str, int] | None = None,
    skip: tuple[tuple[str, int], ...] = (),
    worker: str = "w1",
) -> list[str]:
    jobs = queue.claim(
        worker, instances=[INSTANCE], limit=limit, account_limits=limits or {}, lane_run=lane_run, skip=skip
    )
    return [j.message_id for j in jobs]


def batch(
    queue: JobQueue,
    *,
    limit: int = 10,
    lane_run: int = 1,
    linger: float = 0.0,
    subscription: int = 0,
    limits: dict[str, int] | None = None,
) -> list[str]:
    jobs = queue.claim_batch(
        "w1",
        instance_id=INSTANCE,
        subscription=subscription,
        limit=limit,
        account_limits=limits or {},
        lane_run=lane_run,
        linger=linger,
    )
    return [j.message_id for j in jobs]


def ids(queue: JobQueue, *message_ids: str) -> list[int]:
    found = {}
    for job_id in range(1, 200):
        stored = queue.job(job_id)
        if stored is not None:
            found[stored.message_id] = job_id
    return [found[m] for m in message_ids]


def test_a_lane_run_brings_the_users_next_jobs_of_the_same_subscription(queue: JobQueue) -> None:
    queue.enqueue([job("a1", "a"), job("a2", "a"), job("a3", "a"), job("b1", "b"), job("b2", "b")])
    assert claim(queue, lane_run=2) == ["a1", "a2", "b1", "b2"]
    assert claim(queue, lane_run=2) == []  # a3 waits behind the running a1, a2


def test_a_lane_run_stops_at_another_subscriptions_job_or_a_job_not_yet_due(queue: JobQueue) -> None:
    queue.enqueue([job("a1", "a"), job("a2", "a"), job("x1", "a", subscription=1), job("a3", "a")])
    assert claim(queue, lane_run=10) == ["a1", "a2"]  # never reordered across x1
    queue.settle([Settlement(i, JobState.DELIVERED) for i in ids(queue, "a1", "a2")])
    assert claim(queue, lane_run=10) == ["x1"]


def test_a_run_counts_once_against_the_accounts_limit(queue: JobQueue) -> None:
    queue.enqueue([job(f"m{i}", f"u{i // 3}") for i in range(9)])  # three users, three jobs each
    assert len(claim(queue, lane_run=3, limits={ACCOUNT: 2})) == 6  # two runs of three
    assert claim(queue, lane_run=3, limits={ACCOUNT: 3}, worker="w2") == ["m6", "m7", "m8"]


def test_a_handed_back_job_keeps_its_try_count(queue: JobQueue) -> None:
    queue.enqueue([job("a1", "a"), job("a2", "a")])
    claim(queue, lane_run=2)
    first, second = ids(queue, "a1", "a2")
    queue.settle(
        [
            Settlement(first, JobState.QUEUED, reason="503", not_before=time.time() - 1),
            Settlement(second, JobState.QUEUED, attempted=False),
        ]
    )
    stored = queue.job(second)
    assert stored is not None and stored.state is JobState.QUEUED and stored.tries == 0 and stored.attempts == 0
    assert claim(queue, lane_run=2) == ["a1", "a2"]


def test_skipped_subscriptions_are_left_to_batch_claims(queue: JobQueue) -> None:
    queue.enqueue([job("a1", "a"), job("b1", "b", subscription=1)])
    assert claim(queue, skip=((INSTANCE, 0),)) == ["b1"]
    assert batch(queue) == ["a1"]


def test_a_batch_takes_many_users_heads_and_waits_for_a_trickle_to_fill(queue: JobQueue) -> None:
    queue.enqueue([job("a1", "a"), job("a2", "a"), job("b1", "b"), job("c1", None), job("x1", "x", subscription=1)])
    assert batch(queue, limit=10, linger=3600) == []  # four due, the oldest just enqueued: wait
    assert batch(queue, limit=10, lane_run=5) == ["a1", "a2", "b1", "c1"]
    assert batch(queue, limit=10) == []


def test_a_batch_is_one_call_for_the_accounts_limit(queue: JobQueue) -> None:
    queue.enqueue([job(f"m{i}", f"u{i}") for i in range(4)] + [job("z", "z", subscription=1)])
    assert batch(queue, limit=3, limits={ACCOUNT: 2}) == ["m0", "m1", "m2"]
    assert claim(queue, limits={ACCOUNT: 2}, skip=((INSTANCE, 0),)) == ["z"]
    assert claim(queue, limits={ACCOUNT: 3}, worker="w2") == ["m3"]


def test_polling_jobs_hold_their_lane_are_not_recovered_and_settle_from_the_poll(
    queue: JobQueue, tmp_path: Path
) -> None:
    queue.enqueue([job("a1", "a"), job("a2", "a"), job("b1", "b")])
    queue.register_worker("w1")
    assert batch(queue) == ["a1", "b1"]
    a1, b1 = ids(queue, "a1", "b1")
    pending = PendingPoll(0, INSTANCE, 0, ACCOUNT, {"ref": {"importId": 7}}, (a1, b1))
    poll_id = queue.start_polling("w1", [a1, b1], pending, poll_at=time.time() - 1)
    queue.unregister_worker("w1")
    assert queue.recover(stale_after=0) == 0
    assert claim(queue) == [] and batch(queue) == []  # a2 is behind a polling job; one async batch at a time
    assert queue.unfinished([INSTANCE]) == 3 and queue.stats(INSTANCE).total("polling") == 2
    polls = queue.claim_polls([INSTANCE], lease=60)
    assert [(p.id, p.job_ids, p.pending, p.polls) for p in polls] == [(poll_id, (a1, b1), pending.pending, 1)]
    assert queue.claim_polls([INSTANCE], lease=60) == []  # leased
    queue.reschedule_poll(poll_id, time.time() - 1)
    assert len(queue.claim_polls([INSTANCE], lease=60)) == 1
    queue.finish_poll(poll_id, [Settlement(a1, JobState.DELIVERED), Settlement(b1, JobState.DEAD, reason="row")])
    stored = queue.job(b1)
    assert stored is not None and stored.state is JobState.DEAD and stored.last_error == "row"
    assert claim(queue) == ["a2"]
    assert queue.claim_polls([INSTANCE], lease=60) == []


def test_next_due_includes_the_next_poll(queue: JobQueue) -> None:
    queue.enqueue([job("a1", "a")])
    assert batch(queue) == ["a1"]
    (a1,) = ids(queue, "a1")
    queue.start_polling("w1", [a1], PendingPoll(0, INSTANCE, 0, ACCOUNT, {}, (a1,)), poll_at=time.time() + 120)
    due = queue.next_due([INSTANCE])
    assert due is not None and 100 < due - time.time() <= 120
