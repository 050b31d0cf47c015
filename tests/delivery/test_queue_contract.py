"""The queue port's contract, run against every backend (the ``queue`` fixture is parametrized).

Dedup, the ordering barrier, per-account limits, pauses, settlement and attempt records, recovery of
a dead worker's jobs, dead letters and the shared token store: what moving from SQLite to PostgreSQL
must not change.
"""

from __future__ import annotations

import threading
import time

import pytest

from framework.auth import OAuthTokens
from framework.delivery import (
    Attempt,
    DeadLetterSelection,
    JobQueue,
    JobState,
    NewJob,
    Settlement,
)

INSTANCE = "inst-a"
ACCOUNT = "dest:unit=1"


def job(
    message_id: str, user: str | None = "u1", *, account: str = ACCOUNT, subscription: int = 0, instance: str = INSTANCE
) -> NewJob:
    ordering = f"{instance}\x1fu:{user}" if user else None
    return NewJob(
        instance,
        subscription,
        message_id,
        {"type": "identify", "messageId": message_id, "userId": user},
        account,
        ordering,
        subscription_name=f"sub{subscription}",
    )


def claim(queue: JobQueue, limit: int = 10, worker: str = "w1", limits: dict[str, int] | None = None) -> list[str]:
    return [j.message_id for j in queue.claim(worker, instances=[INSTANCE], limit=limit, account_limits=limits or {})]


def settle(
    queue: JobQueue, message_id: str, state: JobState, *, not_before: float = 0.0, reason: str = "", counts: bool = True
) -> int:
    job_id = _id_of(queue, message_id)
    queue.settle([Settlement(job_id, state, reason=reason, not_before=not_before, counts_attempt=counts)])
    return job_id


def _id_of(queue: JobQueue, message_id: str) -> int:
    for job_id in range(1, 1000):
        found = queue.job(job_id)
        if found is not None and found.message_id == message_id:
            return job_id
    raise AssertionError(f"no job {message_id}")


# -- enqueue ---------------------------------------------------------------------------------------


def test_an_identity_is_enqueued_once_and_duplicates_report_their_state(queue: JobQueue) -> None:
    first = queue.enqueue([job("m1"), job("m2")])
    assert first.added == 2 and first.duplicate_count == 0
    claim(queue)
    settle(queue, "m1", JobState.DELIVERED)
    again = queue.enqueue([job("m1"), job("m2"), job("m3")])
    assert again.added == 1
    assert again.duplicates == {JobState.DELIVERED: 1, JobState.QUEUED: 1}  # m2 waited behind m1
    assert again.finished == {(INSTANCE, 0, "m1")}  # the one a run counts as done before


def test_the_same_message_for_another_subscription_or_instance_is_another_job(queue: JobQueue) -> None:
    result = queue.enqueue([job("m1"), job("m1", subscription=1), job("m1", instance="inst-b")])
    assert result.added == 3


def test_a_repeat_inside_one_batch_counts_as_a_duplicate(queue: JobQueue) -> None:
    result = queue.enqueue([job("m1"), job("m1")])
    assert result.added == 1 and result.duplicate_count == 1


def test_enqueued_jobs_survive_reopening_the_queue(queue: JobQueue) -> None:
    queue.enqueue([job("m1", user=None)])
    assert queue.unfinished([INSTANCE]) == 1
    stored = queue.job(_id_of(queue, "m1"))
    assert stored is not None and stored.event["messageId"] == "m1" and stored.state is JobState.QUEUED


# -- claim: order, barrier, limits, pauses ---------------------------------------------------------


def test_claim_hands_out_only_the_head_of_each_users_lane(queue: JobQueue) -> None:
    queue.enqueue([job("a1", "a"), job("a2", "a"), job("b1", "b"), job("n1", None), job("n2", None)])
    assert claim(queue) == ["a1", "b1", "n1", "n2"]
    assert claim(queue) == []  # a2 waits while a1 runs


def test_a_job_waiting_for_its_retry_holds_back_the_users_later_jobs(queue: JobQueue) -> None:
    queue.enqueue([job("a1", "a"), job("a2", "a")])
    assert claim(queue) == ["a1"]
    settle(queue, "a1", JobState.QUEUED, not_before=time.time() + 3600, reason="503")
    assert claim(queue) == []  # a1 not due, a2 behind it
    assert queue.next_due([INSTANCE]) == pytest.approx(time.time() + 3600, abs=5)


