"""The delivery workers ``actions serve`` runs beside the server, so one command is a whole deployment.

One ``DeliveryWorker`` (the delivery engine) on its own thread, on the server's queue, serving every
instance of the server. Its outcomes feed the server's metrics. ``stop`` lets the attempts in flight
finish and be settled (the engine's grace period); jobs it still holds go back to the queue.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from framework.delivery import JobQueue
from framework.delivery.worker import DeliveryWorker, WorkerOptions

if TYPE_CHECKING:
    from framework.instance import DestinationInstance

__all__ = ["DeliveryCompanion"]

log = logging.getLogger("framework.intake")


class DeliveryCompanion:
    """Runs the delivery engine on a thread for the life of the server (a ``Companion``)."""

    def __init__(
        self,
        queue: JobQueue,
        instances: Sequence[DestinationInstance],
        *,
        concurrency: int | None = None,
        on_outcome: Callable[[Any], None] | None = None,
    ) -> None:
        self._worker = DeliveryWorker(
            queue, instances, on_outcome=on_outcome, options=WorkerOptions(concurrency=concurrency)
        )
        self._thread: threading.Thread | None = None

    @property
    def concurrency(self) -> int:
        """Attempts in flight at most."""
        return int(self._worker.concurrency)

    def start(self) -> None:
        """Start delivering on a thread."""
        self._thread = threading.Thread(target=self._run, name="delivery worker", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Finish the attempts in flight and settle them; jobs still held go back to the queue."""
        self._worker.stop()
        if self._thread is not None:
            self._thread.join()
            self._thread = None

    def _run(self) -> None:
        try:
            self._worker.run()
        except Exception:  # the server keeps accepting; the jobs wait in the queue for a worker
            log.exception("the delivery worker stopped; accepted events stay queued until a worker runs")
