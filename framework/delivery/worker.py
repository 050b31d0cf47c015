"""The delivery engine: claim due jobs, deliver each through its instance, settle it with the policy's verdict.

One ``DeliveryWorker`` serves one or more instances from one queue. It claims jobs (never more than
its own concurrency, and never more than each account's ``concurrency_limit`` in flight over every
worker sharing the queue: ``claim`` counts them), runs ``instance.send(event, only={subscription})``
on its delivery slots (``SlotThreads``), and settles what came back in batches (few, short
transactions). After each batch it applies what the verdicts say about accounts (a rate limit or a
spent daily quota pauses the account) and credentials (a revoked refresh token dead-letters the
instance's queued jobs: re-authorise), then reports every outcome to ``on_outcome``.

Issue 10 adds three ways to spend fewer calls: a user's consecutive jobs of one subscription are
claimed together (a lane run) and merged per record where the action declares it safe
(``merge_delivery``); a batching subscription's jobs go through ``perform_batch`` (``batch_delivery``),
an async batch waiting in ``polling`` and polled on a schedule; and results that report the account's
daily API usage pace it (``quota_pacing``).

Issue 16: a slot settles its own finished run by group commit (``_settle_on_slot``): the first slot
to take the state lock settles every run waiting, claims the slots they free in the same transaction
(``settle_and_claim``) or starts them from the runs held claimed ahead (``RunsAhead``), and hands
each waiting slot its next run, so a call's settle costs no hand-off to another thread. The main
thread claims for free slots, runs batches and polls, heartbeats, ``recover``\\ s the jobs of dead
workers at start and periodically, and when nothing is claimable sleeps until the queue announces a
change (an enqueue, a settle, a redrive: ``subscribe_changes``, across processes on PostgreSQL too),
the next job is due, or ``idle_poll`` passes (the safety net for changes nobody announced).
``stop()`` (SIGTERM, Ctrl+C) finishes and settles the attempts in flight for a short grace period,
then unregisters: jobs it still holds go back to the queue, nothing is lost.
"""

from __future__ import annotations

import inspect
import logging
import os
import queue as queue_module
import socket
import threading
import time
import uuid
from collections import Counter, deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from framework.delivery.attempt_record import attempt_of, reason_of
from framework.delivery.batch_delivery import BatchAttempt, deliver_batch, poll_pending, result_to_settle
from framework.delivery.jobs import DeadLetterSelection, Job, JobState, PendingPoll, Settlement
from framework.delivery.merge_delivery import RunItem, deliver_run, merging_policy
from framework.delivery.outcome import DeliveryOutcome, OutcomeCallback
from framework.delivery.queue_port import JobQueue
from framework.delivery.quota_pacing import QuotaPacer, usage_in
from framework.delivery.quota_usage import QuotaUsage
from framework.delivery.retry_policy import RetryPolicy, Verdict
from framework.delivery.runs_ahead import RunsAhead
from framework.delivery.slot_threads import SlotThreads
from framework.errors import Resolution
from framework.runtime import PendingBatch, Pipeline, PollRun, SubscriptionResult, SubscriptionStatus, batching_config

if TYPE_CHECKING:
    from framework.instance import DestinationInstance

__all__ = [
    "DeliveryWorker",
    "WorkerOptions",
    "WorkerExit",
    "policy_for",
    "default_concurrency",
    "supports_runs_and_batches",
]

log = logging.getLogger("framework.delivery")

_UNLIMITED_ACCOUNT_SHARE = 4  # threads for an account whose destination declares no limit
_MAX_DEFAULT_CONCURRENCY = 32
_INTAKE_POLL = 0.05  # while a producer is still enqueueing, look for its jobs this often
# A job due now that cannot be claimed (a batch lingering, an async import holding its account, another
# worker's lane) frees up on its own schedule: look again soon, then less and less often.
_STALLED_FIRST_WAIT = 0.01
_STALLED_LONGEST_WAIT = 0.25
# A reported API usage lower than the last one used is taken only if answered this much later (a new
# day's quota); sooner, it is an older answer settled late.
_USAGE_RESET_AFTER = 60.0


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
    lane_run: int = 50  # a user's consecutive jobs of one merging subscription claimed (and merged) together
    batch_linger: float = 1.0  # a batching subscription waits this long for a batch to fill (a trickle)
    poll_every: float = 5.0  # an async batch is polled this often (unless its poll suggests a time)
    poll_lease: float = 120.0  # a poll taken by a worker that dies is due again after this long
    quota_free_share: float = 0.5  # share of a reported daily API quota usable at once (quota_pacing)
    # With every slot busy, hold up to this many runs per busy slot claimed, so most settles start the
    # freed slots' next calls without a claim (docs/architecture.md, "Claiming ahead"); 0: claim each time.
    claim_ahead_per_slot: int = 4


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
    """A job's attempt, done on a slot, waiting to be settled (by a slot, or the main thread).

    ``result`` None: the job was handed back untried (it goes back to the queue as it was).
    """

    job: Job
    result: SubscriptionResult | None
    started_at: float
    latency_ms: float
    merged_with: tuple[int, ...] = ()
    batched: bool = False


