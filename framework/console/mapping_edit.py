"""Retry a dead letter with an edited mapping: preview old and new payloads, then send the new one.

The preview is ``framework.delivery.mapping_preview`` (what ``dlq retry --mapping --dry-run``
prints). Sending runs the job's event through the instance with that one subscription's mapping
replaced, now, from the console; when the destination accepts it the dead letter is purged (it is
delivered), else it stays dead with the new attempt's reason shown. The instance config on disk is
not changed: put the fixed mapping there too, or the next events fail the same way.
"""

from __future__ import annotations

import json
from typing import Any

__all__ = ["MappingInputError", "parse_mapping_text", "send_with_mapping"]


class MappingInputError(ValueError):
    """A pasted mapping that is not a JSON object or does not compile; the message says where."""


def parse_mapping_text(text: str) -> dict[str, Any]:
    """The pasted mapping, compiled once to check it, or a ``MappingInputError`` saying where it breaks."""
    from framework.mapping import compile_mapping

    try:
        mapping = json.loads(text)
    except json.JSONDecodeError as error:
        raise MappingInputError(f"mapping: line {error.lineno} column {error.colno}: not JSON ({error.msg})") from None
    if not isinstance(mapping, dict):
        raise MappingInputError(f"mapping: line 1: a mapping is a JSON object, not {type(mapping).__name__}")
    try:
        compile_mapping(mapping)
    except Exception as error:  # MappingError and friends carry their own location
        raise MappingInputError(f"mapping: {error}") from None
    return mapping


def send_with_mapping(instance: Any, job: Any, mapping: dict[str, Any]) -> Any:
    """Deliver ``job``'s event with its subscription's mapping replaced by ``mapping``; the result.

    The same path a worker takes for one job, with only the mapping swapped for this call.
    """
    return instance.run_subscription(job.subscription, job.event, mapping=mapping)
