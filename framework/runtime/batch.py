"""Many events through one subscription's ``perform_batch``: one result per event, item by item.

Segment's batch semantics (segment-core.md §3.4, §4.5): a subscription's mapping turns batching on with
``enable_batching``, bounds a batch with ``batch_size`` and splits batches by the values of the fields
named in ``batch_keys``. :func:`batch_groups` does the splitting; :func:`run_batch` takes one group:

1. each event is checked alone (its shape, the trigger, the mapping, the payload with Segment's batch
   validation), so a bad one is ``invalid`` or ``filtered`` by itself;
2. the valid payloads go to ``perform_batch(request, data)`` once, ``data.payload`` being their list;
3. its answer becomes one result per event: a ``MultiStatusResponse`` item by item, an
   :class:`~framework.runtime.async_batch.AsyncBatch` as a pending job (finished by :func:`poll_batch`),
   a response or any other value for every item alike; if it raises, every item gets that error's
   Resolution (``framework.errors.resolution_for``), after one token refresh when the token was refused.
   An item the action held back without a call (``ItemNotTried``) is a retryable failure with
   ``tried=False``: delivery hands its job back untried, as it waits behind another that failed.

Results are :class:`~framework.runtime.results.SubscriptionResult` in the order of the events given,
so delivery acknowledges, retries or dead-letters each job by its own item. Divergence from Segment:
``data.raw_data`` is the list of the valid events, aligned with ``data.payload`` (Segment passes every
event given).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

import requests

from framework.errors import PayloadValidationError, Resolution, resolution_for
from framework.http import redact_text
from framework.runtime.async_batch import AsyncBatch, PendingBatch, StillRunning
from framework.runtime.client import build_request_client, secrets_of
from framework.runtime.event_shape import event_problem
from framework.runtime.multistatus import (
    ItemError,
    ItemNotTried,
    ItemStatus,
    ItemSuccess,
    MultiStatusResponse,
    item_error_from,
)
from framework.runtime.payload import validated_payload
from framework.runtime.results import SubscriptionResult, SubscriptionStatus

if TYPE_CHECKING:
    from framework.runtime.pipeline import Pipeline
    from framework.runtime.subscription import CompiledSubscription

__all__ = [
    "BatchingConfig",
    "BatchRun",
    "PollRun",
    "batching_config",
    "batch_groups",
    "run_batch",
    "poll_batch",
    "statuses_of",
    "DEFAULT_BATCH_SIZE",
]

DEFAULT_BATCH_SIZE = 1000  # Segment's default when a mapping does not set batch_size
PAYLOAD_VALIDATION_FAILED = "PAYLOAD_VALIDATION_FAILED"  # Segment's errortype for a refused payload
_MISSING_ITEM = "MultiStatusResponse is missing a response at the specified index"
_NO_BATCH = "This action does not support batched requests."
_NONE_TRIED = "perform_batch held back every item of the batch (none was tried), so none can wait behind another"


@dataclass(frozen=True)
class BatchingConfig:
    """A subscription's batching, read from its mapping: on or off, the size bound and the split keys."""

    enabled: bool
    size: int
    keys: tuple[str, ...]


@dataclass(frozen=True)
class BatchRun:
    """What :func:`run_batch` did: one entry per event given, in order.

    An entry is None when its event is held by ``pending`` (an async job not finished yet); delivery
    keeps those jobs in a "polling" state and calls :func:`poll_batch` with ``pending`` later.
    """

    results: tuple[SubscriptionResult | None, ...]
    pending: PendingBatch | None = None


@dataclass(frozen=True)
class PollRun:
    """What :func:`poll_batch` found: ``done`` with ``results`` (event position → result), or still running."""

    done: bool
    results: dict[int, SubscriptionResult]
    detail: str = ""
    poll_after: float | None = None


