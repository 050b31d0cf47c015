"""The delivery engine: claim due jobs, deliver each through its instance, settle it with the policy's verdict.

One ``DeliveryWorker`` serves one or more instances from one queue. Its main thread claims jobs (never
more than its own concurrency, and never more than each account's ``concurrency_limit`` in flight over
every worker sharing the queue: ``claim`` counts them), hands them to a thread pool that runs
``instance.send(event, only={subscription})``, and settles what came back in batches (few, short
transactions). After each batch it applies what the verdicts say about accounts (a rate limit or a
spent daily quota pauses the account) and credentials (a revoked refresh token dead-letters the
instance's queued jobs: re-authorise), then reports every outcome to ``on_outcome``.

When nothing is claimable it sleeps until the next job is due (at most ``idle_poll``, so jobs enqueued
by another process are seen). It heartbeats, and ``recover``\\ s the jobs of dead workers at start and
periodically. ``stop()`` (SIGTERM, Ctrl+C) finishes and settles the attempts in flight for a short
grace period, then unregisters: jobs it still holds go back to the queue, nothing is lost.
"""

from __future__ import annotations

import os
import queue as queue_module
import socket
import threading
import time
import uuid
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from framework.delivery.attempt_record import attempt_of, reason_of
from framework.delivery.jobs import DeadLetterSelection, Job, JobState, Settlement
from framework.delivery.outcome import DeliveryOutcome, OutcomeCallback
from framework.delivery.queue_port import JobQueue
from framework.delivery.retry_policy import RetryPolicy, Verdict
from framework.errors import Resolution
from framework.runtime import SubscriptionResult, SubscriptionStatus

if TYPE_CHECKING:
    from framework.instance import DestinationInstance

__all__ = ["DeliveryWorker", "WorkerOptions", "WorkerExit", "policy_for", "default_concurrency"]

_UNLIMITED_ACCOUNT_SHARE = 4  # threads for an account whose destination declares no limit
_MAX_DEFAULT_CONCURRENCY = 32
_INTAKE_POLL = 0.05  # while a producer is still enqueueing, look for its jobs this often


@dataclass(frozen=True)
class WorkerOptions:
    """How a worker paces itself; the defaults suit ``actions worker`` and ``replay``."""

    concurrency: int | None = None  # attempts in flight in this worker (None: the accounts' limits, summed)
    heartbeat_every: float = 5.0
    recover_every: float = 30.0
    stale_after: float = 60.0  # a worker silent this long is dead: its jobs go back
    idle_poll: float = 1.0  # the longest sleep when nothing is claimable
    give_up_wait: float = 600.0  # with until_empty: stop rather than wait longer than this for the next job
    shutdown_grace: float = 10.0  # on stop: how long attempts in flight may take to finish and be settled


@dataclass(frozen=True)
class WorkerExit:
    """Why ``run`` returned: ``drained`` (nothing unfinished), ``waiting`` (only jobs due later than
    ``give_up_wait``: parked behind a paused account or a scheduled retry) or ``stopped``."""

    reason: str
    unfinished: int = 0
    next_due: float | None = None  # when the earliest remaining job may run (epoch seconds)
    paused_accounts: dict[str, tuple[float, str]] = field(default_factory=dict)


@dataclass(frozen=True)
class _Finished:
    """A job's attempt, done on a pool thread, waiting to be settled by the main thread."""

    job: Job
    result: SubscriptionResult
    started_at: float
    latency_ms: float


def policy_for(instance: DestinationInstance) -> RetryPolicy:
    """The instance's retry policy, from its ``[delivery]`` options."""
    options = instance.delivery
    return RetryPolicy(max_attempts=options.max_attempts, max_age=options.max_age,
                       backoff_base=options.backoff_base, backoff_cap=options.backoff_cap)


def account_limits_of(instances: Sequence[DestinationInstance]) -> dict[str, int]:
    """Each account's concurrency limit (accounts whose destination declares none are absent)."""
    limits: dict[str, int] = {}
    for instance in instances:
        limit = instance.definition.concurrency_limit
        if limit:
            limits[instance.account_key] = min(limit, limits.get(instance.account_key, limit))
    return limits


