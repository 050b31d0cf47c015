"""``RateLimit``: a destination's published request rate, declared once on its definition.

HubSpot allows 100 requests per 10 seconds per account, Klaviyo publishes per-endpoint bursts; a
destination states its limit and the runtime keeps it for every account (the one named by the
definition's ``concurrency_key`` setting, else the whole destination)::

    DestinationDefinition(..., rate_limit=RateLimit(requests=100, per_seconds=10))

It is the steady rate kept before each request, in this process (framework.runtime.rate_limits);
``concurrency_limit`` bounds the requests in flight across workers, and a 429's Retry-After still
pauses the account in the queue.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["RateLimit"]


class RateLimit(BaseModel):
    """At most ``requests`` requests in any ``per_seconds`` window, per account."""

    model_config = ConfigDict(extra="forbid", frozen=True, hide_input_in_errors=True)

    requests: int = Field(ge=1)
    per_seconds: float = Field(gt=0)

    @property
    def interval(self) -> float:
        """Seconds between two requests at the steady rate."""
        return self.per_seconds / self.requests