@dataclass(frozen=True)
class _TaskDone:
    """What one pool task (a call: one job, a lane run, a batch, a poll) hands over to be settled."""

    finished: tuple[_Finished, ...]
    start_polling: tuple[PendingPoll, tuple[int, ...], float] | None = None  # an async batch: poll, jobs, when
    poll: PendingPoll | None = None  # the poll this task made: finished, unless ``poll_again_at``
    poll_again_at: float | None = None
    batch_key: tuple[str, int] | None = None  # a batch task of this (instance, subscription)
    account: str | None = None  # a run task (one job or a lane run): its account


@dataclass
class _Ticket:
    """A slot's finished run waiting to be settled, and, once it is, the slot's next run (None: none)."""

    done: _TaskDone
    settled: bool = False
    next_run: list[Job] | None = None


def _finished_of(item: RunItem, batched: bool = False) -> _Finished:
    return _Finished(item.job, item.result, item.started_at, item.latency_ms, item.merged_with, batched)


def policy_for(instance: DestinationInstance) -> RetryPolicy:
    """The instance's retry policy, from its ``[delivery]`` options."""
    options = instance.delivery
    return RetryPolicy(
        max_attempts=options.max_attempts,
        max_age=options.max_age,
        backoff_base=options.backoff_base,
        backoff_cap=options.backoff_cap,
    )