def default_concurrency(instances: Sequence[DestinationInstance]) -> int:
    """Enough threads to fill every account's limit at once (4 for an account without one), at most 32."""
    limits = account_limits_of(instances)
    unlimited = {instance.account_key for instance in instances} - set(limits)
    total = sum(limits.values()) + _UNLIMITED_ACCOUNT_SHARE * len(unlimited)
    return max(1, min(total, _MAX_DEFAULT_CONCURRENCY))


class DeliveryWorker:
    """Delivers the jobs of ``instances`` from ``queue`` until stopped (or drained, with ``until_empty``)."""

    def __init__(self, queue: JobQueue, instances: Sequence[DestinationInstance], *,
                 on_outcome: OutcomeCallback | None = None, options: WorkerOptions = WorkerOptions(),
                 worker_id: str | None = None, clock: Callable[[], float] = time.time) -> None:
        if not instances:
            raise ValueError("a worker needs at least one instance")
        self.queue = queue
        self.options = options
        self.instances = {instance.id: instance for instance in instances}
        self.worker_id = worker_id or f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self.concurrency = options.concurrency or default_concurrency(instances)
        self._policies = {instance.id: policy_for(instance) for instance in instances}
        self._account_limits = account_limits_of(instances)
        self._on_outcome = on_outcome or (lambda outcome: None)
        self._clock = clock
        self._finished: queue_module.SimpleQueue[_Finished | None] = queue_module.SimpleQueue()
        self._stopping = threading.Event()
        self._in_flight = 0
        self._intake_done: threading.Event | None = None
        self._slowdowns: dict[str, tuple[int, float]] = {}  # account → (halvings, until)

    # -- control -----------------------------------------------------------------------------------

    def stop(self) -> None:
        """Ask ``run`` to return soon (safe from a signal handler or another thread)."""
        self._stopping.set()
        self._finished.put(None)  # wakes the main loop if it is waiting for attempts

    @property
    def stopping(self) -> bool:
        """Whether ``stop`` was called."""
        return self._stopping.is_set()

    def run(self, *, until_empty: bool = False, intake_done: threading.Event | None = None) -> WorkerExit:
        """Work until stopped; with ``until_empty``, return once the instances' jobs are all settled
        (or only due later than ``give_up_wait``), but not before ``intake_done`` is set when given
        (a producer still enqueueing). Ctrl+C stops it cleanly, then is raised again."""
        self._intake_done = intake_done
        self.queue.register_worker(self.worker_id)
        pool = ThreadPoolExecutor(max_workers=self.concurrency, thread_name_prefix="delivery")
        interrupted = False
        try:
            self.queue.recover(self.options.stale_after)
            return self._loop(pool, until_empty)
        except KeyboardInterrupt:
            interrupted = True
            self._stopping.set()
            return WorkerExit("stopped")
        finally:
            self._finish_in_flight()
            pool.shutdown(wait=False, cancel_futures=True)
            self.queue.unregister_worker(self.worker_id)
            if interrupted:
                raise KeyboardInterrupt  # noqa: B012 - the caller decides what an interrupt means

    # -- the main loop -----------------------------------------------------------------------------

    def _loop(self, pool: ThreadPoolExecutor, until_empty: bool) -> WorkerExit:
        ids = list(self.instances)
        last_beat = last_recover = self._clock()
        while not self._stopping.is_set():
            now = self._clock()
            if now - last_beat >= self.options.heartbeat_every:
                self.queue.heartbeat(self.worker_id)
                last_beat = now
            if now - last_recover >= self.options.recover_every:
                self.queue.recover(self.options.stale_after)
                last_recover = now
            claimed = self._claim_and_start(pool, ids)
            if self._in_flight:
                self._settle_batch(self._wait_for_finished(timeout=self.options.idle_poll))
                continue
            if claimed:
                continue
            idle = self._idle(ids, until_empty)
            if idle is not None:
                return idle
        return WorkerExit("stopped")

    def _claim_and_start(self, pool: ThreadPoolExecutor, ids: list[str]) -> int:
        free = self.concurrency - self._in_flight
        if free <= 0:
            return 0
        jobs = self.queue.claim(self.worker_id, instances=ids, limit=free, account_limits=self._limits_now())
        for job in jobs:
            self._in_flight += 1
            pool.submit(self._attempt, job)
        return len(jobs)

    def _attempt(self, job: Job) -> None:
        """On a pool thread: one delivery attempt; its result goes to the main thread to settle."""
        started = time.time()
        begun = time.perf_counter()
        try:
            result = _result_for(job, self.instances[job.instance_id].send(job.event, only={job.subscription}))
        except Exception as error:  # a bug in a destination or the runtime costs one attempt, not the worker
            result = SubscriptionResult(job.subscription_name, "", SubscriptionStatus.FAILED,
                                        reason=f"the runtime raised {type(error).__name__}: {error}",
                                        resolution=Resolution.RETRY, index=job.subscription)
        self._finished.put(_Finished(job, result, started, (time.perf_counter() - begun) * 1000))

    def _wait_for_finished(self, timeout: float) -> list[_Finished]:
        """At least one finished attempt (unless ``timeout`` passes or ``stop`` is called), then every
        other one already waiting: settling them together keeps transactions few."""
        batch: list[_Finished] = []
        try:
            first = self._finished.get(timeout=timeout)
        except queue_module.Empty:
            return batch
        if first is not None:
            batch.append(first)
        while True:
            try:
                more = self._finished.get_nowait()
            except queue_module.Empty:
                return batch
            if more is not None:
                batch.append(more)

    def _idle(self, ids: list[str], until_empty: bool) -> WorkerExit | None:
        """Nothing in flight and nothing claimable: stop (until_empty) or sleep until something may be due."""
        now = self._clock()
        intake_open = self._intake_done is not None and not self._intake_done.is_set()
        if intake_open:
            until_empty = False  # the producer may still enqueue: an empty queue is not the end
        unfinished = self.queue.unfinished(ids) if until_empty else 1
        if until_empty and unfinished == 0:
            return WorkerExit("drained")
        due = self.queue.next_due(ids)
        earliest = due if due is not None else now
        if due is not None and due <= now:
            earliest = self._paused_until(now) or now
        if until_empty and earliest - now > self.options.give_up_wait:
            return WorkerExit("waiting", unfinished, earliest, self._paused_accounts(now))
        delay = min(max(earliest - now, 0.01), _INTAKE_POLL if intake_open else self.options.idle_poll)
        self._settle_batch(self._wait_for_finished(timeout=delay))  # also returns at once on stop()
        return None

    def _paused_until(self, now: float) -> float | None:
        """When the earliest pause of this worker's accounts ends, if every one of them is paused."""
        paused = self._paused_accounts(now)
        ours = {instance.account_key for instance in self.instances.values()}
        if not ours or not ours.issubset(paused):
            return None
        return min(paused[key][0] for key in ours)

    def _paused_accounts(self, now: float) -> dict[str, tuple[float, str]]:
        """Accounts paused now (by any worker of the queue)."""
        first = next(iter(self.instances))
        return {key: value for key, value in self.queue.stats(first).paused_accounts.items() if value[0] > now}

    # -- slowing an account down after a short rate limit ---------------------------------------------

    def _slow_down(self, account_key: str, until: float) -> None:
        """Halve the account's in-flight limit in this worker until ``until`` (a later rate limit extends it)."""
        _, previous = self._slowdowns.get(account_key, (0, 0.0))
        self._slowdowns[account_key] = (1, max(until, previous))

    def _limits_now(self) -> dict[str, int]:
        """Each account's limit for this claim: its concurrency limit, halved per recent rate limit (at least 1)."""
        if not self._slowdowns:
            return self._account_limits
        now = self._clock()
        limits = dict(self._account_limits)
        for key, (level, until) in list(self._slowdowns.items()):
            if until <= now:
                del self._slowdowns[key]
                continue
            full = limits.get(key, self.concurrency)
            limits[key] = max(1, full >> level)
        return limits

    @property
    def slowed_accounts(self) -> dict[str, int]:
        """Accounts slowed by a recent rate limit, with their reduced limit (for stats and tests)."""
        limits = self._limits_now()
        return {key: limits[key] for key in self._slowdowns if key in limits}

    # -- settling ----------------------------------------------------------------------------------

    def _settle_batch(self, batch: list[_Finished]) -> None:
        if not batch:
            return
        now = self._clock()
        verdicts = [(done, self._verdict(done, now)) for done in batch]
        for done, verdict in verdicts:
            if verdict.pause_account_until is not None:
                self.queue.pause_account(done.job.account_key, verdict.pause_account_until, done.result.reason)
            if verdict.slow_account_until is not None:
                self._slow_down(done.job.account_key, verdict.slow_account_until)
        self.queue.settle([verdict.settlement for _, verdict in verdicts])
        self._in_flight -= len(batch)
        for done, verdict in verdicts:
            self._on_outcome(_outcome(done, verdict.settlement))
        revoked = {done.job.instance_id: verdict.settlement.reason for done, verdict in verdicts if verdict.reauthorise}
        for instance_id, reason in revoked.items():
            self._dead_letter_instance(instance_id, reason)

    def _verdict(self, done: _Finished, now: float) -> Verdict:
        verdict = self._policies[done.job.instance_id].decide(done.job, done.result, now)
        attempt = attempt_of(done.job, done.result, done.started_at, done.latency_ms)
        settlement = verdict.settlement
        reason = _richer_reason(settlement, done.result)
        settlement = Settlement(settlement.job_id, settlement.state, reason, settlement.not_before,
                                settlement.counts_attempt, attempt)
        return Verdict(settlement, verdict.pause_account_until, verdict.slow_account_until, verdict.reauthorise)

    def _dead_letter_instance(self, instance_id: str, reason: str) -> None:
        """The credentials are revoked: every queued job of the instance is dead-lettered now, and reported."""
        stamped = f"{reason} (every queued job of {instance_id} dead-lettered at {time.strftime('%Y-%m-%dT%H:%M:%S%z')};" \
                  " re-authorise the instance, then run 'actions dlq retry --reason re-authorise')"
        if self.queue.dead_letter_unfinished(instance_id, stamped) == 0:
            return
        selection = DeadLetterSelection(instance_id=instance_id, reason=stamped, states=(JobState.DEAD,))
        for job in self.queue.dead_letters(selection):
            self._on_outcome(DeliveryOutcome(job.id, job.instance_id, job.subscription, job.subscription_name,
                                             job.message_id, JobState.DEAD, reason=stamped))

    def _finish_in_flight(self) -> None:
        """On the way out: settle what finishes within the grace period; the rest goes back unsettled."""
        deadline = time.monotonic() + self.options.shutdown_grace
        while self._in_flight > 0:
            left = deadline - time.monotonic()
            if left <= 0:
                return
            try:
                self._settle_batch(self._wait_for_finished(timeout=left))
            except KeyboardInterrupt:  # a second Ctrl+C: leave now, unregister puts the jobs back
                return


