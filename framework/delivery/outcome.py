"""What became of one attempt at one job: the engine's only output, for tallies, progress and metrics.

The worker reports a :class:`DeliveryOutcome` after every attempt it settles (and for every job a
revoked credential dead-letters at once), so ``replay``'s summary, ``actions worker``'s log line and the
intake server's metrics all count the same things. It is small, plain and never holds a secret.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from framework.delivery.jobs import JobState

__all__ = ["DeliveryOutcome", "OutcomeCallback"]


@dataclass(frozen=True, slots=True)
class DeliveryOutcome:
    """One settled attempt: which job, the state it is in now, and why.

    ``state`` is QUEUED when the job will be tried again (``not_before`` says when), else final
    (delivered, filtered, invalid, dead) or POLLING (in an async batch). ``reason`` is the located, redacted text an operator reads:
    HTTP status, the destination's error code, the classifier's resolution and the answer's excerpt.
    """

    job_id: int
    instance_id: str
    subscription: int
    subscription_name: str
    message_id: str
    state: JobState
    attempt: int = 0  # this attempt's number (0: settled without an attempt, e.g. dead-lettered in bulk)
    http_status: int | None = None
    error_code: str | None = None
    resolution: str | None = None
    reason: str = ""
    latency_ms: float = 0.0
    not_before: float = 0.0
    merged_with: tuple[int, ...] = ()  # the other jobs its call stood for (a merged update, a batch)
    batched: bool = False  # delivered through perform_batch (then ``merged_with`` is the batch)

    @property
    def final(self) -> bool:
        """True when the job will not be tried again by itself."""
        return self.state.finished


OutcomeCallback = Callable[[DeliveryOutcome], None]
"""``callback(outcome)``: called by whichever worker thread settled (a slot, or the main thread), never
concurrently (under the worker's state lock), so a consumer fed by the worker alone needs no lock."""
