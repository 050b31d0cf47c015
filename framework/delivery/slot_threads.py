"""The worker's delivery slots: a fixed set of long-lived threads taking calls from one queue.

``concurrent.futures.ThreadPoolExecutor`` builds a ``Future`` and a work item per call and takes a
semaphore to decide whether to start a thread; the worker needs none of that (each task hands its
outcome to the main loop itself), and at thousands of calls a second the bookkeeping showed in the
main loop's profile. Here a task is one ``SimpleQueue.put``; the threads start with the worker and
leave when it shuts them down. They are daemon threads: a process that exits while a call is still
out (a second Ctrl+C) does not wait for it, and the queue puts that job back (nothing is lost).
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable
from typing import Any

__all__ = ["SlotThreads"]

_Task = tuple[Callable[..., Any], tuple[Any, ...]]


class SlotThreads:
    """``count`` threads running submitted tasks in submission order, one task per thread at a time."""

    def __init__(self, count: int, name: str = "delivery") -> None:
        self._tasks: queue.SimpleQueue[_Task | None] = queue.SimpleQueue()
        self._closed = False
        self._threads = [
            threading.Thread(target=self._serve, name=f"{name}_{number}", daemon=True) for number in range(count)
        ]
        for thread in self._threads:
            thread.start()
        self._idents = frozenset(thread.ident for thread in self._threads)

    def submit(self, task: Callable[..., Any], *args: Any) -> None:
        """Run ``task(*args)`` on the next free thread. The task reports its own outcome (or error)."""
        if self._closed:
            raise RuntimeError("the delivery slots are shut down")
        self._tasks.put((task, args))

    def is_slot(self) -> bool:
        """Whether the calling thread is one of these slots."""
        return threading.get_ident() in self._idents

    def shutdown(self) -> None:
        """Start nothing more (tasks not yet started are dropped: their jobs are still held in the
        queue and go back to it when the worker unregisters) and let each thread leave."""
        self._closed = True
        for _ in self._threads:
            self._tasks.put(None)

    def _serve(self) -> None:
        while True:
            item = self._tasks.get()
            if item is None or self._closed:
                return
            task, args = item
            task(*args)