def _result_for(job: Job, results: list[SubscriptionResult]) -> SubscriptionResult:
    """The job's subscription's result; a subscription no longer enabled (the config changed) filters it."""
    for result in results:
        if result.index == job.subscription:
            return result
    return SubscriptionResult(job.subscription_name, "", SubscriptionStatus.FILTERED, index=job.subscription,
                              reason=f"subscription {job.subscription} ({job.subscription_name}) is disabled or no "
                                     "longer in the instance config")


def _richer_reason(settlement: Settlement, result: SubscriptionResult) -> str:
    """The policy's reason with the result's reason told in full: HTTP status, code, resolution, answer."""
    if settlement.state is JobState.DELIVERED:
        return ""
    if result.reason and result.reason in settlement.reason:
        return settlement.reason.replace(result.reason, reason_of(result), 1)
    return settlement.reason or reason_of(result)


def _outcome(done: _Finished, settlement: Settlement) -> DeliveryOutcome:
    job, result, attempt = done.job, done.result, settlement.attempt
    return DeliveryOutcome(
        job.id, job.instance_id, job.subscription, job.subscription_name, job.message_id, settlement.state,
        attempt=attempt.number if attempt else job.tries + 1,
        http_status=attempt.http_status if attempt else result.http_status, error_code=result.error_code,
        resolution=result.resolution.value if result.resolution is not None else None,
        reason=settlement.reason, latency_ms=done.latency_ms, not_before=settlement.not_before,
    )
