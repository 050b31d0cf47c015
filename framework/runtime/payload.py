"""The payload an action receives: validated against its fields, as Segment's ``Action.execute`` does.

Segment validates only when the action declares at least one field; an action without fields gets
every mapped key as is. The runtime and the test harness both go through here, so they agree.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from framework.definition import ActionDefinition

__all__ = ["validated_payload"]


def validated_payload(action: ActionDefinition, mapped: Any, *, batch: bool = False) -> Any:
    """The cleaned, coerced payload; raises ``PayloadValidationError`` with Segment's message.

    ``batch`` applies Segment's batch rule (top-level empty strings are kept).
    """
    if not action.fields:
        return mapped
    return action.validate_payload(mapped, batch=batch)
