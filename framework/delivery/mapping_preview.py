"""``actions dlq retry --mapping NEW.json --dry-run``: what a fixed mapping would send for each dead letter.

For each dead letter, the payload the new mapping builds from the stored event (validated as the
action validates it) next to the request body that failed, before anything is re-sent. Nothing is
sent and the queue is not changed.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from framework.delivery.jobs import Job

if TYPE_CHECKING:
    from framework.delivery.queue_port import JobQueue
    from framework.instance import DestinationInstance

__all__ = ["MappingPreview", "preview_mapping"]


@dataclass(frozen=True)
class MappingPreview:
    """One dead letter: the body that failed, and what the new mapping would send (or why it cannot)."""

    job: Job
    failed_body: Any
    new_payload: Any
    problem: str | None


def preview_mapping(
    queue: JobQueue, instance: DestinationInstance, jobs: list[Job], mapping: dict[str, Any]
) -> list[MappingPreview]:
    """Apply ``mapping`` to each job's event with the action of the job's subscription."""
    from framework.mapping import compile_mapping

    compiled = compile_mapping(mapping)
    previews = []
    for job in jobs:
        attempts = queue.attempts(job.id)
        failed = attempts[-1].request.get("body") if attempts and attempts[-1].request else None
        sub = next((s for s in instance.subscriptions if s.index == job.subscription), None)
        try:
            payload = compiled(job.event)
            problem = None
            if sub is not None:
                payload = sub.action.validate_payload(payload)
        except Exception as error:  # shown next to the job: the point is to see what is wrong
            payload, problem = None, f"{type(error).__name__}: {error}"
        previews.append(MappingPreview(job, _parsed(failed), payload, problem))
    return previews


def _parsed(body: Any) -> Any:
    if isinstance(body, str):
        try:
            return json.loads(body)
        except ValueError:
            return body
    return body