def test_a_dead_letter_frees_the_users_later_jobs(queue: JobQueue) -> None:
    queue.enqueue([job("a1", "a"), job("a2", "a")])
    claim(queue)
    settle(queue, "a1", JobState.DEAD, reason="gave up")
    assert claim(queue) == ["a2"]


def test_a_due_retry_is_claimed_again_before_the_users_later_jobs(queue: JobQueue) -> None:
    queue.enqueue([job("a1", "a"), job("a2", "a")])
    claim(queue)
    settle(queue, "a1", JobState.QUEUED, not_before=time.time() - 1)
    assert claim(queue) == ["a1"]
    stored = queue.job(_id_of(queue, "a1"))
    assert stored is not None and stored.attempts == 1 and stored.tries == 1


def test_claims_never_exceed_an_accounts_limit_across_workers(queue: JobQueue) -> None:
    queue.enqueue([job(f"m{i}", f"user{i}") for i in range(8)] + [job("other", "x", account="dest:unit=2")])
    limits = {ACCOUNT: 5, "dest:unit=2": 5}
    assert len(claim(queue, limits=limits)) == 6  # five of unit 1, the one of unit 2
    assert claim(queue, worker="w2", limits=limits) == []
    settle(queue, "m0", JobState.DELIVERED)
    assert claim(queue, worker="w2", limits=limits) == ["m5"]


def test_a_paused_account_gets_no_claims_until_its_pause_ends(queue: JobQueue) -> None:
    queue.enqueue([job("m1", "a"), job("m2", "b", account="dest:unit=2")])
    queue.pause_account(ACCOUNT, time.time() + 3600, "daily quota spent")
    assert claim(queue) == ["m2"]
    stats = queue.stats(INSTANCE)
    assert stats.total("parked") == 1 and ACCOUNT in stats.paused_accounts
    assert set(queue.paused_accounts()) == {ACCOUNT}
    assert queue.paused_accounts()[ACCOUNT][1] == "daily quota spent"
    queue.pause_account("dest:unit=2", time.time() - 1, "over")
    queue.settle([Settlement(_id_of(queue, "m2"), JobState.DELIVERED)])
    assert queue.stats(INSTANCE).total("delivered") == 1


def test_claim_only_takes_jobs_of_the_instances_asked_for(queue: JobQueue) -> None:
    queue.enqueue([job("m1", instance="inst-b")])
    assert claim(queue) == []
    assert [j.message_id for j in queue.claim("w", instances=["inst-b"], limit=5, account_limits={})] == ["m1"]


# -- settle, attempts, stats -----------------------------------------------------------------------


def test_settlement_records_the_attempt_and_the_reason(queue: JobQueue) -> None:
    queue.enqueue([job("m1")])
    claimed = queue.claim("w1", instances=[INSTANCE], limit=1, account_limits={})[0]
    attempt = Attempt(
        claimed.id,
        1,
        time.time(),
        12.5,
        "failed",
        "retry",
        503,
        "503",
        "Service Unavailable",
        {"method": "POST", "url": "https://example.test/x", "headers": {"authorization": "***"}},
    )
    queue.settle(
        [
            Settlement(
                claimed.id,
                JobState.QUEUED,
                reason="503 Service Unavailable",
                not_before=time.time() - 1,
                attempt=attempt,
            )
        ]
    )
    assert queue.attempts(claimed.id) == [attempt]
    stored = queue.job(claimed.id)
    assert stored is not None and stored.last_error == "503 Service Unavailable" and stored.attempts == 1


def test_rate_limited_attempts_do_not_burn_the_give_up_window(queue: JobQueue) -> None:
    queue.enqueue([job("m1")])
    claim(queue)
    settle(queue, "m1", JobState.QUEUED, not_before=time.time() - 1, counts=False)
    stored = queue.job(_id_of(queue, "m1"))
    assert stored is not None and stored.attempts == 0 and stored.tries == 1


