"""What happened to one event in one subscription, and why: the runtime's only output.

Every event yields one :class:`SubscriptionResult` per enabled subscription, so a report can say for
each mapping whether the event was delivered, filtered out by the trigger (and which condition), invalid
(which field and why) or failed (with the :class:`~framework.errors.Resolution` delivery acts on).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field, fields
from typing import TYPE_CHECKING, Any

from framework.errors import Resolution

if TYPE_CHECKING:
    from framework.http import RecordedExchange
    from framework.mapping import FieldTrace

__all__ = [
    "SubscriptionStatus",
    "SubscriptionResult",
    "SubscriptionExplanation",
    "MAX_RESULT_BODY",
    "delivered_result",
]

MAX_RESULT_BODY = 2048
"""Characters of a failed response's body kept on the result (redacted): enough for any error message,
small enough for a report of a million failures."""


class SubscriptionStatus(enum.StrEnum):
    """The outcome of one event in one subscription."""

    DELIVERED = "delivered"  # perform succeeded
    FILTERED = "filtered"  # the trigger did not match
    INVALID = "invalid"  # the event, the mapping or the payload is wrong: retrying cannot help
    FAILED = "failed"  # perform failed; ``resolution`` says whether to retry


@dataclass(frozen=True)
class SubscriptionResult:
    """The outcome of one event in one subscription, with enough detail to act on it.

    ``reason`` is a sentence for people (the trigger's failing condition, the invalid field, the
    destination's error message). ``exchanges`` are the HTTP requests made, already redacted.
    ``attempts`` is 2 when the subscription was retried after an OAuth token refresh.

    ``http_status`` is the status the destination's classifier decided (Pardot's error code 66 answered
    with HTTP 400 is a 429, rate limited); ``received_status`` is the status that came over the wire
    (400), from the response the outcome came from (the token endpoint's, when a refresh failed).
    ``response_body`` is that response's body on a failure, redacted and cut to
    :data:`MAX_RESULT_BODY` characters; None when delivered or when no response arrived.

    ``tried`` is False for a batch item the action held back without a call (a retryable failure
    whose job delivery hands back untried: no attempt counted, see ``ItemNotTried``).
    """

    subscription: str
    action: str
    status: SubscriptionStatus
    reason: str = ""
    http_status: int | None = None
    error_code: str | None = None
    resolution: Resolution | None = None
    payload: Any = None
    exchanges: tuple[RecordedExchange, ...] = ()
    index: int = 0
    attempts: int = 1
    output: Any = None
    retry_after: float | None = None
    received_status: int | None = None
    response_body: str | None = None
    tried: bool = True

    @property
    def ok(self) -> bool:
        """True when nothing more needs doing: delivered, or filtered out on purpose."""
        return self.status in (SubscriptionStatus.DELIVERED, SubscriptionStatus.FILTERED)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready view for reports (exchanges as their redacted fields)."""
        return {
            "subscription": self.subscription,
            "index": self.index,
            "action": self.action,
            "status": self.status.value,
            "reason": self.reason,
            "http_status": self.http_status,
            "received_status": self.received_status,
            "error_code": self.error_code,
            "resolution": self.resolution.value if self.resolution else None,
            "retry_after": self.retry_after,
            "attempts": self.attempts,
            "payload": self.payload,
            "response_body": self.response_body,
            "exchanges": [exchange.to_dict() for exchange in self.exchanges],
        }


_RESULT_DEFAULTS: dict[str, Any] = {item.name: item.default for item in fields(SubscriptionResult)}


def delivered_result(
    subscription: str, action: str, *, index: int, payload: Any, exchanges: tuple[Any, ...], attempts: int, output: Any
) -> SubscriptionResult:
    """``SubscriptionResult(..., status=DELIVERED, resolution=SUCCESS, ...)``, built at a third of its cost.

    Every delivered event makes one; a frozen dataclass's ``__init__`` assigns each of its sixteen
    fields through ``object.__setattr__``. This fills the instance's ``__dict__`` at once, defaults
    first (the fields' order), so it equals, compares, prints and pickles as one built the usual way.
    """
    http_status = exchanges[-1].status if exchanges else None
    result = object.__new__(SubscriptionResult)
    values = result.__dict__
    values.update(_RESULT_DEFAULTS)
    values["subscription"], values["action"], values["status"] = subscription, action, SubscriptionStatus.DELIVERED
    values["http_status"] = values["received_status"] = http_status
    values["resolution"], values["payload"], values["exchanges"] = Resolution.SUCCESS, payload, exchanges
    values["index"], values["attempts"], values["output"] = index, attempts, output
    return result


@dataclass(frozen=True)
class SubscriptionExplanation:
    """Why a subscription would or would not take an event, and where each mapped value comes from.

    ``reason`` is None when the trigger matches, else the failing condition. ``fields`` are the mapping's
    field traces (value and source), computed even when the trigger does not match, so a mapping
    editor sees what would be sent. ``error`` names a problem evaluating the event (a malformed event).
    """

    subscription: str
    action: str
    index: int
    enabled: bool
    subscribe: str
    matched: bool
    reason: str | None
    fields: tuple[FieldTrace, ...] = field(default_factory=tuple)
    error: str | None = None
