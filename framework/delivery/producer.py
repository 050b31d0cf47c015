"""From accepted events to jobs: one job per enabled subscription of an instance whose trigger matches.

Triggers are evaluated when an event is accepted, so an event no subscription wants never enters the
queue (it is counted as filtered there and then), and a malformed event is refused as invalid before
anything is stored. Mapping and payload validation run when the job is delivered, so a mapping fixed
before delivery applies to jobs already queued (and ``dlq retry`` can re-drive them).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from framework.delivery.job_keys import message_id_of, ordering_key_of
from framework.delivery.jobs import NewJob, encode_event
from framework.runtime import event_problem

if TYPE_CHECKING:
    from framework.instance import DestinationInstance
    from framework.runtime import CompiledSubscription

__all__ = ["JobProducer", "Production"]


@dataclass
class Production:
    """What one event became for one instance: jobs to enqueue, and the subscriptions that refused it."""

    jobs: list[NewJob] = field(default_factory=list)
    filtered: list[CompiledSubscription] = field(default_factory=list)  # the trigger did not match
    invalid: list[tuple[CompiledSubscription, str]] = field(default_factory=list)  # (subscription, why)


class JobProducer:
    """Makes jobs for one instance; cheap per event (compiled triggers, keys computed once)."""

    def __init__(self, instance: DestinationInstance, *, run_mark: str = "", encode: bool = False) -> None:
        """``run_mark`` is appended to every messageId (a fresh run's own identity); ``encode`` stores the
        event's JSON in its jobs (``NewJob.encoded``), computed once per event: the file intake then
        builds each job once instead of copying it to add the two."""
        self.instance = instance
        self._run_mark = run_mark
        self._encode = encode
        self.instance_id = instance.id
        self.account_key = instance.account_key
        self._ordering = instance.delivery.ordering
        self._subscriptions = [sub for sub in instance.subscriptions if sub.enabled]

    def produce(self, event: Any) -> Production:
        """The jobs ``event`` makes (none when it is malformed or no trigger matches)."""
        production = Production()
        problem = event_problem(event)
        if problem is not None:
            production.invalid = [(sub, problem) for sub in self._subscriptions]
            return production
        message_id = message_id_of(event) + self._run_mark
        encoded: str | None = None
        ordering_key = ordering_key_of(self.instance_id, event, enabled=self._ordering)
        for sub in self._subscriptions:
            try:
                matched = sub.trigger.matches(event)
            except Exception as error:  # a trigger must not stop intake, whatever the event holds
                production.invalid.append((sub, f"the trigger could not be evaluated on this event: {error}"))
                continue
            if not matched:
                production.filtered.append(sub)
                continue
            if self._encode and encoded is None:
                encoded = encode_event(event)
            production.jobs.append(
                NewJob(
                    self.instance_id,
                    sub.index,
                    message_id,
                    event,
                    self.account_key,
                    ordering_key,
                    sub.label,
                    encoded,
                )
            )
        return production
