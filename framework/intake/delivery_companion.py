"""The delivery workers ``actions serve`` runs beside the server, so one command is a whole deployment.

One ``DeliveryWorker`` (the delivery engine) under a ``SupervisedWorker`` on its own thread, on the server's queue, serving every
instance of the server. Its outcomes feed the server's metrics. ``stop`` lets the attempts in flight
finish and be settled (the engine's grace period); jobs it still holds go back to the queue.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from framework.delivery import JobQueue
from framework.delivery.supervisor import SupervisedWorker, WorkerHealth
from framework.delivery.worker import WorkerOptions

if TYPE_CHECKING:
    from framework.instance import DestinationInstance

__all__ = ["DeliveryCompanion"]


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
        self._worker = SupervisedWorker(
            queue,
            instances,
            on_outcome=on_outcome,
            options=WorkerOptions(concurrency=concurrency),
            restart_on_crash=True,
        )

    @property
    def concurrency(self) -> int:
        """Attempts in flight at most."""
        return int(self._worker.concurrency)

    def health(self) -> WorkerHealth:
        """Whether the worker runs, when it last settled a job, its last error (``/health``)."""
        return self._worker.health()

    def start(self) -> None:
        """Start delivering on a thread; a supervisor restarts the worker whenever it dies."""
        self._worker.start()

    def stop(self) -> None:
        """Finish the attempts in flight and settle them; jobs still held go back to the queue."""
        self._worker.stop()
