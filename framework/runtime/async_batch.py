"""Asynchronous batches: a ``perform_batch`` that submits a job and a ``poll`` that collects it later.

Some APIs take a batch and answer minutes later (Pardot's Import API). Such an action's
``perform_batch`` returns an :class:`AsyncBatch` (a job reference) instead of per-item statuses, and
its ``poll(request, data, ref)`` returns a ``MultiStatusResponse`` once the job is done, or
:class:`StillRunning` before. The reference must be plain JSON: delivery stores it (in a database)
while the jobs wait in a "polling" state, and polls it again after a restart::

    def perform_batch(request, data):
        job = request.post(URL, json=data.payload).data
        return AsyncBatch(ref={"jobId": job["id"]}, items=len(data.payload))

    def poll(request, data, ref):
        job = request.get(f"{URL}/{ref['jobId']}").data
        return StillRunning() if job["state"] != "done" else statuses_of(job)

:class:`PendingBatch` is what the runtime hands delivery: the job and which events it stands for.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

__all__ = ["AsyncBatch", "StillRunning", "PendingBatch", "require_json"]


def require_json(value: Any, what: str) -> Any:
    """``value`` unchanged when it survives a JSON round trip; else a ``TypeError`` that says so."""
    try:
        text = json.dumps(value, allow_nan=False)
    except (TypeError, ValueError) as error:
        raise TypeError(f"{what} must be plain JSON (it is stored while the job runs): {error}") from None
    if json.loads(text) != value:
        raise TypeError(
            f"{what} must be plain JSON (it is stored while the job runs): it changes in a "
            "JSON round trip (tuples, non-string keys?)"
        )
    return value


@dataclass(frozen=True)
class AsyncBatch:
    """A submitted job: ``ref`` (plain JSON, everything ``poll`` needs) and how many payloads it holds."""

    ref: dict[str, Any]
    items: int

    def __post_init__(self) -> None:
        require_json(self.ref, "AsyncBatch.ref")
        if self.items < 0:
            raise ValueError(f"AsyncBatch.items must be 0 or more, not {self.items}")


@dataclass(frozen=True)
class StillRunning:
    """``poll``'s answer while the job is not done; ``detail`` says where it is (for logs and reports)."""

    detail: str = ""
    poll_after: float | None = None  # seconds the destination suggests waiting before the next poll


@dataclass(frozen=True)
class PendingBatch:
    """An async job of one subscription and the event positions (in the batch given) it stands for.

    ``positions[i]`` is the position, in the events given to ``run_batch``, of the job's i-th payload.
    ``to_dict``/``from_dict`` store it as JSON across a restart.
    """

    subscription_index: int
    job: AsyncBatch
    positions: tuple[int, ...]
    payloads: tuple[Any, ...] = field(default=(), compare=False)  # for reports only; not stored

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON for a database column."""
        return {
            "subscription": self.subscription_index,
            "ref": self.job.ref,
            "items": self.job.items,
            "positions": list(self.positions),
        }

    @classmethod
    def from_dict(cls, stored: dict[str, Any]) -> PendingBatch:
        """A pending batch back from ``to_dict`` (after a restart)."""
        return cls(
            int(stored["subscription"]),
            AsyncBatch(dict(stored["ref"]), int(stored["items"])),
            tuple(int(p) for p in stored["positions"]),
        )
