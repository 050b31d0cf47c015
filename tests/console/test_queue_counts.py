"""The queue methods the console reads, on both backends: ``settled_counts`` (the per-minute chart and
the hour and day windows) and keyset paging of dead letters (``after_id``, ``subscription``)."""

from __future__ import annotations

import time

from framework.delivery import DeadLetterSelection, JobQueue, JobState, NewJob, Settlement
from tests.delivery.conftest import postgres_queue, postgres_url, queue  # noqa: F401  (fixtures, both backends)


def _fill(queue: JobQueue) -> list[int]:  # noqa: F811  (the parameter shadows the imported fixture)
    queue.enqueue([NewJob("inst", n % 2, f"m{n}", {"type": "identify", "userId": f"u{n}"}, "acct") for n in range(6)])
    claimed = queue.claim("w1", instances=["inst"], limit=10, account_limits={})
    ids = sorted(job.id for job in claimed)
    states = [JobState.DELIVERED, JobState.DEAD, JobState.DELIVERED, JobState.DEAD, JobState.INVALID]
    queue.settle([Settlement(job_id, state, reason="why") for job_id, state in zip(ids, states, strict=False)])
    return ids


def test_settled_counts_group_final_states_per_minute_and_skip_what_is_unfinished(queue: JobQueue) -> None:  # noqa: F811
    before = time.time() - 1
    ids = _fill(queue)
    rows = queue.settled_counts(before)
    totals: dict[tuple[int, str], int] = {}
    for minute, instance_id, subscription, state, count in rows:
        assert instance_id == "inst" and minute % 60 == 0 and before - 60 < minute <= time.time()
        totals[(subscription, state)] = totals.get((subscription, state), 0) + count
    subscription_of = {job_id: queue.job(job_id).subscription for job_id in ids}  # type: ignore[union-attr]
    expected: dict[tuple[int, str], int] = {}
    for job_id, state in zip(ids, ["delivered", "dead", "delivered", "dead", "invalid"], strict=False):
        expected[(subscription_of[job_id], state)] = expected.get((subscription_of[job_id], state), 0) + 1
    assert totals == expected  # the sixth job is still running: not counted
    assert queue.settled_counts(time.time() + 120) == []


def test_dead_letters_page_after_an_id_and_filter_by_subscription(queue: JobQueue) -> None:  # noqa: F811
    _fill(queue)
    every = [job.id for job in queue.dead_letters(DeadLetterSelection())]
    assert len(every) == 3
    after_first = [job.id for job in queue.dead_letters(DeadLetterSelection(after_id=every[0]), limit=10)]
    assert after_first == every[1:]
    by_subscription = {
        sub: [job.id for job in queue.dead_letters(DeadLetterSelection(instance_id="inst", subscription=sub))]
        for sub in (0, 1)
    }
    assert sorted(by_subscription[0] + by_subscription[1]) == every
    assert all(queue.job(job_id).subscription == 1 for job_id in by_subscription[1])  # type: ignore[union-attr]
