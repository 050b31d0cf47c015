"""An attempt's record and its reason text, built from the runtime's result: what ``dlq show`` reads.

A delivered attempt stores only the status answered: what an operator needs of a success is that
it happened, and redacting every successful request cost a tenth of a replay. The request stored
for any other outcome is the last exchange the runtime recorded, already redacted by the HTTP client
(secret headers, secret body keys, the instance's tokens and password settings), so an attempt
record never holds a secret. The reason names what an operator needs to act: the HTTP status received,
the destination's error code, the classifier's resolution and an excerpt of the answer.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from framework.delivery.jobs import Attempt, Job

if TYPE_CHECKING:
    from framework.runtime import SubscriptionResult

__all__ = ["attempt_of", "reason_of", "RESPONSE_EXCERPT_CHARS"]

RESPONSE_EXCERPT_CHARS = 200
_REQUEST_BODY_CHARS = 16_000  # a stored request body longer than this is cut (events are at most 32 KB)


def attempt_of(job: Job, result: SubscriptionResult, started_at: float, latency_ms: float) -> Attempt:
    """The attempt record of ``job`` (its next number) for ``result``."""
    resolution = result.resolution.value if result.resolution is not None else None
    return Attempt(
        job_id=job.id,
        number=job.tries + 1,
        started_at=started_at,
        latency_ms=latency_ms,
        status=result.status.value,
        resolution=resolution,
        http_status=_status_received(result),
        error_code=result.error_code,
        message=reason_of(result),
        request=_request_of(result),
    )


def reason_of(result: SubscriptionResult) -> str:
    """``HTTP 400 code 180 (terminal): <reason> — answer: <excerpt>``; only the reason when nothing failed."""
    if result.status.value not in ("failed", "invalid"):
        return result.reason
    parts = []
    status = _status_received(result)
    if status:
        parts.append(f"HTTP {status}")
    if result.error_code:
        parts.append(f"code {result.error_code}")
    if result.resolution is not None and result.status.value == "failed":
        parts.append(f"({result.resolution.value})")
    text = " ".join(parts)
    text = f"{text}: {result.reason}" if text else result.reason
    excerpt = _response_excerpt(result)
    if excerpt and excerpt not in result.reason:
        text += f" — answer: {excerpt}"
    return text


def _status_received(result: SubscriptionResult) -> int | None:
    """The status the destination answered (``received_status`` when the runtime provides it)."""
    received = getattr(result, "received_status", None)
    return received if isinstance(received, int) else result.http_status


def _response_excerpt(result: SubscriptionResult) -> str:
    body = getattr(result, "response_body", None)
    if body is None and result.exchanges:
        body = result.exchanges[-1].response_body
    if not body:
        return ""
    text = " ".join(str(body).split())
    return text if len(text) <= RESPONSE_EXCERPT_CHARS else text[:RESPONSE_EXCERPT_CHARS] + "…"


def _request_of(result: SubscriptionResult) -> dict[str, Any] | None:
    """The last request made (redacted), with its answer's status and why no answer came; a success's status alone."""
    if not result.exchanges:
        return None
    exchange = result.exchanges[-1]
    if result.status.value == "delivered":
        return {"status": exchange.status}  # a success needs no request body: skip redacting it
    body = exchange.body
    if isinstance(body, str) and len(body) > _REQUEST_BODY_CHARS:
        body = body[:_REQUEST_BODY_CHARS] + "…"
    request: dict[str, Any] = {
        "method": exchange.method,
        "url": exchange.url,
        "headers": exchange.headers,
        "body": body,
        "status": exchange.status,
    }
    if exchange.error:
        request["error"] = exchange.error
    if exchange.response_body:
        request["response_body"] = _response_excerpt(result)
    return request
