"""The delivery workers ``actions serve`` runs beside the server, so one command is a whole deployment.

One ``DeliveryWorker`` (the delivery engine) on its own thread and its own queue connection (so its
claims and settlements never wait behind the intake's lock on the same connection), serving every
instance of the server. Its outcomes feed the server's metrics. ``stop`` lets the attempts in flight
finish and be settled (the engine's grace period); jobs it still holds go back to the queue.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from framework.delivery import JobQueue

if TYPE_CHECKING:
    from framework.instance import DestinationInstance

__all__ = ["DeliveryCompanion"]

log = logging.getLogger("framework.intake")


class DeliveryCompanion:
    """Runs the delivery engine on a thread for the life of the server (a ``Companion``)."""

    def __init__(self, open_worker_queue: Callable[[], JobQueue], instances: Sequence[DestinationInstance], *,
                 concurrency: int | None = None, on_outcome: Callable[[Any], None] | None = None) -> None:
        self._open_queue = open_worker_queue
        self._instances = list(instances)
        self._concurrency = concurrency
        self._on_outcome = on_outcome
        self._worker: Any = None
        self._queue: JobQueue | None = None
        self._thread: threading.Thread | None = None

    @property
    def concurrency(self) -> int | None:
        """Attempts in flight at most (known once started)."""
        return self._worker.concurrency if self._worker is not None else self._concurrency

    def start(self) -> None:
        """Open the worker's queue connection and start delivering."""
        from framework.delivery.worker import DeliveryWorker, WorkerOptions

        self._queue = self._open_queue()
        self._worker = DeliveryWorker(self._queue, self._instances, on_outcome=self._on_outcome,
                                      options=WorkerOptions(concurrency=self._concurrency))
        self._thread = threading.Thread(target=self._run, name="delivery worker", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Finish the attempts in flight, settle them, and close the worker's connection."""
        if self._worker is not None:
            self._worker.stop()
        if self._thread is not None:
            self._thread.join()
            self._thread = None
        if self._queue is not None:
            self._queue.close()
            self._queue = None

    def _run(self) -> None:
        try:
            self._worker.run()
        except Exception:  # the server keeps accepting; the jobs wait in the queue for a worker
            log.exception("the delivery worker stopped; accepted events stay queued until a worker runs")
