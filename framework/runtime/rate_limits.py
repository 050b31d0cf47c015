"""Keeping a destination's declared ``RateLimit``: a token bucket per account, waited on before each request.

The bucket starts full (``requests`` may go at once) and refills at the steady rate; a request that
finds it empty sleeps until a token is due. Buckets are shared by every instance and thread of the
process that deliver to one account (keyed by destination slug and the ``concurrency_key`` setting's
value), so two instances of one HubSpot portal together keep the portal's limit.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from framework.definition import DestinationDefinition
    from framework.definition.rate_limits import RateLimit

__all__ = ["TokenBucket", "bucket_for", "rate_limit_hook"]


class TokenBucket:
    """``capacity`` tokens, one more every ``interval`` seconds; ``take`` waits for one."""

    def __init__(
        self,
        limit: RateLimit,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.limit = limit
        self._clock = clock
        self._sleep = sleep
        self._tokens = float(limit.requests)
        self._updated = clock()
        self._lock = threading.Lock()

    def take(self) -> float:
        """Take a token, sleeping until one is due; the seconds slept."""
        with self._lock:  # reserve under the lock, sleep outside it: waiters queue in order
            now = self._clock()
            self._tokens = min(self.limit.requests, self._tokens + (now - self._updated) / self.limit.interval)
            self._updated = now
            self._tokens -= 1
            wait = -self._tokens * self.limit.interval if self._tokens < 0 else 0.0
        if wait > 0:
            self._sleep(wait)
        return wait


_BUCKETS: dict[tuple[str, str], TokenBucket] = {}
_BUCKETS_LOCK = threading.Lock()


def bucket_for(definition: DestinationDefinition, settings: Mapping[str, Any]) -> TokenBucket | None:
    """The process's bucket for this destination's account, None when it declares no rate limit."""
    if definition.rate_limit is None:
        return None
    account = str(settings.get(definition.concurrency_key, "")) if definition.concurrency_key else ""
    key = (definition.slug, account)
    with _BUCKETS_LOCK:
        bucket = _BUCKETS.get(key)
        if bucket is None or bucket.limit != definition.rate_limit:
            bucket = _BUCKETS[key] = TokenBucket(definition.rate_limit)
        return bucket


def rate_limit_hook(bucket: TokenBucket) -> Callable[[dict[str, Any]], None]:
    """A request client ``before_request`` hook that takes a token before every request."""

    def wait_for_token(options: dict[str, Any]) -> None:
        bucket.take()

    return wait_for_token
