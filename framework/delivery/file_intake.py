"""Events read from files, turned into jobs for one instance and enqueued in batches: ``enqueue`` and ``replay``.

Each event goes through the instance's ``JobProducer`` (triggers evaluated at intake), so what no
subscription wants never enters the queue and a malformed event is refused with its file:line. An
event larger than Segment's 32 KB limit is refused the same way. Jobs are enqueued a batch at a time,
in one transaction and in event order (a job's id is its place in its user's lane, whatever its
subscription); each subscription's duplicates (a re-run's "done before") are counted exactly.

``fresh`` gives this run's jobs their own identity (the messageId plus a run mark), so events an
earlier run delivered are delivered again instead of being skipped as duplicates.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from framework.delivery.jobs import NewJob
from framework.delivery.producer import JobProducer
from framework.delivery.queue_port import JobQueue
from framework.delivery.run_tally import RunTally
from framework.events import BadLine, EventRecord

if TYPE_CHECKING:
    from framework.instance import DestinationInstance

__all__ = ["FileIntake", "MAX_EVENT_BYTES", "IntakeListener"]

MAX_EVENT_BYTES = 32 * 1024  # Segment's tracking API refuses larger events
_BATCH = 2000

IntakeListener = Callable[[str, dict[str, object]], None]  # (kind, fields): for --report lines


class FileIntake:
    """Feeds events to the queue for one instance and counts every one of them in ``tally``."""

    def __init__(
        self,
        queue: JobQueue,
        instance: DestinationInstance,
        tally: RunTally,
        *,
        fresh: bool = False,
        listener: IntakeListener | None = None,
        batch: int = _BATCH,
    ) -> None:
        self.queue = queue
        self.tally = tally
        run_mark = f"#fresh-{time.strftime('%Y%m%dT%H%M%S')}-{int(time.time() * 1000) % 1000:03d}" if fresh else ""
        # The producer adds the run mark and the encoded event (once per event, for the size check and
        # storage) as it builds each job, so no job is built twice.
        self._producer = JobProducer(instance, run_mark=run_mark, encode=True)
        self._listener = listener
        self._batch_size = batch
        self._pending: list[NewJob] = []
        self.added = 0  # jobs new to the queue (the rest of the enqueued ones were there already)

    def read(self, items: Iterable[EventRecord | BadLine], on_event: Callable[[], None] | None = None) -> None:
        """Take every item; bad lines and refused events are counted, never fatal."""
        for item in items:
            if isinstance(item, BadLine):
                self.tally.add_bad_line(str(item))
                self._tell("bad_line", {"path": item.path, "line": item.line, "reason": item.reason})
            else:
                self.add(item)
            if on_event is not None:
                on_event()
        self.flush()

    def add(self, record: EventRecord) -> None:
        """One event: its jobs join the pending batch; filtered and invalid subscriptions are counted."""
        self.tally.events_read += 1
        production = self._producer.produce(record.event)
        for sub in production.filtered:
            self.tally.add_intake(sub.index, sub.label, "filtered")
        for sub, why in production.invalid:
            self._refuse(sub.index, sub.label, why, record)
        if not production.jobs:
            return
        too_large = _too_large(production.jobs[0].encoded or "")
        for job in production.jobs:
            if too_large:
                self._refuse(job.subscription, job.subscription_name, too_large, record)
            elif not self.tally.first_sighting(job.subscription, job.message_id):
                self.tally.add_intake(job.subscription, job.subscription_name, "repeated", where=record.location)
            else:
                self._pending.append(job)
        if len(self._pending) >= self._batch_size:
            self.flush()

    def flush(self) -> None:
        """Enqueue the pending jobs in one transaction, in event order, durable when this returns.

        One call for every subscription: a job's id is its place in its user's lane, so a user's
        identify read after their "Email Changed" track must get the later id even though the two
        jobs are of different subscriptions (enqueued per subscription, the identify went first).
        Each subscription's "done before" is counted from the duplicates the queue found finished.
        """
        if not self._pending:
            return
        jobs, self._pending = self._pending, []
        by_subscription: dict[int, list[NewJob]] = {}
        for job in jobs:
            by_subscription.setdefault(job.subscription, []).append(job)
        with self.tally.holding():
            result = self.queue.enqueue(jobs)
            self.added += result.added
            for index, ones in by_subscription.items():
                ours = [
                    job.message_id for job in ones if (job.instance_id, index, job.message_id) not in result.finished
                ]
                self.tally.add_enqueued(index, ones[0].subscription_name, len(ones), len(ones) - len(ours), ours)

    def _refuse(self, index: int, name: str, why: str, record: EventRecord) -> None:
        self.tally.add_intake(index, name, "invalid", why, record.location)
        self._tell(
            "invalid",
            {
                "path": record.path,
                "line": record.line,
                "messageId": record.event.get("messageId") if isinstance(record.event, dict) else None,
                "subscription": name,
                "reason": why,
            },
        )

    def _tell(self, kind: str, fields: dict[str, object]) -> None:
        if self._listener is not None:
            self._listener(kind, fields)


def _too_large(encoded: str) -> str | None:
    """Why an event is refused for its size, or None (the JSON size, as Segment measures it)."""
    if len(encoded) * 4 <= MAX_EVENT_BYTES:  # UTF-8 takes at most 4 bytes a character: no need to encode
        return None
    size = len(encoded.encode())
    if size <= MAX_EVENT_BYTES:
        return None
    return (
        f"the event is {size / 1024:.1f} KB, over Segment's 32 KB limit per event; Segment's tracking API "
        "would refuse it, so it is not queued (trim its properties or traits)"
    )
