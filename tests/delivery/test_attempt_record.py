"""A delivered attempt records its status alone; a failed one keeps the whole redacted request."""

from __future__ import annotations

from framework.delivery.attempt_record import attempt_of
from framework.delivery.jobs import Job, JobState
from framework.http.exchanges import RecordedExchange
from framework.runtime.results import Resolution, SubscriptionResult, SubscriptionStatus

_JOB = Job(
    id=1,
    instance_id="inst",
    subscription=0,
    subscription_name="sub",
    message_id="m1",
    event={"type": "identify"},
    account_key="acct",
    ordering_key=None,
    state=JobState.RUNNING,
    attempts=0,
    enqueued_at=0.0,
    not_before=0.0,
)


def _exchange(status: int) -> RecordedExchange:
    return RecordedExchange("POST", "http://127.0.0.1/p", {"X": "1"}, '{"email": "a@b.c"}', status, {}, "answer")


def test_a_delivered_attempt_keeps_only_the_status_answered() -> None:
    result = SubscriptionResult("sub", "act", SubscriptionStatus.DELIVERED, exchanges=(_exchange(201),))
    assert attempt_of(_JOB, result, 0.0, 1.0).request == {"status": 201}


def test_a_failed_attempt_keeps_the_request_body() -> None:
    result = SubscriptionResult(
        "sub", "act", SubscriptionStatus.FAILED, "bad", 400, resolution=Resolution.TERMINAL, exchanges=(_exchange(400),)
    )
    request = attempt_of(_JOB, result, 0.0, 1.0).request
    assert request is not None and request["body"] == '{"email": "a@b.c"}' and request["method"] == "POST"
