"""Durable delivery: everything after the runtime's per-event results.

The queue port (``JobQueue``) and its backends (embedded SQLite; PostgreSQL), the one retry policy,
the ordering barrier and the per-account concurrency limit (kept by the backends' ``claim``), attempt
records and dead letters. Producers (``actions enqueue``, ``replay``, the intake server) turn events
into ``NewJob``\\ s; workers claim, deliver through the instance's runtime and settle each job with
the ``RetryPolicy``'s verdict.
"""

from framework.delivery.job_keys import account_key_of, message_id_of, ordering_key_of
from framework.delivery.jobs import (
    Attempt,
    DeadLetterSelection,
    EnqueueResult,
    Job,
    JobState,
    NewJob,
    QueueStats,
    Settlement,
    StatsRow,
)
from framework.delivery.producer import JobProducer, Production
from framework.delivery.queue_port import JobQueue
from framework.delivery.queue_url import DEFAULT_QUEUE_PATH, QueueURLError, open_queue, redact_queue_url
from framework.delivery.retry_policy import REAUTHORISE, RetryPolicy, Verdict

__all__ = [
    "JobQueue",
    "JobProducer",
    "Production",
    "open_queue",
    "redact_queue_url",
    "QueueURLError",
    "DEFAULT_QUEUE_PATH",
    "NewJob",
    "Job",
    "JobState",
    "Attempt",
    "Settlement",
    "EnqueueResult",
    "QueueStats",
    "StatsRow",
    "DeadLetterSelection",
    "RetryPolicy",
    "Verdict",
    "REAUTHORISE",
    "message_id_of",
    "ordering_key_of",
    "account_key_of",
]
