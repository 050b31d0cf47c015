"""The one retry policy: what an attempt's result means for its job, the same for every backend.

``RetryPolicy.decide(job, result, now)`` turns a runtime result into a :class:`Verdict`:

=====================  =================================================================================
delivered / filtered   final (``delivered`` / ``filtered``)
invalid                final (``invalid``): the event or its payload can never be sent as is
RETRY                  again after ``Retry-After`` when the destination gave one, else exponential backoff
                       with full jitter; dead letter once the give-up window (attempts or age) is spent
RATE_LIMITED           again after ``Retry-After`` (else a short pause); does not burn the give-up window.
                       A short wait slows the whole account (the worker halves its in-flight limit until
                       the wait is over); a long one (``park_after`` or more: a spent daily quota) pauses
                       the account, parking its jobs until the quota resets instead of dead-lettering them
REFRESH_THEN_RETRY     the runtime already refreshed once and retried; if this still comes back it is
                       treated as RETRY
TERMINAL               dead letter with the reason; a refresh token the destination refused
                       (``OAUTH_REFRESH_FAILED``) also dead-letters the instance's queued jobs: re-authorise
=====================  =================================================================================
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import TYPE_CHECKING

from framework.delivery.jobs import Job, JobState, Settlement
from framework.errors import Resolution

if TYPE_CHECKING:
    from framework.runtime import SubscriptionResult

__all__ = ["RetryPolicy", "Verdict", "REAUTHORISE"]

REAUTHORISE = "re-authorise"
_REVOKED_CODES = frozenset({"OAUTH_REFRESH_FAILED", "REFRESH_TOKEN_EXPIRED"})
_RANDOM = random.Random()
_FINAL = {"delivered": JobState.DELIVERED, "filtered": JobState.FILTERED, "invalid": JobState.INVALID}


@dataclass(frozen=True)
class Verdict:
    """A job's settlement, plus what it means for its account or instance."""

    settlement: Settlement
    pause_account_until: float | None = None  # a long RATE_LIMITED wait: no claims for the account until then
    slow_account_until: float | None = None  # a short RATE_LIMITED wait: fewer in flight for the account until then
    reauthorise: bool = False  # the credentials are revoked: dead-letter the instance's queued jobs


@dataclass(frozen=True)
class RetryPolicy:
    """Backoff and give-up window; one per instance (``[delivery]`` in its config)."""

    max_attempts: int = 10
    max_age: float = 24 * 3600.0  # seconds since the job was enqueued
    backoff_base: float = 1.0  # the n-th retry waits up to base * 2**(n-1) seconds...
    backoff_cap: float = 600.0  # ...never more than this
    rate_limit_pause: float = 1.0  # a rate-limited job's wait when the destination gave no Retry-After
    park_after: float = 30.0  # a rate limit asking to wait this long or more pauses (parks) the whole account

    def decide(self, job: Job, result: SubscriptionResult, now: float, rng: random.Random | None = None) -> Verdict:
        """The verdict for ``job`` after an attempt that gave ``result`` at ``now``."""
        status = result.status.value
        if status in _FINAL:
            return Verdict(Settlement(job.id, _FINAL[status], reason=result.reason))
        resolution = result.resolution or Resolution.RETRY
        if resolution is Resolution.SUCCESS:
            return Verdict(Settlement(job.id, JobState.DELIVERED))
        if resolution is Resolution.TERMINAL:
            revoked = (result.error_code or "") in _REVOKED_CODES
            reason = f"{REAUTHORISE}: {result.reason}" if revoked else result.reason
            return Verdict(Settlement(job.id, JobState.DEAD, reason=reason), reauthorise=revoked)
        if resolution is Resolution.RATE_LIMITED:
            until = now + (result.retry_after if result.retry_after is not None else self.rate_limit_pause)
            settlement = Settlement(
                job.id, JobState.QUEUED, reason=result.reason, not_before=until, counts_attempt=False
            )
            if until - now >= self.park_after:
                return Verdict(settlement, pause_account_until=until)
            return Verdict(settlement, slow_account_until=until)
        return Verdict(self._retry_or_give_up(job, result, now, rng or _RANDOM))

    def _retry_or_give_up(self, job: Job, result: SubscriptionResult, now: float, rng: random.Random) -> Settlement:
        attempts = job.attempts + 1
        age = now - job.enqueued_at
        if attempts >= self.max_attempts or age >= self.max_age:
            why = f"after {attempts} attempts" if attempts >= self.max_attempts else f"after {age:.0f} s"
            return Settlement(job.id, JobState.DEAD, reason=f"gave up {why}: {result.reason}")
        delay = result.retry_after if result.retry_after is not None else self.backoff(attempts, rng)
        return Settlement(job.id, JobState.QUEUED, reason=result.reason, not_before=now + delay)

    def backoff(self, attempt: int, rng: random.Random = _RANDOM) -> float:
        """Full jitter: a uniform wait between 0 and the capped exponential for the ``attempt``-th failure."""
        ceiling = min(self.backoff_cap, self.backoff_base * 2 ** (attempt - 1))
        return rng.uniform(0, ceiling)
