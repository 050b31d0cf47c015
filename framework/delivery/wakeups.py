"""Telling waiting workers that the queue changed, so that they sleep instead of polling (issue 16).

A worker with nothing claimable used to look at the queue every few milliseconds. Now each queue
backend keeps a ``QueueChanges``: after a transaction that may make a job claimable commits (an
enqueue, a settle that frees a lane or an account's slot, a redrive, jobs put back), the backend calls
``notify``, and every subscribed worker of this process is woken at once. Across processes a backend
relays other processes' changes into the same ``notify`` (PostgreSQL: ``LISTEN/NOTIFY``, see
``postgres_wakeups``); a worker still looks on its own every ``idle_poll`` seconds, the safety net for
a change nobody announced (another process writing the same SQLite file).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

__all__ = ["QueueChanges", "Unsubscribe"]

log = logging.getLogger("framework.delivery")

Unsubscribe = Callable[[], None]


class QueueChanges:
    """Callbacks to run when the queue changed; thread-safe, and cheap when nobody listens."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._callbacks: tuple[Callable[[], None], ...] = ()

    def subscribe(self, callback: Callable[[], None]) -> Unsubscribe:
        """Call ``callback`` (from whichever thread made the change: it must be quick) on every change."""
        with self._lock:
            self._callbacks = (*self._callbacks, callback)

        def unsubscribe() -> None:
            with self._lock:
                self._callbacks = tuple(known for known in self._callbacks if known is not callback)

        return unsubscribe

    @property
    def listened(self) -> bool:
        """Whether anyone is subscribed (a backend relays other processes' changes only then)."""
        return bool(self._callbacks)

    def notify(self) -> None:
        """The queue changed: wake every subscriber. A failing callback is logged, never raised into
        the transaction's caller (its change is committed whatever a listener does)."""
        for callback in self._callbacks:
            try:
                callback()
            except Exception:  # a listener's bug must not fail an enqueue
                log.exception("a queue-change listener failed")
