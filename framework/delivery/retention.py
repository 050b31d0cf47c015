"""Retention: delivered jobs are deleted ``[delivery] keep_delivered`` after delivery (default 3 days).

A delivered job is kept for a while so that ``dlq``/``queue stats`` and a resent ``messageId`` still
see it (a duplicate within the retention is skipped; after it, the same ``messageId`` is a new job).
Workers prune in small batches (``BATCH`` jobs per transaction) so that a prune never holds the
queue's write lock for long; ``actions queue prune`` runs the same code by hand until none is left.
Dead letters, invalid and unfinished jobs are never pruned.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Protocol

__all__ = ["BATCH", "PRUNE_EVERY_S", "DEFAULT_KEEP_DELIVERED_S", "PrunableQueue", "prune_delivered"]

BATCH = 500
PRUNE_EVERY_S = 60.0  # how often a running worker prunes one batch per instance
DEFAULT_KEEP_DELIVERED_S = 3 * 86400.0


class PrunableQueue(Protocol):
    """The one queue method retention needs (both backends implement it)."""

    def prune_delivered(self, instance_id: str, settled_before: float, limit: int) -> int: ...


def prune_delivered(
    queue: PrunableQueue,
    keep: Mapping[str, float],
    *,
    now: float | None = None,
    batch: int = BATCH,
    until_done: bool = False,
) -> dict[str, int]:
    """Delete delivered jobs older than each instance's ``keep`` seconds; one batch each unless ``until_done``."""
    now = time.time() if now is None else now
    pruned: dict[str, int] = {}
    for instance_id, seconds in keep.items():
        total = 0
        while True:
            deleted = queue.prune_delivered(instance_id, now - seconds, batch)
            total += deleted
            if not until_done or deleted < batch:
                break
        pruned[instance_id] = total
    return pruned
