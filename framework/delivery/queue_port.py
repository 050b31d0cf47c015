"""The queue port: the one interface every delivery backend implements (SQLite embedded, PostgreSQL).

The engine (``worker``), the commands and the intake server talk to a queue only through these
methods, so moving from one machine to many changes a URL, not behaviour. Each backend keeps the same
guarantees, proven by one shared contract suite (``tests/delivery/contract.py``):

* **Dedup**: a job's identity is instance + subscription + messageId; enqueueing it again is a no-op.
* **At-least-once**: a claimed job stays ``running`` until ``settle``; a job held by a worker that died
  (its heartbeat stopped, or its process is gone) is put back by ``recover``.
* **Per-user order with a retry barrier**: ``claim`` hands out a job only when no earlier job with the
  same ordering key is unfinished (queued, even if scheduled for later, or running).
* **Per-account concurrency**: ``claim`` never lets the running jobs of one account exceed its limit,
  counted over every worker of every process sharing the queue; a paused account gets no claims.
  Jobs claimed together for one call (a lane run, a batch) count as one.
* **Lane runs and batches** (issue 10): ``claim(lane_run=n)`` also hands out up to ``n - 1`` queued,
  due jobs that follow a claimed head in its lane, of the same instance and subscription and with
  nothing else between them, so the engine may merge them into one call; ``claim_batch`` takes many
  lane heads of one subscription for one ``perform_batch`` call. A job of an async batch waits in
  ``polling`` (unfinished: it holds its lane back, is never claimed nor recovered) while its
  ``PendingPoll`` is stored, and ``claim_polls``/``finish_poll`` finish it, after a restart too.
* **Wake-ups and refills** (issue 16): ``settle_and_claim`` settles and claims in one transaction;
  ``subscribe_changes`` tells a waiting worker that jobs may have become claimable, so it sleeps
  until then (or until the next due time) instead of polling.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from typing import Protocol, runtime_checkable

from framework.auth import TokenStore
from framework.delivery.attempt_latency import LatencyBucket
from framework.delivery.jobs import (
    Attempt,
    DeadLetterSelection,
    EnqueueResult,
    Job,
    NewJob,
    PendingPoll,
    QueueStats,
    Settlement,
)
from framework.delivery.quota_usage import QuotaUsage
from framework.delivery.wakeups import Unsubscribe

__all__ = ["JobQueue"]


@runtime_checkable
class JobQueue(Protocol):
    """A durable job queue for deliveries. Methods are thread-safe; times are epoch seconds."""

    url: str  # where it is, with any password removed: safe to print

    # -- producers ----------------------------------------------------------------------------------
    def enqueue(self, jobs: Sequence[NewJob]) -> EnqueueResult:
        """Add jobs in one transaction, in order; duplicates (same identity) change nothing.

        Returns only when the new jobs are durable: an intake may answer 200 after this call.
        """
        ...

    # -- workers ------------------------------------------------------------------------------------
    def register_worker(self, worker_id: str) -> None:
        """Announce a worker (its process id and host are recorded) so ``recover`` can tell it is alive."""
        ...

    def heartbeat(self, worker_id: str) -> None:
        """Say the worker is alive; call it more often than ``recover``'s ``stale_after``."""
        ...

    def unregister_worker(self, worker_id: str) -> None:
        """A worker that stops cleanly; jobs it still held go back to the queue."""
        ...

    def recover(self, stale_after: float) -> int:
        """Put back the running jobs of workers that are gone (dead process, or silent for
        ``stale_after`` seconds); returns how many jobs were put back."""
        ...

    def claim(
        self,
        worker_id: str,
        *,
        instances: Collection[str],
        limit: int,
        account_limits: Mapping[str, int],
        lane_run: int = 1,
        skip: Collection[tuple[str, int]] = (),
    ) -> list[Job]:
        """Mark up to ``limit`` due jobs of ``instances`` running for ``worker_id`` and return them,
        oldest first, keeping the ordering barrier and each account's concurrency limit
        (``account_limits``; an account not named there has no limit).

        With ``lane_run`` > 1, each claimed head brings up to ``lane_run - 1`` followers of its lane
        (queued, due, same instance and subscription, consecutive); a head and its followers count as
        one against ``limit`` and the account's limit, and follow each other in the list returned.
        ``skip`` names (instance, subscription) pairs not to claim here (they are batched).
        """
        ...

    def claim_batch(
        self,
        worker_id: str,
        *,
        instance_id: str,
        subscription: int,
        limit: int,
        account_limits: Mapping[str, int],
        lane_run: int = 1,
        linger: float = 0.0,
    ) -> list[Job]:
        """Up to ``limit`` due jobs of one subscription for one batch call (one slot of its account):
        lane heads and their runs (as ``claim``), oldest first; nothing while the subscription has an
        async batch in ``polling``, and nothing while fewer than ``limit`` are due and the oldest of
        them was enqueued less than ``linger`` seconds ago (a trickle waits to fill a batch)."""
        ...

    def start_polling(self, worker_id: str, job_ids: Sequence[int], pending: PendingPoll, poll_at: float) -> int:
        """Move the worker's running ``job_ids`` to ``polling`` and store ``pending`` (its ``id`` is
        ignored), durably, in one transaction; returns the stored poll's id."""
        ...

    def claim_polls(self, instances: Collection[str], *, lease: float) -> list[PendingPoll]:
        """The due polls of ``instances``; each is leased for ``lease`` seconds (a worker that dies
        while polling leaves it due again after the lease)."""
        ...

    def reschedule_poll(self, poll_id: int, poll_at: float) -> None:
        """The batch is still running: poll it again at ``poll_at``."""
        ...

    def finish_poll(self, poll_id: int, settlements: Sequence[Settlement]) -> None:
        """Settle the batch's jobs (out of ``polling``) and forget the poll, in one transaction."""
        ...

    def settle(self, settlements: Sequence[Settlement]) -> None:
        """Apply attempts' outcomes in one transaction: final states, retries, attempt records."""
        ...

    def settle_and_claim(
        self,
        settlements: Sequence[Settlement],
        worker_id: str,
        *,
        instances: Collection[str],
        limit: int,
        account_limits: Mapping[str, int],
        lane_run: int = 1,
        skip: Collection[tuple[str, int]] = (),
    ) -> list[Job]:
        """``settle`` then ``claim``, in one transaction (as durable as ``settle``): the slots and lanes
        the settled jobs free are refilled at once, so a worker at its account's limit keeps it full
        without a second round trip per attempt."""
        ...

    def subscribe_changes(self, callback: Callable[[], None]) -> Unsubscribe:
        """Call ``callback`` whenever jobs may have become claimable (enqueued, settled, redriven, put
        back), by this process or, where the backend can tell (PostgreSQL ``LISTEN/NOTIFY``), another;
        returns the function that unsubscribes. A worker waits on it instead of polling."""
        ...

    def pause_account(self, account_key: str, until: float, reason: str) -> None:
        """No claims for the account's jobs before ``until`` (a rate limit, a spent daily quota)."""
        ...

    def dead_letter_unfinished(self, instance_id: str, reason: str) -> int:
        """Dead-letter every queued job of an instance (its credentials are revoked); returns how many."""
        ...

    def next_due(self, instances: Collection[str]) -> float | None:
        """When the earliest queued job of ``instances`` that heads its lane, or the earliest poll of an
        async batch, becomes due (None: none)."""
        ...

    def unfinished(self, instances: Collection[str]) -> int:
        """Queued, running and polling jobs of ``instances``: zero means drained."""
        ...

    # -- operators ----------------------------------------------------------------------------------
    def stats(self, instance_id: str | None = None) -> QueueStats:
        """Job counts per instance and subscription and state, and the paused accounts."""
        ...

    def settled_counts(self, since: float) -> list[tuple[int, str, int, str, int]]:
        """Jobs that reached a final state at or after ``since``, per minute: (minute start, instance,
        subscription, state, count). It reads every job settled since then: for the console's
        background snapshot, not for a request."""
        ...

    def attempt_latencies(self, since: float, recent: float) -> list[LatencyBucket]:
        """Attempts started at or after ``since`` per subscription and latency bucket, those at or after
        ``recent`` apart (``attempt_latency``). It reads every attempt: for the console's background
        snapshot, not for a request."""
        ...

    def record_quota_usage(self, reports: Sequence[QuotaUsage]) -> None:
        """Keep each account's latest reported daily API usage (an older report never wins)."""
        ...

    def quota_usage(self) -> list[QuotaUsage]:
        """Every account's last reported daily API usage (``quota_usage``)."""
        ...

    def paused_accounts(self) -> dict[str, tuple[float, str]]:
        """Accounts paused now: account key -> (until, reason). Cheap: workers ask it when idle."""
        ...

    def job(self, job_id: int) -> Job | None:
        """One job, whatever its state."""
        ...

    def attempts(self, job_id: int) -> list[Attempt]:
        """Every recorded attempt of a job, oldest first."""
        ...

    def dead_letters(self, selection: DeadLetterSelection, *, limit: int | None = None) -> Iterator[Job]:
        """Dead (and, if asked, invalid) jobs matching ``selection``, oldest first, streamed."""
        ...

    def redrive(self, job_ids: Collection[int]) -> int:
        """Queue dead or invalid jobs again, due now, with a fresh give-up window; returns how many."""
        ...

    def purge(self, job_ids: Collection[int]) -> int:
        """Delete finished jobs and their attempts for good; returns how many."""
        ...

    def token_store(self) -> TokenStore:
        """OAuth tokens shared by every worker of this queue, with a ``lock(key)`` held across a
        refresh so that one process refreshes a credential at a time (the others use its result)."""
        ...

    def close(self) -> None:
        """Release connections."""
        ...
