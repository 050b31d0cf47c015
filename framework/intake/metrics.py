"""What ``actions serve`` counts, in Prometheus' text format (``GET /metrics``) through ``prometheus_client``.

Each app has its own ``CollectorRegistry`` (never the process-global one), so two servers in one
process, or one per test, never share or collide on a counter.

=====================================================  =======================================
metric                                                 labels
=====================================================  =======================================
``actions_intake_requests_total``                      route, status
``actions_intake_requests_rejected_total``             reason (the answer's ``code``)
``actions_intake_events_received_total``               instance
``actions_jobs_enqueued_total``                        instance, subscription
``actions_jobs_duplicate_total``                       (jobs already in the queue: a client's retry)
``actions_events_filtered_total``                      instance, subscription
``actions_events_invalid_total``                       instance, subscription
``actions_jobs_delivered_total``                       instance, subscription
``actions_jobs_retried_total``                         instance, subscription
``actions_jobs_dead_lettered_total``                   instance, subscription
``actions_queue_jobs``                                 instance, subscription, state (read at scrape)
``actions_queue_depth``                                (queued + running + retrying + parked)
``actions_intake_request_seconds``                     (histogram of a tracking request's time)
=====================================================  =======================================

Filtered and invalid count both at intake (a trigger that does not match never makes a job) and in
delivery (the workers of this process report theirs). Delivered, retried and dead-lettered come from
the in-process workers; ``actions_queue_jobs`` reads the queue itself, so it also shows the work of
``actions worker`` processes running apart. ``actions_delivery_worker_*`` is the supervised
in-process worker: up, restarts, when it last settled a job.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Protocol

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from framework.delivery import JobQueue, JobState
from framework.delivery.supervisor import WorkerHealth

__all__ = ["IntakeMetrics", "SubscriptionCounters", "SettledJob", "CONTENT_TYPE"]

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
_UNFINISHED = ("queued", "running", "retrying", "parked")
_SUBSCRIPTION = ("instance", "subscription")


class SettledJob(Protocol):
    """What a worker reports after settling a job (the delivery engine's ``DeliveryOutcome``)."""

    instance_id: str
    subscription: int
    subscription_name: str
    state: JobState


@dataclass(frozen=True)
class SubscriptionCounters:
    """One subscription's counters, bound once (a ``labels()`` lookup per event would cost more)."""

    enqueued: Counter
    filtered: Counter
    invalid: Counter


class IntakeMetrics:
    """The counters of one server, on their own registry; ``render()`` is the ``/metrics`` body."""

    def __init__(self, queue: JobQueue | None = None) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        r = self.registry
        self.requests = Counter(
            "actions_intake_requests", "Tracking API requests answered", ["route", "status"], registry=r
        )
        self.rejected = Counter(
            "actions_intake_requests_rejected", "Requests refused (nothing enqueued), by reason", ["reason"], registry=r
        )
        self.received = Counter(
            "actions_intake_events_received", "Events accepted for an instance", ["instance"], registry=r
        )
        self.enqueued = Counter("actions_jobs_enqueued", "Jobs committed to the queue", _SUBSCRIPTION, registry=r)
        self.duplicates = Counter("actions_jobs_duplicate", "Jobs already in the queue (same messageId)", registry=r)
        self.filtered = Counter(
            "actions_events_filtered", "Events a subscription's trigger did not match", _SUBSCRIPTION, registry=r
        )
        self.invalid = Counter(
            "actions_events_invalid", "Events a subscription could not use", _SUBSCRIPTION, registry=r
        )
        self.delivered = Counter("actions_jobs_delivered", "Jobs the destination accepted", _SUBSCRIPTION, registry=r)
        self.retried = Counter("actions_jobs_retried", "Attempts that will be tried again", _SUBSCRIPTION, registry=r)
        self.dead_lettered = Counter(
            "actions_jobs_dead_lettered", "Jobs sent to the dead letters", _SUBSCRIPTION, registry=r
        )
        self.request_seconds = Histogram(
            "actions_intake_request_seconds",
            "Time to answer a tracking request",
            registry=r,
            buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5),
        )
        self._bound: dict[tuple[str, str], SubscriptionCounters] = {}
        if queue is not None:
            r.register(_QueueCollector(queue))

    def for_subscription(self, instance_id: str, subscription: str) -> SubscriptionCounters:
        """The bound counters of one subscription (its label: name, else ``subscriptions[i]``)."""
        key = (instance_id, subscription)
        bound = self._bound.get(key)
        if bound is None:
            bound = SubscriptionCounters(
                self.enqueued.labels(*key), self.filtered.labels(*key), self.invalid.labels(*key)
            )
            self._bound[key] = bound
        return bound

    def record_settled(self, job: SettledJob) -> None:
        """Count one worker outcome: delivered, retried, dead-lettered, filtered or invalid."""
        labels = (job.instance_id, job.subscription_name or f"subscriptions[{job.subscription}]")
        counter = {
            JobState.DELIVERED: self.delivered,
            JobState.QUEUED: self.retried,
            JobState.DEAD: self.dead_lettered,
            JobState.FILTERED: self.filtered,
            JobState.INVALID: self.invalid,
        }.get(job.state)
        if counter is not None:
            counter.labels(*labels).inc()

    def watch_worker(self, health: Callable[[], WorkerHealth]) -> None:
        """Report the in-process delivery worker's state (up, restarts, last settled) at each scrape."""
        self.registry.register(_WorkerCollector(health))

    def render(self) -> bytes:
        """The registry in Prometheus' text format (reads the queue: call it off the event loop)."""
        return generate_latest(self.registry)


class _QueueCollector(Collector):
    """Jobs in the queue per instance, subscription and state, read from the queue at each scrape."""

    def __init__(self, queue: JobQueue) -> None:
        self._queue = queue

    def describe(self) -> list[Metric]:
        return []  # nothing to check at registration: the families are built at each scrape

    def collect(self) -> Iterator[Metric]:
        jobs = GaugeMetricFamily("actions_queue_jobs", "Jobs in the queue by state", labels=[*_SUBSCRIPTION, "state"])
        depth = GaugeMetricFamily("actions_queue_depth", "Jobs not finished: queued, running, retrying, parked")
        unfinished = 0
        for row in self._queue.stats().rows:
            label = row.subscription_name or f"subscriptions[{row.subscription}]"
            for state, count in sorted(row.counts.items()):
                jobs.add_metric([row.instance_id, label, state], count)
                if state in _UNFINISHED:
                    unfinished += count
        depth.add_metric([], unfinished)
        yield jobs
        yield depth


class _WorkerCollector(Collector):
    """The supervised delivery worker's state, read at each scrape."""

    def __init__(self, health: Callable[[], WorkerHealth]) -> None:
        self._health = health

    def describe(self) -> list[Metric]:
        return []

    def collect(self) -> Iterator[Metric]:
        health = self._health()
        up = GaugeMetricFamily("actions_delivery_worker_up", "1 while the in-process delivery worker runs")
        up.add_metric([], 1 if health.alive else 0)
        restarts = CounterMetricFamily(
            "actions_delivery_worker_restarts", "Times the supervisor restarted the delivery worker"
        )
        restarts.add_metric([], health.restarts)
        settled = GaugeMetricFamily(
            "actions_delivery_worker_last_settled_timestamp_seconds",
            "When the delivery worker last settled a job (0: not yet)",
        )
        settled.add_metric([], health.last_settled_at or 0)
        yield up
        yield restarts
        yield settled
