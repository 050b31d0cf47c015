"""The queue port's contract for settling many jobs at once, on every backend.

A backend may write one call's settlements together (SQLite groups them into one statement per kind);
each job must still end as if settled on its own: its state, counts, reason and retry time, its
attempt record, and only while it is running.
"""

from __future__ import annotations

import time

from framework.delivery import Attempt, JobQueue, JobState, Settlement
from tests.delivery.test_queue_contract import ACCOUNT, INSTANCE, _id_of, claim, job


def attempt(job_id: int, status: str = "delivered", message: str = "") -> Attempt:
    return Attempt(job_id, 1, time.time(), 4.25, status, "success", 200, None, message, {"status": 200})


def test_one_call_settles_each_kind_of_settlement_as_on_its_own(queue: JobQueue) -> None:
    queue.enqueue([job(f"m{i}", f"user{i}") for i in range(5)])
    assert len(claim(queue)) == 5
    delivered, retried, limited, dead, handed_back = (_id_of(queue, f"m{i}") for i in range(5))
    later = time.time() + 3600
    queue.settle(
        [
            Settlement(delivered, JobState.DELIVERED, attempt=attempt(delivered)),
            Settlement(
                retried, JobState.QUEUED, reason="HTTP 503", not_before=later, attempt=attempt(retried, "failed")
            ),
            Settlement(limited, JobState.QUEUED, reason="HTTP 429", not_before=later, counts_attempt=False),
            Settlement(dead, JobState.DEAD, reason="HTTP 400: bad email", attempt=attempt(dead, "failed", "bad")),
            Settlement(handed_back, JobState.QUEUED, attempted=False),
        ]
    )
    expected = {
        delivered: (JobState.DELIVERED, 1, 1, ""),
        retried: (JobState.QUEUED, 1, 1, "HTTP 503"),
        limited: (JobState.QUEUED, 0, 1, "HTTP 429"),
        dead: (JobState.DEAD, 1, 1, "HTTP 400: bad email"),
        handed_back: (JobState.QUEUED, 0, 0, ""),
    }
    for job_id, (state, attempts, tries, reason) in expected.items():
        stored = queue.job(job_id)
        assert stored is not None
        assert (stored.state, stored.attempts, stored.tries, stored.last_error) == (state, attempts, tries, reason)
    assert [queue.job(i).not_before for i in (retried, limited)] == [later, later]  # type: ignore[union-attr]
    assert queue.job(handed_back).not_before == 0  # type: ignore[union-attr]
    assert [a.status for a in queue.attempts(delivered) + queue.attempts(retried)] == ["delivered", "failed"]
    assert queue.attempts(dead)[0].message == "bad" and queue.attempts(limited) == []
    assert claim(queue) == ["m4"]  # only the handed-back job is due again


def test_a_call_of_many_settlements_records_every_attempt(queue: JobQueue) -> None:
    count = 120  # more than one statement's worth for a backend that writes them in chunks
    queue.enqueue([job(f"m{i}", f"user{i}") for i in range(count)])
    assert len(claim(queue, limit=count)) == count
    ids = [_id_of(queue, f"m{i}") for i in range(count)]
    queue.settle([Settlement(i, JobState.DELIVERED, attempt=attempt(i, message=f"call {i}")) for i in ids])
    assert queue.stats(INSTANCE).total("delivered") == count
    assert all([a.message for a in queue.attempts(i)] == [f"call {i}"] for i in ids)


def test_settlements_of_jobs_no_longer_running_change_nothing(queue: JobQueue) -> None:
    queue.enqueue([job("m1", "a"), job("m2", "b")])
    assert claim(queue) == ["m1", "m2"]
    first, second = _id_of(queue, "m1"), _id_of(queue, "m2")
    queue.settle([Settlement(first, JobState.DELIVERED)])
    queue.settle([Settlement(first, JobState.DEAD, reason="late"), Settlement(second, JobState.DEAD, reason="now")])
    stored_first, stored_second = queue.job(first), queue.job(second)
    assert stored_first is not None and (stored_first.state, stored_first.attempts) == (JobState.DELIVERED, 1)
    assert stored_second is not None and (stored_second.state, stored_second.last_error) == (JobState.DEAD, "now")


def test_a_claim_passes_over_the_jobs_of_an_account_with_no_room_left(queue: JobQueue) -> None:
    other = "dest:unit=2"
    queue.enqueue([job(f"a{i}", f"a{i}") for i in range(3)] + [job(f"b{i}", f"b{i}", account=other) for i in range(3)])
    assert claim(queue, limit=3, limits={ACCOUNT: 1, other: 5}) == ["a0", "b0", "b1"]
    assert claim(queue, limit=3, limits={ACCOUNT: 1, other: 5}, worker="w2") == ["b2"]