def supports_runs_and_batches(queue: JobQueue) -> bool:
    """Whether a queue backend has issue 10's additions (lane runs, batch claims, polls); one written
    before them still works, one call per event."""
    names = ("claim_batch", "start_polling", "claim_polls", "reschedule_poll", "finish_poll")
    try:
        takes_runs = "lane_run" in inspect.signature(queue.claim).parameters
    except (TypeError, ValueError):
        return False
    return takes_runs and all(callable(getattr(queue, name, None)) for name in names)


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

    def __init__(
        self,
        queue: JobQueue,
        instances: Sequence[DestinationInstance],
        *,
        on_outcome: OutcomeCallback | None = None,
        options: WorkerOptions = WorkerOptions(),
        worker_id: str | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        if not instances:
            raise ValueError("a worker needs at least one instance")
        self.queue = queue
        self.options = options
        self.instances = {instance.id: instance for instance in instances}
        self.worker_id = worker_id or f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self.concurrency = options.concurrency or default_concurrency(instances)
        self._policies = {instance.id: policy_for(instance) for instance in instances}
        self._quota_zones = {instance.id: instance.delivery.quota_zone for instance in instances}
        self._account_limits = account_limits_of(instances)
        self._on_outcome = on_outcome or (lambda outcome: None)
        self._clock = clock
        self._finished: queue_module.SimpleQueue[_TaskDone | None] = queue_module.SimpleQueue()
        self._stopping = threading.Event()
        self._in_flight = 0
        self._intake_done: threading.Event | None = None
        self._slowdowns: dict[str, tuple[int, float]] = {}  # account → (halvings, until)
        self._pipelines = {
            instance.id: Pipeline(
                instance.definition,
                instance.settings,
                instance.subscriptions,
                instance.credentials,
                session=instance.session,
                endpoint=instance.endpoint,
            )
            for instance in instances
        }
        self._merging = {
            (instance.id, sub.index): merging_policy(sub, instance.delivery.merge_updates)
            for instance in instances
            for sub in instance.subscriptions
        }
        self._batching = {
            (instance.id, sub.index): batching_config(sub)
            for instance in instances
            for sub in instance.subscriptions
            if sub.enabled and batching_config(sub).enabled
        }
        self._runs_and_batches = supports_runs_and_batches(queue)
        if not self._runs_and_batches and (self._batching or any(self._merging.values())):
            log.warning("%s does not implement lane runs and batches yet: one call per event", queue.url)
            self._batching = {}
        merges = self._runs_and_batches and any(policy is not None for policy in self._merging.values())
        self._lane_run = max(1, options.lane_run) if merges else 1
        self._batches_in_flight: set[tuple[str, int]] = set()
        self._pacer = QuotaPacer(free_share=options.quota_free_share)
        self._usage_seen: dict[str, tuple[int, float]] = {}  # account → the usage last used, and when answered
        self._polls_checked = 0.0
        self._stalled_wait = _STALLED_FIRST_WAIT
        self._settle_and_claim = callable(getattr(queue, "settle_and_claim", None))
        self._refilled_short = False  # the last settle's claim found fewer jobs than free slots
        self._loop_thread: int | None = None
        self._wake_pending = threading.Event()
        self._woken_by_queue = False  # whether the queue tells this worker of changes (else: poll)
        self._chores_due = 0.0  # the next heartbeat or recovery: no idle wait outlasts it
        # Runs claimed ahead, per account, started in place of finished ones.
        self._ahead_per_slot = max(0, options.claim_ahead_per_slot) if self._settle_and_claim else 0
        self._ahead = RunsAhead()
        self._runs_of: dict[str, int] = {}  # run tasks in flight per account
        # Whoever settles (the main loop, or a slot settling its own and its neighbours' calls) holds
        # this: the counts above, the runs held ahead, the slowdowns and the pacer change under it.
        self._state = threading.Lock()
        self._tickets: deque[_Ticket] = deque()  # slots' finished runs waiting for a settle
        self._slots: SlotThreads | None = None
        self._ids: list[str] = list(self.instances)
        self._slot_failure: BaseException | None = None  # a settle that raised on a slot: run() raises it
        self._ahead_wanted = False  # a claim just filled every slot: claim the slots' next runs too

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
        self._loop_thread = threading.get_ident()
        unsubscribe = self._subscribe()
        self.queue.register_worker(self.worker_id)
        pool = self._slots = SlotThreads(self.concurrency)
        interrupted = False
        try:
            self.queue.recover(self.options.stale_after)
            return self._loop(pool, until_empty)
        except KeyboardInterrupt:
            interrupted = True
            self._stopping.set()
            return WorkerExit("stopped")
        finally:
            unsubscribe()
            self._finish_in_flight()
            with self._state:
                self._release_ahead()
            pool.shutdown()
            self.queue.unregister_worker(self.worker_id)
            if interrupted:
                raise KeyboardInterrupt  # noqa: B012 - the caller decides what an interrupt means

    def _subscribe(self) -> Callable[[], None]:
        """Be woken by the queue's changes (a backend without ``subscribe_changes`` is polled instead)."""
        subscribe = getattr(self.queue, "subscribe_changes", None)
        if not callable(subscribe):
            return lambda: None
        unsubscribe: Callable[[], None] = subscribe(self._queue_changed)
        self._woken_by_queue = True
        return unsubscribe

    def _queue_changed(self) -> None:
        """On whichever thread changed the queue: wake the main loop, once until it next waits. The
        worker's own settles are skipped (the main loop's, and its slots': a slot changes the queue only
        by settling): whoever settled looked at the queue in the same transaction."""
        if threading.get_ident() == self._loop_thread or self._wake_pending.is_set() or self._on_a_slot():
            return
        self._wake_pending.set()
        self._finished.put(None)

    def _on_a_slot(self) -> bool:
        return self._slots is not None and self._slots.is_slot()

    # -- the main loop -----------------------------------------------------------------------------

    def _loop(self, pool: SlotThreads, until_empty: bool) -> WorkerExit:
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
            self._chores_due = min(last_beat + self.options.heartbeat_every, last_recover + self.options.recover_every)
            with self._state:
                claimed = self._claim_and_start(pool, ids)
            if claimed or self._in_flight:
                self._stalled_wait = _STALLED_FIRST_WAIT
            if self._in_flight:
                tasks = self._wait_for_finished(timeout=self.options.idle_poll)
                self._raise_slot_failure()
                with self._state:
                    self._dispatch(self._settle_batch(tasks, refill=ids))
                continue
            if claimed:
                continue
            idle = self._idle(ids, until_empty)
            if idle is not None:
                return idle
        self._raise_slot_failure()
        return WorkerExit("stopped")

    def _claim_and_start(self, pool: SlotThreads, ids: list[str]) -> int:
        started = self._start_polls(pool, ids) + self._start_batches(pool)
        free = self.concurrency - self._in_flight
        if self._refilled_short:  # the settle just before claimed all there was: no second look yet
            self._refilled_short = False
            return started
        if free > 0:
            jobs = self.queue.claim(self.worker_id, instances=ids, limit=free, **self._claim_terms())
            self._start_runs(pool, _lane_runs(jobs))
            started += len(jobs)
            self._ahead_wanted = bool(jobs) and len(_lane_runs(jobs)) >= free
        if self._ahead_wanted and self._in_flight >= self.concurrency:
            self._ahead_wanted = False
            ahead = self._ahead_terms()
            if ahead is not None:
                self._ahead.add(_lane_runs(self.queue.claim(self.worker_id, instances=ids, limit=ahead[0], **ahead[1])))
        return started

    def _claim_terms(self) -> dict[str, Any]:
        """What a claim of runs to start now asks beyond the worker and the count: each account's limit
        (raised by what this worker holds of it ahead: the queue counts those as running, but they are
        not calls), and, where the queue has them, lane runs and the batching subscriptions to skip."""
        limits = self._limits_now()
        held = {key: self._ahead.held(key) for key in self._ahead.accounts()}
        if held:
            limits = {key: limit + held.get(key, 0) for key, limit in limits.items()}
        if not self._runs_and_batches:
            return {"account_limits": limits}
        return {"account_limits": limits, "lane_run": self._lane_run, "skip": tuple(self._batching)}

    def _start_runs(self, pool: SlotThreads, runs: list[list[Job]]) -> None:
        for run in runs:
            self._count_started(run)
            pool.submit(self._run_slot, run)

    def _count_started(self, run: list[Job]) -> None:
        self._in_flight += 1
        self._runs_of[run[0].account_key] = self._runs_of.get(run[0].account_key, 0) + 1

    def _dispatch(self, runs: list[list[Job]]) -> None:
        """Runs already counted as started, each to a free slot."""
        assert self._slots is not None
        for run in runs:
            self._slots.submit(self._run_slot, run)

    # -- claiming ahead ------------------------------------------------------------------------------

    def _ahead_terms(self, starting: Counter[str] | None = None) -> tuple[int, dict[str, Any]] | None:
        """How many runs to claim ahead, and the claim's terms; None when no account needs more.

        An account not slowed down whose stock is below one run per busy slot is topped up to
        ``claim_ahead_per_slot`` runs per busy slot. The queue counts a held run as running, so the
        claim's limit for the account is raised by what this worker has of it (in flight and held)
        and by the stock wanted: a held run never adds a call, since it only ever starts in place of
        one of its account that just finished here (``_held_runs_to_start``). The calls in flight stay
        within the account's limit over every worker; other workers see the account as busier than it
        is (never less). Accounts not wanted get 0. ``starting``: held runs about to start, per account.
        """
        if not self._ahead_per_slot or self._stopping.is_set():
            return None
        self._limits_now()  # forgets the slowdowns that are over
        slowed = set(self._slowdowns)
        limits = {instance.account_key: 0 for instance in self.instances.values()}
        wanted = 0
        for account, in_flight in self._runs_of.items():
            runs = in_flight + (starting[account] if starting else 0)
            held = self._ahead.held(account)
            if runs <= 0 or held >= runs or account in slowed:
                continue
            stock = self._ahead_per_slot * runs
            wanted += stock - held
            limits[account] = self._account_limits.get(account, self.concurrency) + runs + stock
        if wanted == 0:
            return None
        terms: dict[str, Any] = {"account_limits": limits}
        if self._runs_and_batches:
            terms.update(lane_run=self._lane_run, skip=tuple(self._batching))
        return wanted, terms

    def _held_runs_to_start(self, finished: Counter[str], free: int, held_back: set[str]) -> list[list[Job]]:
        """Held runs to start in place of the runs that just finished: per account at most as many as
        finished of it, never one of an account held back (paused, slowed), at most ``free`` in all."""
        runs: list[list[Job]] = []
        for account, count in finished.items():
            if account in held_back or len(runs) >= free:
                continue
            runs += self._ahead.take(account, min(count, free - len(runs)))
        return runs

    def _release_ahead(self) -> None:
        """On the way out: what was claimed ahead goes back to the queue untried (after a failed
        settle, the queue is not asked again: unregistering puts every job this worker holds back)."""
        if self._slot_failure is not None:
            return
        settlements = self._ahead.hand_back()
        if settlements:
            self.queue.settle(settlements)

    def _run_slot(self, jobs: list[Job]) -> None:
        """On a slot thread: a run, its settle, and the next run that settle gives this slot, until
        it gives none (then the slot is free, and the main loop is told)."""
        run: list[Job] | None = jobs
        while run is not None:
            try:
                done = replace(self._attempt_run(run), account=run[0].account_key)
            except Exception as error:  # as _guarded: a bug costs one attempt, not the slot
                done = replace(_crashed((run,), error), account=run[0].account_key)
            run = self._settle_on_slot(done)

    def _settle_on_slot(self, done: _TaskDone) -> list[Job] | None:
        """Settle a slot's finished run and return the slot's next one (None: the slot is free).

        Group commit: the run waits as a ticket; the first slot to take ``_state`` settles every ticket
        waiting (its own and its neighbours'), in one transaction that also claims, and gives each
        ticket's slot its next run. A slot whose ticket a neighbour settled goes straight on. A slot
        starts its next call only once its last one is committed: a ``kill -9`` repeats at most the
        calls in flight. Settling here instead of on the main thread saves two thread hand-offs per call.
        """
        ticket = _Ticket(done)
        self._tickets.append(ticket)
        try:
            with self._state:
                if not ticket.settled:
                    self._settle_tickets()
        except Exception as error:  # the queue failed: stop, and let run() raise it on the main thread
            self._slot_failure = error
            self.stop()
            return None
        if ticket.next_run is None:
            self._finished.put(None)  # a slot is free: the main loop may claim, or find the end
        return ticket.next_run

    def _settle_tickets(self) -> None:
        """Under ``_state``, on a slot: settle every waiting ticket; hand out the runs the settle starts."""
        tickets: list[_Ticket] = []
        while self._tickets:
            tickets.append(self._tickets.popleft())
        runs = deque(self._settle_batch([ticket.done for ticket in tickets], refill=self._ids))
        for ticket in tickets:
            ticket.next_run = runs.popleft() if runs else None
            ticket.settled = True
        self._dispatch(list(runs))  # more runs than finishing slots: slots were free

    def _raise_slot_failure(self) -> None:
        if self._slot_failure is not None:
            raise self._slot_failure

    def _start_batches(self, pool: SlotThreads) -> int:
        """Claim a batch for each batching subscription with none in flight (and a slot free)."""
        started = 0
        intake_open = self._intake_done is not None and not self._intake_done.is_set()
        linger = self.options.batch_linger if intake_open or self._intake_done is None else 0.0
        for key, config in self._batching.items():
            if self._in_flight >= self.concurrency or key in self._batches_in_flight:
                continue
            jobs = self.queue.claim_batch(
                self.worker_id,
                instance_id=key[0],
                subscription=key[1],
                limit=config.size,
                account_limits=self._limits_now(),
                lane_run=self._lane_run_for_batch(),
                linger=linger,
            )
            if jobs:
                self._in_flight += 1
                self._batches_in_flight.add(key)
                pool.submit(self._guarded, self._attempt_batch, key, jobs)
                started += len(jobs)
        return started

    def _lane_run_for_batch(self) -> int:
        """A batch takes each user's run too: ``perform_batch`` sees a user's updates in order."""
        return max(1, self.options.lane_run)

    def _start_polls(self, pool: SlotThreads, ids: list[str]) -> int:
        """Poll the async batches that are due (each leased, so no other worker polls it meanwhile)."""
        now = self._clock()
        if not self._runs_and_batches or self._in_flight >= self.concurrency:
            return 0
        if not self._batching and now - self._polls_checked < self.options.poll_every:
            return 0  # without batching subscriptions only leftovers (batching since switched off) remain
        self._polls_checked = now
        polls = self.queue.claim_polls(ids, lease=self.options.poll_lease)
        for poll in polls:
            self._in_flight += 1
            pool.submit(self._guarded, self._attempt_poll, poll)
        return len(polls)

    def _guarded(self, task: Callable[..., _TaskDone], *args: object) -> None:
        """On a pool thread: run a task and hand its outcome to the main thread, whatever happens."""
        try:
            done = task(*args)
        except Exception as error:  # a bug in a destination or the runtime costs one attempt, not the worker
            done = _crashed(args, error)
        self._finished.put(done)

    def _attempt_run(self, jobs: list[Job]) -> _TaskDone:
        """One job, or a user's run of one subscription (merged per record where that is safe)."""
        first = jobs[0]
        if len(jobs) == 1:
            started, begun = time.time(), time.perf_counter()
            result = _result_for(first, self.instances[first.instance_id].send(first.event, only={first.subscription}))
            return _TaskDone((_Finished(first, result, started, (time.perf_counter() - begun) * 1000),))
        pipeline = self._pipelines[first.instance_id]
        sub = _subscription(pipeline, first.subscription)
        if sub is None or not sub.enabled:
            return _TaskDone(tuple(_Finished(job, _result_for(job, []), time.time(), 0.0) for job in jobs))
        items = deliver_run(pipeline, sub, jobs, self._merging.get((first.instance_id, first.subscription)))
        return _TaskDone(tuple(_finished_of(item) for item in items))

    def _attempt_batch(self, key: tuple[str, int], jobs: list[Job]) -> _TaskDone:
        """One ``perform_batch`` call; an async batch's jobs are left for polling."""
        pipeline = self._pipelines[key[0]]
        sub = _subscription(pipeline, key[1])
        if sub is None or not sub.enabled:
            return _TaskDone(
                tuple(_Finished(job, _result_for(job, []), time.time(), 0.0) for job in jobs), batch_key=key
            )
        attempt: BatchAttempt = deliver_batch(pipeline, sub, jobs)
        finished = tuple(_finished_of(item, batched=True) for item in attempt.items)
        if attempt.pending is None:
            return _TaskDone(finished, batch_key=key)
        poll = PendingPoll(
            0,
            key[0],
            key[1],
            jobs[0].account_key,
            attempt.pending.to_dict(),
            tuple(job.id for job in attempt.pending_jobs),
        )
        return _TaskDone(
            finished,
            start_polling=(
                poll,
                tuple(attempt.pending_jobs[p].id for p in attempt.pending.positions),
                time.time() + self.options.poll_every,
            ),
            batch_key=key,
        )

    def _attempt_poll(self, poll: PendingPoll) -> _TaskDone:
        """Ask the action about an async batch; once done, each job's item settles it."""
        pipeline = self._pipelines[poll.instance_id]
        sub = _subscription(pipeline, poll.subscription)
        started, begun = time.time(), time.perf_counter()
        if sub is None:
            run = PollRun(False, {}, "the subscription is no longer in the instance config")
        else:
            run = poll_pending(pipeline, sub, poll)
        if not run.done:
            wait = run.poll_after if run.poll_after is not None else self.options.poll_every
            return _TaskDone((), poll=poll, poll_again_at=time.time() + wait)
        latency = (time.perf_counter() - begun) * 1000
        finished = []
        missing = SubscriptionResult(
            "",
            "",
            SubscriptionStatus.FAILED,
            resolution=Resolution.RETRY,
            reason="the async batch's poll answered no item for this job",
            index=poll.subscription,
        )
        for position in PendingBatch.from_dict(poll.pending).positions:
            result = result_to_settle(run.results.get(position, missing))
            job = self.queue.job(poll.job_ids[position])
            if job is not None and job.state is JobState.POLLING:
                # ``merged_with`` of a batched job is its batch: one shared tuple, not one copy per job
                # without it (quadratic: a 10,000-row import made 100 million ids)
                finished.append(_Finished(job, result, started, latency, poll.job_ids, batched=True))
        return _TaskDone(tuple(finished), poll=poll)

    def _wait_for_finished(self, timeout: float) -> list[_TaskDone]:
        """At least one finished task (unless ``timeout`` passes or ``stop`` is called), then every
        other one already waiting: settling them together keeps transactions few."""
        batch: list[_TaskDone] = []
        self._wake_pending.clear()  # a change from now on wakes this wait
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
        """Nothing in flight and nothing claimable: stop (until_empty) or sleep until something may be due.

        The sleep ends early when the queue announces a change (``subscribe_changes``: an enqueue, a
        settle, a redrive, here or, on PostgreSQL, in another process); otherwise it lasts until the
        next job is due, the next heartbeat, or ``idle_poll`` (the safety net), whichever is first.
        Jobs that are due but not claimable (a lingering batch, an account held by an async import)
        back the wait off to ``_STALLED_LONGEST_WAIT`` instead of reading the queue every 10 ms; only
        an empty lane-head answer pays for counting the unfinished jobs.
        """
        now = self._clock()
        intake_open = self._intake_done is not None and not self._intake_done.is_set()
        if intake_open:
            until_empty = False  # the producer may still enqueue: an empty queue is not the end
        due = self.queue.next_due(ids)
        if until_empty and due is None and self.queue.unfinished(ids) == 0:
            return WorkerExit("drained")
        earliest = due if due is not None else now
        stalled = due is not None and due <= now
        if stalled:
            earliest = self._paused_until(now) or now
        if until_empty and earliest - now > self.options.give_up_wait:
            return WorkerExit("waiting", self.queue.unfinished(ids), earliest, self._paused_accounts(now))
        longest = _INTAKE_POLL if intake_open else self.options.idle_poll
        longest = max(min(longest, self._chores_due - now), 0.01)
        delay = min(max(earliest - now, 0.01), longest)
        if due is None:  # nothing queued: only a change (announced, or seen by the safety net) helps
            delay = longest
        if stalled and earliest <= now:
            delay = min(self._stalled_wait, longest)
            self._stalled_wait = min(self._stalled_wait * 2, _STALLED_LONGEST_WAIT)
        tasks = self._wait_for_finished(timeout=delay)  # also returns at once on stop()
        with self._state:
            self._settle_batch(tasks)
        return None

    def _paused_until(self, now: float) -> float | None:
        """When the earliest pause of this worker's accounts ends, if every one of them is paused."""
        paused = self._paused_accounts(now)
        ours = {instance.account_key for instance in self.instances.values()}
        if not ours or not ours.issubset(paused):
            return None
        return min(paused[key][0] for key in ours)

    def _paused_accounts(self, now: float) -> dict[str, tuple[float, str]]:
        """Accounts paused now (by any worker of the queue): the pauses alone, never a count of the jobs."""
        return {key: value for key, value in self.queue.paused_accounts().items() if value[0] > now}

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

    def _settle_batch(self, tasks: list[_TaskDone], refill: list[str] | None = None) -> list[list[Job]]:
        """Settle what finished; with ``refill`` (the instances), return the freed slots' next calls,
        counted as started, for the caller to start once the settle is committed: runs held ahead
        first, then runs the settle's own transaction claims. Starting only after the commit keeps
        what a ``kill -9`` can repeat to the calls in flight (at most the concurrency). Under ``_state``."""
        if not tasks:
            return []
        now = self._clock()
        finished_runs = Counter(task.account for task in tasks if task.account is not None)
        for account, count in finished_runs.items():
            self._runs_of[account] -= count
        polled = {id(done) for task in tasks if task.poll is not None for done in task.finished}
        batch = [done for task in tasks for done in task.finished]
        verdicts = _shared_retry_times([(done, self._verdict(done, now)) for done in batch])
        held_back = self._apply_account_verdicts(verdicts)  # paused or slowed: their held runs go back
        held_back |= self._pace_quota(batch, now)  # before any claim: a spent quota pauses its account first
        blocked = _must_settle_alone(tasks, verdicts)
        next_runs: list[list[Job]] = []
        if refill is not None and not blocked and not self._stopping.is_set():
            next_runs = self._held_runs_to_start(finished_runs, self._slots_freed(tasks), held_back)
        starting = Counter(run[0].account_key for run in next_runs)
        settlements = [verdict.settlement for done, verdict in verdicts if id(done) not in polled]
        if any(verdict.reauthorise for _, verdict in verdicts):
            settlements += self._ahead.hand_back()
        else:  # held runs only start in place of their account's: with none in flight they never would
            idle = {key for key in self._ahead.accounts() if not self._runs_of.get(key) and not starting[key]}
            if held_back | idle:
                settlements += self._ahead.hand_back(sorted(held_back | idle))
        claimed = self._settle_and_refill(settlements, tasks, blocked, refill, starting)
        self._apply_polls(tasks, {done.job.id: verdict.settlement for done, verdict in verdicts if id(done) in polled})
        self._in_flight -= len(tasks)
        self._batches_in_flight -= {task.batch_key for task in tasks if task.batch_key is not None}
        runs = next_runs + _lane_runs(claimed) if refill is not None else []
        for run in runs:
            self._count_started(run)
        for done, verdict in verdicts:
            if done.result is not None:
                self._on_outcome(_outcome(done, verdict.settlement))
        revoked = {done.job.instance_id: verdict.settlement.reason for done, verdict in verdicts if verdict.reauthorise}
        for instance_id, reason in revoked.items():
            self._dead_letter_instance(instance_id, reason)
        return runs

    def _apply_account_verdicts(self, verdicts: list[tuple[_Finished, Verdict]]) -> set[str]:
        """Pause or slow the accounts the verdicts say to; returns those accounts."""
        touched: set[str] = set()
        for done, verdict in verdicts:
            reason = done.result.reason if done.result is not None else ""
            if verdict.pause_account_until is not None:
                self.queue.pause_account(done.job.account_key, verdict.pause_account_until, reason)
                touched.add(done.job.account_key)
            if verdict.slow_account_until is not None:
                self._slow_down(done.job.account_key, verdict.slow_account_until)
                touched.add(done.job.account_key)
        return touched

    def _slots_freed(self, tasks: list[_TaskDone]) -> int:
        """Slots free once ``tasks`` are settled. A slot is kept back for each batching subscription with
        no batch in flight, so lane jobs never crowd out batches: the loop's next claim offers those
        slots to the batches first."""
        free = self.concurrency - (self._in_flight - len(tasks))
        batches_left = self._batches_in_flight - {task.batch_key for task in tasks}
        return free - sum(1 for key in self._batching if key not in batches_left)

    def _settle_and_refill(
        self,
        settlements: list[Settlement],
        tasks: list[_TaskDone],
        blocked: bool,
        refill: list[str] | None,
        starting: Counter[str],
    ) -> list[Job]:
        """Settle; in the same transaction, unless ``blocked``, claim the slots still free after the
        held runs ``starting`` (returned, to start), or, with every slot taken, top up the runs held
        ahead (kept)."""
        free = self._slots_freed(tasks) - sum(starting.values())
        ahead = self._ahead_terms(starting) if free <= 0 and not blocked else None
        stopping = self._stopping.is_set()  # a stop between the loop's look and this settle: claim nothing
        if refill is None or stopping or not self._settle_and_claim or blocked or (free <= 0 and ahead is None):
            self.queue.settle(settlements)
            return []
        if ahead is not None:  # every slot is busy: claim their next runs instead (held, started later)
            limit, terms = ahead
            claimed_ahead = self.queue.settle_and_claim(
                settlements, self.worker_id, instances=refill, limit=limit, **terms
            )
            self._ahead.add(_lane_runs(claimed_ahead))
            return []
        claimed = self.queue.settle_and_claim(
            settlements, self.worker_id, instances=refill, limit=free, **self._claim_terms()
        )
        self._refilled_short = len(_lane_runs(claimed)) < free
        self._ahead_wanted = bool(claimed) and not self._refilled_short
        return claimed

    def _apply_polls(self, tasks: list[_TaskDone], settlements: dict[int, Settlement]) -> None:
        """Store new async batches; finish or reschedule the polls made."""
        for task in tasks:
            if task.start_polling is not None:
                poll, job_ids, poll_at = task.start_polling
                self.queue.start_polling(self.worker_id, job_ids, poll, poll_at)
            if task.poll is None:
                continue
            if task.poll_again_at is not None:
                self.queue.reschedule_poll(task.poll.id, task.poll_again_at)
            else:
                self.queue.finish_poll(task.poll.id, [settlements[done.job.id] for done in task.finished])

    def _pace_quota(self, batch: list[_Finished], now: float) -> set[str]:
        """Results that report the account's daily API usage pace it (the latest report of each account);
        returns the accounts paused.

        Slots settle in the order they take the state lock, not in the order their answers came, so
        a report may be older than one already used: within a day the usage only grows, so a lower
        one is stale and skipped, unless it was answered well after (``_USAGE_RESET_AFTER``): then the
        day's quota was reset."""
        latest: dict[str, tuple[int, int, str]] = {}
        for done in batch:
            usage = usage_in(done.result.output) if done.result is not None else None
            if usage is None:
                continue
            answered = done.started_at + done.latency_ms / 1000
            last_used, last_answered = self._usage_seen.get(done.job.account_key, (-1, 0.0))
            if usage[0] >= last_used or answered - last_answered > _USAGE_RESET_AFTER:
                self._usage_seen[done.job.account_key] = (usage[0], max(answered, last_answered))
                latest[done.job.account_key] = (*usage, done.job.instance_id)
        if latest:  # for the console's quota used and left (quota_usage)
            self.queue.record_quota_usage([QuotaUsage(k, i, u, q, now) for k, (u, q, i) in latest.items()])
        paused: set[str] = set()
        for account_key, (used, limit, instance_id) in latest.items():
            pause = self._pacer.observe(used, limit, now, self._quota_zones.get(instance_id))
            if pause is not None:
                self.queue.pause_account(account_key, pause.until, pause.reason)
                paused.add(account_key)
        return paused

    def _verdict(self, done: _Finished, now: float) -> Verdict:
        if done.result is None:  # handed back untried: queued again as it was, due now
            return Verdict(Settlement(done.job.id, JobState.QUEUED, reason=done.job.last_error, attempted=False))
        verdict = self._policies[done.job.instance_id].decide(done.job, done.result, now)
        attempt = attempt_of(done.job, done.result, done.started_at, done.latency_ms)
        settlement = verdict.settlement
        reason = _richer_reason(settlement, done.result)
        settlement = Settlement(
            settlement.job_id, settlement.state, reason, settlement.not_before, settlement.counts_attempt, attempt
        )
        return Verdict(settlement, verdict.pause_account_until, verdict.slow_account_until, verdict.reauthorise)

    def _dead_letter_instance(self, instance_id: str, reason: str) -> None:
        """The credentials are revoked: every queued job of the instance is dead-lettered now, and reported."""
        stamped = (
            f"{reason} (every queued job of {instance_id} dead-lettered at {time.strftime('%Y-%m-%dT%H:%M:%S%z')};"
            " re-authorise the instance, then run 'actions dlq retry --reason re-authorise')"
        )
        if self.queue.dead_letter_unfinished(instance_id, stamped) == 0:
            return
        selection = DeadLetterSelection(instance_id=instance_id, reason=stamped, states=(JobState.DEAD,))
        for job in self.queue.dead_letters(selection):
            self._on_outcome(
                DeliveryOutcome(
                    job.id,
                    job.instance_id,
                    job.subscription,
                    job.subscription_name,
                    job.message_id,
                    JobState.DEAD,
                    reason=stamped,
                )
            )

    def _finish_in_flight(self) -> None:
        """On the way out: settle what finishes within the grace period; the rest goes back unsettled."""
        deadline = time.monotonic() + self.options.shutdown_grace
        while self._in_flight > 0 and self._slot_failure is None:
            left = deadline - time.monotonic()
            if left <= 0:
                return
            try:
                tasks = self._wait_for_finished(timeout=left)
                with self._state:
                    self._settle_batch(tasks)
            except KeyboardInterrupt:  # a second Ctrl+C: leave now, unregister puts the jobs back
                return


def _lane_runs(jobs: list[Job]) -> list[list[Job]]:
    """Claimed jobs split into calls: a head and the followers ``claim`` put right after it."""
    runs: list[list[Job]] = []
    for job in jobs:
        previous = runs[-1][-1] if runs else None
        if (
            previous is not None
            and job.ordering_key is not None
            and job.ordering_key == previous.ordering_key
            and job.instance_id == previous.instance_id
            and job.subscription == previous.subscription
        ):
            runs[-1].append(job)
        else:
            runs.append([job])
    return runs


def _must_settle_alone(tasks: list[_TaskDone], verdicts: list[tuple[_Finished, Verdict]]) -> bool:
    """Whether nothing may start before this settle is done: an async batch to store or a poll to
    finish first, or revoked credentials to dead-letter first."""
    if any(task.poll is not None or task.start_polling is not None for task in tasks):
        return True
    return any(verdict.reauthorise for _, verdict in verdicts)


def _subscription(pipeline: Pipeline, index: int) -> Any:
    """The compiled subscription at ``index``, or None when the config no longer has it."""
    return next((sub for sub in pipeline.subscriptions if sub.index == index), None)


def _crashed(args: tuple[object, ...], error: Exception) -> _TaskDone:
    """A task that raised: each of its jobs gets a RETRY result saying so (a poll is polled again)."""
    reason = f"the runtime raised {type(error).__name__}: {error}"
    first = args[0]
    if isinstance(first, PendingPoll):
        return _TaskDone((), poll=first, poll_again_at=time.time() + 5.0)
    jobs = args[-1] if isinstance(args[-1], list) else []
    finished = tuple(
        _Finished(
            job,
            SubscriptionResult(
                job.subscription_name,
                "",
                SubscriptionStatus.FAILED,
                reason=reason,
                resolution=Resolution.RETRY,
                index=job.subscription,
            ),
            time.time(),
            0.0,
        )
        for job in jobs
    )
    key = first if isinstance(first, tuple) else None
    return _TaskDone(finished, batch_key=key)


def _shared_retry_times(verdicts: list[tuple[_Finished, Verdict]]) -> list[tuple[_Finished, Verdict]]:
    """A merged call that failed (and will be retried) is settled as per-event delivery would have:
    its first job (the one a per-event worker would have tried) takes the policy's verdict and counts
    the attempt; the others were waiting behind it, so they go back untried, due with it, and their
    give-up windows are untouched (a merge never dead-letters them sooner)."""
    head_time: dict[frozenset[int], float] = {}
    settled: list[tuple[_Finished, Verdict]] = []
    for done, verdict in verdicts:
        result = done.result
        if done.batched or not done.merged_with or result is None or result.status is not SubscriptionStatus.FAILED:
            settled.append((done, verdict))
            continue
        group = frozenset((done.job.id, *done.merged_with))
        if done.job.id == min(group):
            head_time[group] = verdict.settlement.not_before
            settled.append((done, verdict))
            continue
        waiting = Settlement(
            done.job.id,
            JobState.QUEUED,
            reason=verdict.settlement.reason,
            not_before=head_time.get(group, 0.0),
            attempted=False,
        )
        settled.append((done, Verdict(waiting, verdict.pause_account_until, verdict.slow_account_until)))
    return settled


def _result_for(job: Job, results: list[SubscriptionResult]) -> SubscriptionResult:
    """The job's subscription's result; a subscription no longer enabled (the config changed) filters it."""
    for result in results:
        if result.index == job.subscription:
            return result
    return SubscriptionResult(
        job.subscription_name,
        "",
        SubscriptionStatus.FILTERED,
        index=job.subscription,
        reason=f"subscription {job.subscription} ({job.subscription_name}) is disabled or no "
        "longer in the instance config",
    )


def _richer_reason(settlement: Settlement, result: SubscriptionResult) -> str:
    """The policy's reason with the result's reason told in full: HTTP status, code, resolution, answer."""
    if settlement.state is JobState.DELIVERED:
        return ""
    if result.reason and result.reason in settlement.reason:
        return settlement.reason.replace(result.reason, reason_of(result), 1)
    return settlement.reason or reason_of(result)


def _outcome(done: _Finished, settlement: Settlement) -> DeliveryOutcome:
    job, result, attempt = done.job, done.result, settlement.attempt
    assert result is not None  # handed-back jobs are not reported
    return DeliveryOutcome(
        job.id,
        job.instance_id,
        job.subscription,
        job.subscription_name,
        job.message_id,
        settlement.state,
        attempt=attempt.number if attempt else job.tries + 1,
        http_status=attempt.http_status if attempt else result.http_status,
        error_code=result.error_code,
        resolution=result.resolution.value if result.resolution is not None else None,
        reason=settlement.reason,
        latency_ms=done.latency_ms,
        not_before=settlement.not_before,
        merged_with=done.merged_with,
        batched=done.batched,
    )
