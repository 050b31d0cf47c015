"""The event tester: what an event would do for an instance, and the exact request it would send.

The verdicts and field sources are ``DestinationInstance.explain`` (what ``actions explain``
prints); the requests come from running the event through a second copy of the instance whose
transport answers every call in-process (``replay --dry-run``'s), so nothing leaves the machine.
Sending for real enqueues the event, as the intake would; a worker then delivers it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

__all__ = ["EventInputError", "TesterReport", "parse_event_text", "test_event"]


class EventInputError(ValueError):
    """A pasted event that is not a JSON object; the message says where (line and column) and why."""


@dataclass(frozen=True)
class TesterReport:
    """One event against one instance: each subscription's explanation and the requests it would make."""

    explanations: list[Any]
    requests: dict[int, list[dict[str, Any]]] = field(default_factory=dict)  # subscription index -> exchanges
    problems: dict[int, str] = field(default_factory=dict)  # subscription index -> validation problem


def parse_event_text(text: str, where: str = "event") -> dict[str, Any]:
    """The pasted event, or an ``EventInputError`` located as the CLI locates a bad event line."""
    try:
        event = json.loads(text)
    except json.JSONDecodeError as error:
        raise EventInputError(f"{where}: line {error.lineno} column {error.colno}: not JSON ({error.msg})") from None
    if not isinstance(event, dict):
        raise EventInputError(f"{where}: line 1: an event is a JSON object, not {type(event).__name__}")
    return event


def test_event(instance: Any, dry_instance: Any, event: dict[str, Any]) -> TesterReport:
    """Explain ``event`` with ``instance`` and run it through ``dry_instance`` to capture the requests."""
    report = TesterReport(list(instance.explain(event)))
    if dry_instance is None:
        return report
    for result in dry_instance.send(event):
        report.requests[result.index] = [exchange.to_dict() for exchange in result.exchanges]
        if result.status.value == "invalid":
            report.problems[result.index] = result.reason
    return report
