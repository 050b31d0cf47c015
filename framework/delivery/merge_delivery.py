"""A user's consecutive jobs of one subscription (a lane run) delivered as few calls as the action allows.

The queue hands a worker a lane head and the jobs right behind it (``claim(lane_run=n)``). When the
subscription's action declares :class:`~framework.definition.RecordMerging` as ``safe`` and the
instance keeps ``[delivery] merge_updates`` on, their payloads are merged per record
(``framework.delivery.merging``: later values win field by field, never across an identity change)
and each merged payload is sent once; every job of a merged call shares its outcome. Otherwise each
job is sent alone, in order, exactly as it would be outside a run.

Calls go one after another in the user's order. Once one fails, the run's later calls are not made:
their jobs are handed back untried (they sit behind the failed job in the lane anyway), so a retry
never lets a later update overtake an earlier one. A merged call that fails with a retryable
Resolution is retried for all its jobs (the worker counts the attempt for the first one only: the
others would have been waiting behind it); one refused for good (TERMINAL) is sent again payload by
payload, so only the bad update is dead-lettered and the record ends as the per-event calls would
leave it.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from framework.delivery.merging import MergedGroup, merge_payloads
from framework.errors import Resolution
from framework.runtime import SubscriptionResult, SubscriptionStatus

if TYPE_CHECKING:
    from framework.definition import RecordMerging
    from framework.delivery.jobs import Job
    from framework.runtime import CompiledSubscription, Pipeline

__all__ = ["RunItem", "deliver_run", "merging_policy"]

_CREDENTIAL_CODES = frozenset({"OAUTH_REFRESH_FAILED", "REFRESH_TOKEN_EXPIRED"})  # refused for who sent it


@dataclass(frozen=True)
class RunItem:
    """One job of a run: its result (None: handed back untried) and the jobs its call also stood for."""

    job: Job
    result: SubscriptionResult | None
    started_at: float
    latency_ms: float
    merged_with: tuple[int, ...] = ()


def merging_policy(sub: CompiledSubscription, merge_updates: bool) -> RecordMerging | None:
    """The action's merging rules when merging applies to ``sub``: declared safe, not switched off."""
    policy = getattr(sub.action, "record_merging", None)
    if policy is None or not policy.safe or not merge_updates:
        return None
    return policy


def deliver_run(
    pipeline: Pipeline, sub: CompiledSubscription, jobs: Sequence[Job], policy: RecordMerging | None
) -> list[RunItem]:
    """Deliver ``jobs`` (one user's, in order, all of ``sub``): one item per job, in the same order."""
    items: dict[int, RunItem] = {}
    valid: list[int] = []
    payloads: list[Any] = []
    for position, job in enumerate(jobs):
        refused, payload = pipeline.prepare(sub, job.event)
        if refused is not None:
            items[position] = RunItem(job, refused, time.time(), 0.0)
        else:
            valid.append(position)
            payloads.append(payload)
    groups = (
        merge_payloads(payloads, policy)
        if policy is not None
        else [MergedGroup(payload, (index,)) for index, payload in enumerate(payloads)]
    )
    failed = False
    for group in groups:
        positions = [valid[index] for index in group.indexes]
        if failed:
            items.update({p: RunItem(jobs[p], None, time.time(), 0.0) for p in positions})
            continue
        started, begun = time.time(), time.perf_counter()
        result = _performed(pipeline, sub, jobs[positions[-1]], group.payload)
        latency = (time.perf_counter() - begun) * 1000
        if group.merged and _refused_for_its_content(result):
            split = _one_by_one(pipeline, sub, jobs, positions, [payloads[i] for i in group.indexes])
            items.update(split)
            failed = any(
                item.result is None or item.result.status is not SubscriptionStatus.DELIVERED for item in split.values()
            )
            continue
        ids = [jobs[p].id for p in positions]
        for p in positions:
            items[p] = RunItem(jobs[p], result, started, latency, tuple(i for i in ids if i != jobs[p].id))
        failed = result.status is not SubscriptionStatus.DELIVERED
    return [items[position] for position in range(len(jobs))]


def _refused_for_its_content(result: SubscriptionResult) -> bool:
    """A TERMINAL refusal that may be about one of the merged updates (not the credentials or the account)."""
    return (
        result.resolution is Resolution.TERMINAL
        and result.http_status not in (401, 403)
        and (result.error_code or "") not in _CREDENTIAL_CODES
    )


def _one_by_one(
    pipeline: Pipeline, sub: CompiledSubscription, jobs: Sequence[Job], positions: list[int], payloads: list[Any]
) -> dict[int, RunItem]:
    """A merged call refused for good: its payloads one by one, so one bad update does not take the
    others with it (in order; after a failure that is not final, the rest are handed back)."""
    items: dict[int, RunItem] = {}
    failed = False
    for position, payload in zip(positions, payloads, strict=True):
        if failed:
            items[position] = RunItem(jobs[position], None, time.time(), 0.0)
            continue
        started, begun = time.time(), time.perf_counter()
        result = _performed(pipeline, sub, jobs[position], payload)
        items[position] = RunItem(jobs[position], result, started, (time.perf_counter() - begun) * 1000)
        failed = result.status is not SubscriptionStatus.DELIVERED and result.resolution is not Resolution.TERMINAL
    return items


def _performed(pipeline: Pipeline, sub: CompiledSubscription, last: Job, payload: Any) -> SubscriptionResult:
    """The call's result; the event passed along is the latest one the payload stands for."""
    try:
        return pipeline.perform_payload(sub, last.event, payload)
    except Exception as error:  # a runtime bug costs an attempt, not the worker
        return SubscriptionResult(
            sub.label,
            sub.action_slug,
            SubscriptionStatus.FAILED,
            reason=f"the runtime raised {type(error).__name__}: {error}",
            resolution=Resolution.RETRY,
            index=sub.index,
        )