def batching_config(sub: CompiledSubscription) -> BatchingConfig:
    """``enable_batching``, ``batch_size`` and ``batch_keys`` as the subscription's mapping sets them.

    They are mapping values (literals, as Segment's UI writes them); batching is off unless the action
    has ``perform_batch`` and the mapping sets ``enable_batching`` to true.
    """
    mapping = sub.mapping
    enabled = sub.action.perform_batch is not None and mapping.get("enable_batching") is True
    size = mapping.get("batch_size", DEFAULT_BATCH_SIZE)
    size = size if isinstance(size, int) and not isinstance(size, bool) and size > 0 else DEFAULT_BATCH_SIZE
    keys = mapping.get("batch_keys") or ()
    keys = tuple(key for key in keys if isinstance(key, str)) if isinstance(keys, list) else ()
    return BatchingConfig(enabled, size, keys)


def batch_groups(sub: CompiledSubscription, events: Sequence[Any]) -> list[list[int]]:
    """Event positions split into batches: same ``batch_keys`` values together, at most ``batch_size`` each.

    Groups come in the order of their first event; inside a group events keep their order. An event
    whose mapping cannot be resolved goes with others alike (it will be ``invalid`` in its batch).
    """
    config = batching_config(sub)
    open_groups: dict[str, list[int]] = {}
    groups: list[list[int]] = []
    for position, event in enumerate(events):
        key = _group_key(sub, event, config.keys)
        group = open_groups.get(key)
        if group is None or len(group) >= config.size:
            group = open_groups[key] = []
            groups.append(group)
        group.append(position)
    return groups


def _group_key(sub: CompiledSubscription, event: Any, keys: tuple[str, ...]) -> str:
    if not keys:
        return ""
    try:
        mapped = sub.compiled_mapping(event)
    except Exception:  # a mapping failing on this event: grouped with the others that fail
        return "\0unresolved"
    values = [mapped.get(key) if isinstance(mapped, dict) else None for key in keys]
    return json.dumps(values, sort_keys=True, default=str)


def run_batch(pipeline: Pipeline, sub: CompiledSubscription, events: Sequence[Any]) -> BatchRun:
    """Every event through ``sub``'s ``perform_batch`` at once: one result per event, in order."""
    results: list[SubscriptionResult | None] = []
    valid: list[int] = []
    payloads: list[Any] = []
    for position, event in enumerate(events):
        result, payload = _checked(sub, event)
        results.append(result)
        if result is None:
            valid.append(position)
            payloads.append(payload)
    if not valid:
        return BatchRun(tuple(results))
    answer = _perform_batch(pipeline, sub, [events[p] for p in valid], payloads)
    return _settle(pipeline, sub, results, valid, payloads, answer)


def poll_batch(pipeline: Pipeline, sub: CompiledSubscription, pending: PendingBatch) -> PollRun:
    """Ask the action's ``poll`` about a pending job: per-event results once done, else still running.

    Works from ``pending`` alone (as rebuilt by ``PendingBatch.from_dict`` after a restart). A poll that
    raises is itself an outcome: with a retryable Resolution the job stays pending (poll again later);
    otherwise every item of the job gets that error.
    """
    if sub.action.poll is None:
        error = ItemError(501, f"{sub.action.title!r} returned an AsyncBatch but has no poll", "NotImplemented")
        return PollRun(True, _item_results(pipeline, sub, pending, [error] * pending.job.items))
    answer, exchanges = _call(
        pipeline, sub, lambda client, data: sub.action.poll(client, data, pending.job.ref), payload=None, events=None
    )
    if isinstance(answer, StillRunning):
        return PollRun(False, {}, answer.detail, answer.poll_after)
    if isinstance(answer, BaseException):
        error = item_error_from(answer)
        if error.resolution in (Resolution.RETRY, Resolution.RATE_LIMITED):
            return PollRun(False, {}, _redacted(pipeline, f"the poll failed and will be retried: {error.errormessage}"))
        return PollRun(True, _item_results(pipeline, sub, pending, [error] * pending.job.items, exchanges))
    statuses = statuses_of(answer, list(pending.payloads) or [None] * pending.job.items)
    return PollRun(True, _item_results(pipeline, sub, pending, statuses, exchanges))


# -- one event's checks -------------------------------------------------------------------------------


