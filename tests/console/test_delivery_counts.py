"""The counts the queue keeps (``delivery_counts``) equal what scanning the jobs gives, on both backends,
after every kind of change: enqueue (with duplicates), claim, retry, settle, polling, pause, recover,
dead-lettering an instance, redrive, purge and pruning; and on a SQLite queue filled before they existed."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

from framework.delivery import DeadLetterSelection, JobQueue, JobState, NewJob, Settlement, open_queue
from framework.delivery.jobs import Attempt, PendingPoll
from tests.delivery.conftest import postgres_queue, postgres_url, queue  # noqa: F401  (fixtures, both backends)

DAY = 86_400.0


def _job(n: int, instance: str = "inst", account: str = "acct") -> NewJob:
    return NewJob(
        instance, n % 3, f"m{n}", {"type": "identify", "userId": f"u{n}"}, account, subscription_name=f"s{n % 3}"
    )


def _assert_counts_match(queue: JobQueue, *, attempts_purged: bool = False) -> None:  # noqa: F811
    now = time.time()
    since, recent = (now - DAY) // 60 * 60, (now - 3600) // 60 * 60
    counted = queue.counted(now - DAY, now - 3600)
    scanned = queue.stats()
    assert [(r.instance_id, r.subscription, r.subscription_name, r.counts) for r in counted.stats.rows] == [
        (r.instance_id, r.subscription, r.subscription_name, r.counts) for r in scanned.rows
    ]
    assert counted.stats.paused_accounts.keys() == scanned.paused_accounts.keys()
    assert sorted(counted.settled) == sorted(queue.settled_counts(since))
    if not attempts_purged:  # purging takes attempts away, not the latencies seen (delivery_counts)
        assert sorted(counted.latency, key=repr) == sorted(queue.attempt_latencies(since, recent), key=repr)


def _settle(queue: JobQueue, states: list[JobState], worker: str = "w1") -> list[int]:  # noqa: F811
    claimed = sorted(
        queue.claim(worker, instances=["inst", "other"], limit=len(states), account_limits={}), key=lambda j: j.id
    )
    now = time.time()
    settlements = []
    for n, (job, state) in enumerate(zip(claimed, states, strict=False)):
        status = {JobState.DELIVERED: "delivered", JobState.INVALID: "invalid"}.get(state, "failed")
        attempt = Attempt(job.id, job.tries + 1, now - 4000 * (n % 2), 3.0 * n + 1, status, None)
        retry_at = now + 600 if state is JobState.QUEUED else 0.0
        settlements.append(Settlement(job.id, state, reason="why", not_before=retry_at, attempt=attempt))
    queue.settle(settlements)
    return [job.id for job in claimed]


def test_kept_counts_equal_the_scanned_ones_through_every_change(queue: JobQueue) -> None:  # noqa: F811
    _assert_counts_match(queue)  # empty
    queue.enqueue([_job(n) for n in range(30)] + [_job(n, "other", "acct2") for n in range(30, 36)])
    queue.enqueue([_job(n) for n in range(25, 32)])  # five duplicates, two new
    _assert_counts_match(queue)
    _settle(queue, [JobState.DELIVERED, JobState.DEAD, JobState.INVALID, JobState.QUEUED, JobState.FILTERED] * 2)
    _assert_counts_match(queue)  # retrying jobs are queued with a due time later
    queue.register_worker("w2")
    held = queue.claim("w2", instances=["inst"], limit=3, account_limits={})
    _assert_counts_match(queue)  # running
    queue.unregister_worker("w2")  # hands them back
    _assert_counts_match(queue)
    polled = queue.claim("w1", instances=["inst"], limit=2, account_limits={})
    poll_id = queue.start_polling(
        "w1", [job.id for job in polled], PendingPoll(0, "inst", polled[0].subscription, "acct", {}, ()), time.time()
    )
    _assert_counts_match(queue)
    queue.finish_poll(poll_id, [Settlement(job.id, JobState.DELIVERED, reason="ok") for job in polled])
    queue.pause_account("acct2", time.time() + 600, "quota spent")
    _assert_counts_match(queue)  # parked
    assert queue.dead_letter_unfinished("other", "revoked") > 0
    _assert_counts_match(queue)
    dead = [job.id for job in queue.dead_letters(DeadLetterSelection())]
    assert queue.redrive(dead[:3]) == 3
    _assert_counts_match(queue)
    assert queue.purge(dead[3:5]) == 2
    _assert_counts_match(queue, attempts_purged=True)
    assert queue.prune_delivered("inst", time.time() + 1, 2) == 2  # type: ignore[attr-defined]
    _assert_counts_match(queue, attempts_purged=True)
    assert held  # the claim above took jobs


def test_a_sqlite_queue_filled_before_the_counts_existed_is_counted_from_its_jobs(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'q.db'}"
    opened = open_queue(url)
    opened.enqueue([_job(n) for n in range(12)])
    _settle(opened, [JobState.DELIVERED, JobState.DEAD, JobState.QUEUED])
    opened.close()
    with sqlite3.connect(tmp_path / "q.db") as db:  # as a opened written before the counts existed
        for trigger in ("jobs_counted_insert", "jobs_counted_update", "jobs_counted_delete", "attempts_counted_insert"):
            db.execute(f"DROP TRIGGER {trigger}")
        for table in ("job_counts", "settled_minutes", "attempt_minutes"):
            db.execute(f"DROP TABLE {table}")
        db.execute(
            "INSERT INTO jobs (instance_id, subscription, subscription_name, message_id, account_key, event,"
            " enqueued_at) VALUES ('inst', 0, 's0', 'old', 'acct', '{}', 0)"
        )  # a job the triggers never saw
    opened = open_queue(url)
    try:
        _assert_counts_match(opened)
        _settle(opened, [JobState.INVALID, JobState.DELIVERED])
        _assert_counts_match(opened)
    finally:
        opened.close()
