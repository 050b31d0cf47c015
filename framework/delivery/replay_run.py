"""``actions replay``: enqueue event files for one instance, then deliver until those jobs are settled.

The intake runs on its own thread while the worker delivers on the caller's, so the first events are
delivered while the rest of a large file is still being read, and Ctrl+C reaches the worker (which
stops cleanly). Dedup makes a second run after an interruption deliver only what the first did not
finish; ``fresh`` delivers everything again.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from framework.delivery.file_intake import FileIntake, IntakeListener
from framework.delivery.jobs import DeadLetterSelection, JobState
from framework.delivery.outcome import DeliveryOutcome
from framework.delivery.queue_port import JobQueue
from framework.delivery.run_tally import RunTally
from framework.delivery.worker import DeliveryWorker, WorkerExit, WorkerOptions
from framework.events import BadLine, EventRecord

if TYPE_CHECKING:
    from framework.instance import DestinationInstance

__all__ = ["ReplayOutcome", "replay_into_queue"]


@dataclass(frozen=True)
class ReplayOutcome:
    """How a replay ended: its tally, and why the worker stopped (None: interrupted during intake)."""

    tally: RunTally
    exit: WorkerExit | None
    interrupted: bool


def replay_into_queue(
    queue: JobQueue,
    instance: DestinationInstance,
    items: Iterable[EventRecord | BadLine],
    *,
    fresh: bool = False,
    options: WorkerOptions | None = None,
    on_outcome: Callable[[DeliveryOutcome], None] | None = None,
    listener: IntakeListener | None = None,
    on_event: Callable[[], None] | None = None,
) -> ReplayOutcome:
    """Enqueue ``items`` and deliver until this instance's jobs are settled (or only due much later)."""
    tally = RunTally()
    intake = FileIntake(queue, instance, tally, fresh=fresh, listener=listener)

    def report(outcome: DeliveryOutcome) -> None:
        tally.add_outcome(outcome)
        if on_outcome is not None:
            on_outcome(outcome)

    worker = DeliveryWorker(queue, [instance], on_outcome=report, options=options or WorkerOptions())
    intake_done = threading.Event()
    failure: list[BaseException] = []

    def read_all() -> None:
        try:
            intake.read(_until(items, worker), on_event)
        except BaseException as error:  # reported on the caller's thread after the worker stops
            failure.append(error)
            worker.stop()
        finally:
            intake_done.set()

    reader = threading.Thread(target=read_all, name="replay-intake", daemon=True)
    reader.start()
    try:
        exit_ = worker.run(until_empty=True, intake_done=intake_done)
    except KeyboardInterrupt:
        worker.stop()
        reader.join()
        return ReplayOutcome(tally, None, interrupted=True)
    reader.join()
    if failure:
        raise failure[0]
    if exit_.reason != "stopped" and tally.awaiting_outcomes:
        _count_settled_elsewhere(queue, instance.id, tally)
    return ReplayOutcome(tally, exit_, interrupted=exit_.reason == "stopped")


def _count_settled_elsewhere(queue: JobQueue, instance_id: str, tally: RunTally) -> None:
    """Outcomes this run's worker never saw because another run's worker settled those jobs."""
    finished = (JobState.DELIVERED, JobState.FILTERED, JobState.INVALID, JobState.DEAD)
    tally.add_settled_elsewhere(queue.dead_letters(DeadLetterSelection(instance_id=instance_id, states=finished)))


def _until(items: Iterable[EventRecord | BadLine], worker: DeliveryWorker) -> Iterable[EventRecord | BadLine]:
    """The items, until the worker is stopped (Ctrl+C, SIGTERM): then reading stops too."""
    for item in items:
        if worker.stopping:
            return
        yield item
