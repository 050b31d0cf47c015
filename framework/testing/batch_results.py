"""Per-item results for the test harness's ``test_batch_action`` and ``test_poll``.

A batch test wants to know what happened to each event, as delivery will see it: accepted, refused
with a status and a Resolution, invalid before the batch was sent, or held by an async job. These are
the runtime's own per-item statuses (``framework.runtime.multistatus``), so a test asserts exactly
what the engine acts on::

    integration.test_batch_action("contacts", events=[good, bad])
    assert integration.batch_results[1].resolution is Resolution.TERMINAL
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from framework.errors import Resolution
from framework.runtime.async_batch import AsyncBatch, StillRunning
from framework.runtime.batch import statuses_of
from framework.runtime.multistatus import ItemError, ItemStatus

__all__ = ["batch_item_results", "poll_item_results", "PENDING"]

PENDING = StillRunning("held by an async batch job: call test_poll with batch_job.ref")


def batch_item_results(
    answer: Any, payloads: Sequence[Any], invalid: dict[int, str], count: int
) -> list[ItemStatus | StillRunning]:
    """One entry per event given: its invalid-payload error, its item status, or ``PENDING``."""
    if isinstance(answer, AsyncBatch):
        statuses: list[ItemStatus | StillRunning] = [PENDING] * len(payloads)
    else:
        statuses = list(statuses_of(answer, list(payloads)))
    valid = iter(statuses)
    return [_invalid(invalid[position]) if position in invalid else next(valid) for position in range(count)]


def poll_item_results(answer: Any, count: int) -> list[ItemStatus | StillRunning]:
    """``poll``'s answer per item: ``StillRunning`` for every item while the job runs."""
    if isinstance(answer, StillRunning):
        return [answer] * count
    return list(statuses_of(answer, [None] * count))


def _invalid(message: str) -> ItemError:
    return ItemError(400, message, "PAYLOAD_VALIDATION_FAILED", Resolution.TERMINAL)
