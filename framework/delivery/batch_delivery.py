"""Batched delivery: jobs of one subscription through its ``perform_batch``, each settled by its own item.

A subscription whose mapping sets ``enable_batching`` (and whose action has ``perform_batch``) is
claimed with ``JobQueue.claim_batch``: up to ``batch_size`` lane heads (and the jobs right behind
them), once that many are due or the oldest has lingered a moment. :func:`deliver_batch` runs the
first ``batch_keys`` group of them through ``framework.runtime.run_batch``; jobs of other groups go
back to the queue untried (and so does any later job of a user who has one there, to keep order).

Every item has its own outcome: a bad row is dead-lettered or retried alone. An item the action held
back without a call (``ItemNotTried``, a result with ``tried=False``) goes back untried like a
handed-back job: no attempt counted or recorded, queued behind its lane head, so the rounds of the item
it waits for never dead-letter it (:func:`result_to_settle`, for polled results too). An async batch (an
``AsyncBatch``, Pardot's Import API) leaves its jobs in ``polling`` with the ``PendingBatch`` stored
as a ``PendingPoll``; :func:`poll_pending` asks the action's ``poll`` later, after a restart too.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from framework.delivery.merge_delivery import RunItem
from framework.runtime import PendingBatch, PollRun, batch_groups, poll_batch, run_batch

if TYPE_CHECKING:
    from framework.delivery.jobs import Job, PendingPoll
    from framework.runtime import CompiledSubscription, Pipeline, SubscriptionResult

__all__ = ["BatchAttempt", "deliver_batch", "poll_pending", "result_to_settle"]


@dataclass(frozen=True)
class BatchAttempt:
    """What one batch call did: items settled now (or handed back), and the async job if there is one.

    ``pending_jobs`` are the jobs of the events given to ``run_batch``, in that order: a
    ``PendingBatch``'s positions index into it.
    """

    items: list[RunItem]
    pending: PendingBatch | None = None
    pending_jobs: tuple[Job, ...] = ()


def deliver_batch(pipeline: Pipeline, sub: CompiledSubscription, jobs: Sequence[Job]) -> BatchAttempt:
    """One ``perform_batch`` call for the first ``batch_keys`` group of ``jobs``; the rest handed back."""
    groups = batch_groups(sub, [job.event for job in jobs])
    chosen, handed_back = _first_group_in_order(jobs, groups[0] if groups else [])
    now = time.time()
    items = [RunItem(job, None, now, 0.0) for job in handed_back]
    if not chosen:
        return BatchAttempt(items)
    begun = time.perf_counter()
    run = run_batch(pipeline, sub, [job.event for job in chosen])
    latency = (time.perf_counter() - begun) * 1000
    batch = tuple(job.id for job in chosen)  # every job's ``merged_with``: the batch, shared (a copy each is quadratic)
    for job, result in zip(chosen, run.results, strict=True):
        if result is not None:
            items.append(RunItem(job, result_to_settle(result), now, latency, batch))
    if run.pending is None:
        return BatchAttempt(items)
    return BatchAttempt(items, run.pending, tuple(chosen))


def result_to_settle(result: SubscriptionResult) -> SubscriptionResult | None:
    """What the worker settles a batched job by: None (handed back untried) for an item not tried."""
    return result if result.tried else None


def poll_pending(pipeline: Pipeline, sub: CompiledSubscription, poll: PendingPoll) -> PollRun:
    """The action's ``poll`` on a stored async batch; results are keyed by position in ``poll.job_ids``."""
    return poll_batch(pipeline, sub, PendingBatch.from_dict(poll.pending))


def _first_group_in_order(jobs: Sequence[Job], group: list[int]) -> tuple[list[Job], list[Job]]:
    """The group's jobs, minus any that a handed-back earlier job of the same user must precede."""
    in_group = set(group)
    held_users: set[str] = set()
    chosen: list[Job] = []
    handed_back: list[Job] = []
    for position, job in enumerate(jobs):
        user = job.ordering_key
        if position in in_group and (user is None or user not in held_users):
            chosen.append(job)
            continue
        handed_back.append(job)
        if user is not None:
            held_users.add(user)
    return chosen, handed_back