def test_stats_count_each_state_per_subscription(queue: JobQueue) -> None:
    queue.enqueue([job("m1", "a"), job("m2", "b"), job("m3", "c"), job("m4", "d", subscription=1)])
    claim(queue, limit=3)
    settle(queue, "m1", JobState.DELIVERED)
    settle(queue, "m2", JobState.INVALID, reason="missing email")
    settle(queue, "m3", JobState.QUEUED, not_before=time.time() + 600)
    rows = {row.subscription: row.counts for row in queue.stats().rows}
    assert rows[0] == {"delivered": 1, "invalid": 1, "retrying": 1}
    assert rows[1] == {"queued": 1}
    assert queue.unfinished([INSTANCE]) == 2


# -- workers and recovery --------------------------------------------------------------------------


def test_a_worker_that_stops_cleanly_gives_its_jobs_back(queue: JobQueue) -> None:
    queue.register_worker("w1")
    queue.enqueue([job("m1")])
    assert claim(queue) == ["m1"]
    queue.unregister_worker("w1")
    assert claim(queue, worker="w2") == ["m1"]


def test_recover_puts_back_the_jobs_of_a_silent_worker(queue: JobQueue) -> None:
    queue.register_worker("w1")
    queue.enqueue([job("m1"), job("m2", "b")])
    assert claim(queue) == ["m1", "m2"]
    assert queue.recover(stale_after=3600) == 0  # w1 is alive and recent
    assert queue.recover(stale_after=0) == 2
    assert claim(queue, worker="w2") == ["m1", "m2"]


def test_a_late_settlement_of_a_recovered_job_is_ignored(queue: JobQueue) -> None:
    queue.enqueue([job("m1")])
    claim(queue)
    queue.recover(stale_after=0)  # w1 never registered: its job is an orphan
    settle(queue, "m1", JobState.DEAD, reason="too late")
    stored = queue.job(_id_of(queue, "m1"))
    assert stored is not None and stored.state is JobState.QUEUED


# -- dead letters ----------------------------------------------------------------------------------


def test_dead_letters_are_listed_by_reason_redriven_and_purged(queue: JobQueue) -> None:
    queue.enqueue([job("m1", "a"), job("m2", "b"), job("m3", "c")])
    claim(queue)
    settle(queue, "m1", JobState.DEAD, reason="code 180: Invalid custom field")
    settle(queue, "m2", JobState.DEAD, reason="gave up after 10 attempts: 503")
    settle(queue, "m3", JobState.DELIVERED)
    letters = list(queue.dead_letters(DeadLetterSelection(reason="CUSTOM FIELD")))
    assert [letter.message_id for letter in letters] == ["m1"]
    assert len(list(queue.dead_letters(DeadLetterSelection(instance_id=INSTANCE)))) == 2
    assert queue.redrive([letters[0].id]) == 1
    assert claim(queue) == ["m1"]
    m2 = _id_of(queue, "m2")
    assert queue.purge([m2]) == 1 and queue.job(m2) is None


def test_revoked_credentials_dead_letter_the_instances_queued_jobs(queue: JobQueue) -> None:
    queue.enqueue([job("m1", "a"), job("m2", "b"), job("m3", "c")])
    claim(queue, limit=1)
    assert queue.dead_letter_unfinished(INSTANCE, "re-authorise: refresh token revoked") == 2
    assert [j.message_id for j in queue.dead_letters(DeadLetterSelection(reason="re-authorise"))] == ["m2", "m3"]


# -- shared tokens ---------------------------------------------------------------------------------


def test_the_token_store_shares_tokens_and_locks_a_refresh(queue: JobQueue) -> None:
    store = queue.token_store()
    assert store.load("cred") is None
    store.save("cred", OAuthTokens(access_token="new", refresh_token="r2"))
    loaded = store.load("cred")
    assert loaded is not None and loaded.access_token == "new" and loaded.refresh_token == "r2"

    order: list[str] = []
    inside = threading.Event()

    def second() -> None:
        with store.lock("cred"):  # type: ignore[attr-defined]
            order.append("second")

    with store.lock("cred"):  # type: ignore[attr-defined]
        thread = threading.Thread(target=second)
        thread.start()
        inside.wait(0.2)  # give the thread time to block on the lock
        order.append("first")
    thread.join(5)
    assert order == ["first", "second"]
