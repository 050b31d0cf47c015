"""Accepting a request's events: normalise them, make one job per matching subscription of every
instance of the write key, commit all of them at once, and count what happened.

Triggers are evaluated here (``JobProducer``), so an event no subscription wants is counted as
filtered and never stored. The request's jobs, over all its events and instances, go to the queue in
one group commit: the caller answers 200 only when this returns.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Sequence
from datetime import UTC, datetime

from framework.delivery import JobProducer, NewJob
from framework.intake.event_normalisation import NormalisedEvent, normalise_events
from framework.intake.group_commit import GroupCommit
from framework.intake.metrics import IntakeMetrics
from framework.intake.request_rules import RequestRejected, TrackingRequest

__all__ = ["TrackingIntake"]

log = logging.getLogger("framework.intake")


class TrackingIntake:
    """Turns accepted tracking requests into committed jobs for the instances of their write key."""

    def __init__(self, committer: GroupCommit, metrics: IntakeMetrics) -> None:
        self._committer = committer
        self._metrics = metrics

    async def accept(self, request: TrackingRequest, producers: Sequence[JobProducer], *, batch: bool) -> None:
        """Normalise, produce and commit; returns once the jobs are durable. RequestRejected: 400 for an
        event normalisation refuses, 503 when the queue could not commit."""
        events = normalise_events(request.events, datetime.now(UTC), request.sent_at, batch=batch)
        jobs: list[NewJob] = []
        tallies = [_produce(producer, events, jobs) for producer in producers]
        try:
            await self._committer.commit(jobs)
        except Exception as error:  # the queue could not commit: nothing was accepted, the client retries
            log.error("the queue could not commit %d jobs: %s: %s", len(jobs), type(error).__name__, error)
            raise RequestRejected(
                503,
                "queue_unavailable",
                f"the queue could not store the events ({type(error).__name__}: {error}); nothing was accepted: retry",
            ) from None
        for producer, tally in zip(producers, tallies, strict=True):
            self._record(producer, len(request.events), tally)

    def _record(self, producer: JobProducer, events: int, tally: _Tally) -> None:
        self._metrics.received.labels(producer.instance_id).inc(events)
        for label, count in tally.enqueued.items():
            self._metrics.for_subscription(producer.instance_id, label).enqueued.inc(count)
        for label, count in tally.filtered.items():
            self._metrics.for_subscription(producer.instance_id, label).filtered.inc(count)
        for label, count in tally.invalid.items():
            self._metrics.for_subscription(producer.instance_id, label).invalid.inc(count)


class _Tally:
    """Per subscription label: jobs made, events filtered, events a trigger could not evaluate."""

    __slots__ = ("enqueued", "filtered", "invalid")

    def __init__(self) -> None:
        self.enqueued: Counter[str] = Counter()
        self.filtered: Counter[str] = Counter()
        self.invalid: Counter[str] = Counter()


def _produce(producer: JobProducer, events: list[NormalisedEvent], jobs: list[NewJob]) -> _Tally:
    tally = _Tally()
    for normalised in events:
        production = producer.produce(normalised.event)
        for job in production.jobs:
            # The event's JSON, made once at normalisation, is shared by all its jobs.
            jobs.append(
                NewJob(
                    job.instance_id,
                    job.subscription,
                    job.message_id,
                    job.event,
                    job.account_key,
                    job.ordering_key,
                    job.subscription_name,
                    normalised.encoded,
                )
            )
            tally.enqueued[job.subscription_name] += 1
        for subscription in production.filtered:
            tally.filtered[subscription.label] += 1
        for subscription, _reason in production.invalid:
            tally.invalid[subscription.label] += 1
    return tally
