"""Worker threads where every key always runs on the same thread: concurrency without reordering a user.

Replay sends many users' events at once (up to the destination's ``concurrency_limit``), but two events
of one user must reach the destination in file order: an email change must not overtake the create it
changes. Routing by a stable hash of the user key to one of N single-threaded lanes gives both. Each
lane's queue is bounded, so a huge archive is streamed with backpressure instead of queued whole.
"""

from __future__ import annotations

import queue
import threading
import zlib
from collections.abc import Callable
from typing import Generic, TypeVar

__all__ = ["KeyedWorkerPool"]

T = TypeVar("T")
_STOP = object()


class KeyedWorkerPool(Generic[T]):
    """Run ``handle(item)`` on ``workers`` threads; items with equal keys run in submission order.

    Use as a context manager: leaving the block waits for every submitted item. An exception escaping
    ``handle`` is kept and re-raised by :meth:`close` (handlers are expected to catch their own).
    """

    def __init__(self, handle: Callable[[T], None], workers: int, *, backlog: int = 64) -> None:
        self._handle = handle
        self._queues: list[queue.Queue[object]] = [queue.Queue(maxsize=backlog) for _ in range(max(1, workers))]
        self._threads = [
            threading.Thread(target=self._drain, args=(q,), name=f"replay-lane-{i}", daemon=True)
            for i, q in enumerate(self._queues)
        ]
        self._errors: list[BaseException] = []
        self._cancelled = threading.Event()
        for thread in self._threads:
            thread.start()

    def submit(self, key: str, item: T) -> None:
        """Queue ``item`` on the lane for ``key`` (blocks while that lane's backlog is full)."""
        lane = zlib.crc32(key.encode("utf-8")) % len(self._queues)
        self._queues[lane].put(item)

    def cancel(self) -> None:
        """Drop queued items that have not started (on Ctrl+C); items already running finish."""
        self._cancelled.set()

    @property
    def cancelled(self) -> bool:
        """Whether :meth:`cancel` was called."""
        return self._cancelled.is_set()

    def close(self) -> None:
        """Wait for every queued item, stop the threads, and re-raise the first handler error."""
        for lane in self._queues:
            lane.put(_STOP)
        for thread in self._threads:
            thread.join()
        if self._errors:
            raise self._errors[0]

    def __enter__(self) -> KeyedWorkerPool[T]:
        return self

    def __exit__(self, exc_type: object, *exc_info: object) -> None:
        if exc_type is KeyboardInterrupt:
            self.cancel()
        self.close()

    def _drain(self, lane: queue.Queue[object]) -> None:
        while True:
            item = lane.get()
            if item is _STOP:
                return
            if self._cancelled.is_set():
                continue
            try:
                self._handle(item)  # type: ignore[arg-type]
            except BaseException as error:  # kept for close(); the lane keeps draining so close() returns
                self._errors.append(error)