def _checked(sub: CompiledSubscription, event: Any) -> tuple[SubscriptionResult | None, Any]:
    """(None, payload) for a valid event; else (its invalid or filtered result, None)."""
    base = SubscriptionResult(sub.label, sub.action_slug, SubscriptionStatus.INVALID, index=sub.index)
    problem = event_problem(event)
    if problem is not None:
        return replace(base, reason=problem), None
    try:
        if not sub.trigger.matches(event):
            reason = sub.trigger.explain(event) or f"the trigger {sub.subscribe!r} does not match"
            return replace(base, status=SubscriptionStatus.FILTERED, reason=reason), None
    except Exception as error:  # a trigger must never crash the batch
        return replace(base, reason=f"the trigger could not be evaluated on this event: {error}"), None
    try:
        mapped = sub.compiled_mapping(event)
    except Exception as error:
        return replace(base, reason=f"the mapping could not be resolved on this event: {error}"), None
    try:
        return None, validated_payload(sub.action, mapped, batch=True)
    except PayloadValidationError as error:
        reason = f"the payload is invalid for {sub.action.title!r}: {error.message}"
        return replace(base, reason=reason, payload=mapped, http_status=400, error_code=PAYLOAD_VALIDATION_FAILED), None
    except Exception as error:  # a validator bug must not crash the batch either
        return replace(base, reason=f"the payload could not be validated: {type(error).__name__}: {error}"), None


# -- perform_batch, with one retry after a token refresh ----------------------------------------------


def _perform_batch(pipeline: Pipeline, sub: CompiledSubscription, events: list[Any], payloads: list[Any]) -> Any:
    """perform_batch's answer (or the exception it raised) and the exchanges it made, as a pair."""
    perform_batch = sub.action.perform_batch
    if perform_batch is None:
        return IntegrationNotBatched(), ()
    return _call(pipeline, sub, perform_batch, payload=payloads, events=events)


class IntegrationNotBatched(Exception):
    """The action has no ``perform_batch``: Segment's 501."""

    status = 501
    code = "NotImplemented"
    resolution = Resolution.TERMINAL

    def __str__(self) -> str:
        return _NO_BATCH


def _call(
    pipeline: Pipeline, sub: CompiledSubscription, function: Any, *, payload: Any, events: Any
) -> tuple[Any, tuple[Any, ...]]:
    """Run ``function(client, data)``; a refused token is refreshed once (shared) and the call retried."""
    tokens = pipeline.credentials.current()
    answer, exchanges = _call_once(pipeline, sub, function, payload, events, tokens)
    refused = isinstance(answer, BaseException) and resolution_for(answer) is Resolution.REFRESH_THEN_RETRY
    if not refused or not pipeline.credentials.can_refresh or tokens is None:
        return answer, exchanges
    try:
        fresh = pipeline.credentials.refresh(tokens)
    except Exception as error:  # the refresh's failure is every item's outcome
        return error, exchanges
    second, more = _call_once(pipeline, sub, function, payload, events, fresh)
    return second, exchanges + more


def _call_once(
    pipeline: Pipeline, sub: CompiledSubscription, function: Any, payload: Any, events: Any, tokens: Any
) -> tuple[Any, tuple[Any, ...]]:
    from framework.definition.inputs import execute_input_for

    client = None
    try:
        data = execute_input_for(
            sub.action,
            payload=payload,
            settings=dict(pipeline.settings),
            auth=tokens,
            raw_data=events,
            mapping=sub.mapping,
        )
        client = build_request_client(pipeline.definition, pipeline.session, data, pipeline.endpoint)
        answer = function(client, data)
    except Exception as error:  # every failure becomes per-item outcomes
        answer = error
    return answer, tuple(getattr(client, "exchanges", ())) if client is not None else ()


# -- the answer, item by item -------------------------------------------------------------------------


def _settle(
    pipeline: Pipeline,
    sub: CompiledSubscription,
    results: list[SubscriptionResult | None],
    valid: list[int],
    payloads: list[Any],
    outcome: tuple[Any, tuple[Any, ...]],
) -> BatchRun:
    answer, exchanges = outcome
    if isinstance(answer, AsyncBatch):
        if answer.items != len(payloads):
            answer = TypeError(
                f"perform_batch returned an AsyncBatch of {answer.items} items for {len(payloads)} payloads"
            )
        else:
            pending = PendingBatch(sub.index, answer, tuple(valid), tuple(payloads))
            return BatchRun(tuple(results), pending)
    statuses = statuses_of(answer, payloads)
    for position, payload, status in zip(valid, payloads, statuses, strict=False):
        results[position] = _item_result(pipeline, sub, status, payload, exchanges)
    return BatchRun(tuple(results))


def statuses_of(answer: Any, payloads: list[Any]) -> list[ItemStatus]:
    """One status per payload from whatever perform_batch (or poll) returned, or the error it raised.

    A ``MultiStatusResponse`` item by item (a missing item is Segment's 500), a response or any other
    value for every payload alike, an exception as its error with its Resolution for every payload.
    An answer that holds back every item (all ``ItemNotTried``) is a retryable error for each: handed
    back untried they would come back in the next batch, held again, for ever.
    """
    if isinstance(answer, BaseException):
        error = item_error_from(answer)
        return [replace(error, sent=payload) for payload in payloads]
    if isinstance(answer, MultiStatusResponse):
        missing = ItemError(500, _MISSING_ITEM, PAYLOAD_VALIDATION_FAILED, Resolution.RETRY)
        statuses = [answer[i] if i < len(answer) else replace(missing, sent=p) for i, p in enumerate(payloads)]
        return statuses if not all(isinstance(s, ItemNotTried) for s in statuses) else _none_tried(statuses)
    if isinstance(answer, requests.Response):
        body = getattr(answer, "data", None)
        if answer.ok:
            return [ItemSuccess(answer.status_code, payload, body) for payload in payloads]
        error = item_error_from(_StatusOnly(answer.status_code, answer.reason or str(answer.status_code)))
        return [replace(error, sent=payload, body=body) for payload in payloads]
    return [ItemSuccess(200, payload, {}) for payload in payloads]


def _none_tried(statuses: list[ItemStatus]) -> list[ItemStatus]:
    return [ItemError(500, _NONE_TRIED, "NOTHING_TRIED", Resolution.RETRY, status.sent) for status in statuses]


class _StatusOnly(Exception):
    """A non-2xx response returned (not raised) by perform_batch: its status decides."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = ""


def _item_results(
    pipeline: Pipeline,
    sub: CompiledSubscription,
    pending: PendingBatch,
    statuses: Sequence[ItemStatus],
    exchanges: tuple[Any, ...] = (),
) -> dict[int, SubscriptionResult]:
    payloads = list(pending.payloads) or [None] * len(pending.positions)
    return {
        position: _item_result(pipeline, sub, status, payload, exchanges)
        for position, payload, status in zip(pending.positions, payloads, statuses, strict=False)
    }


def _item_result(
    pipeline: Pipeline, sub: CompiledSubscription, status: ItemStatus, payload: Any, exchanges: tuple[Any, ...]
) -> SubscriptionResult:
    base = SubscriptionResult(
        sub.label,
        sub.action_slug,
        SubscriptionStatus.DELIVERED,
        payload=payload,
        index=sub.index,
        exchanges=exchanges,
        http_status=status.status,
    )
    if isinstance(status, ItemSuccess):
        return replace(base, resolution=Resolution.SUCCESS, output=status.body)
    return replace(
        base,
        status=SubscriptionStatus.INVALID if _refused_payload(status) else SubscriptionStatus.FAILED,
        resolution=status.resolution,
        reason=_redacted(pipeline, status.errormessage),
        error_code=status.errortype or None,
        retry_after=status.retry_after,
        tried=not isinstance(status, ItemNotTried),
    )


def _refused_payload(status: ItemStatus) -> bool:
    """An item the destination refused as a payload (Segment's ``PAYLOAD_VALIDATION_FAILED``, terminal): invalid,
    as a ``PayloadValidationError`` from ``perform`` is; a missing item (500, retried) stays a failure."""
    return getattr(status, "errortype", "") == PAYLOAD_VALIDATION_FAILED and status.resolution is Resolution.TERMINAL


def _redacted(pipeline: Pipeline, text: str) -> str:
    """A destination's error text may quote a token or a password setting: never pass it on."""
    secrets = [*pipeline.credentials.secrets(), *secrets_of(pipeline.definition, pipeline.settings, None)]
    return redact_text(text, secrets)
