"""What a destination's callables receive: ``ExecuteInput`` for perform, ``RefreshInput`` for refresh.

Plain dataclasses (built by the runtime for every call, never loaded from user data), named after
Segment's execute bundle: ``perform(request, data)`` reads ``data.payload``, ``data.settings``,
``data.auth`` and, rarely, the raw event and mapping.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from framework.audiences import resolve_audience_membership
from framework.definition.sync_modes import chosen_sync_mode
from framework.errors import PayloadValidationError

if TYPE_CHECKING:
    from framework.auth import OAuthTokens
    from framework.definition.actions import ActionDefinition
    from framework.definition.dynamic_fields import DynamicFieldContext

__all__ = ["ExecuteInput", "RefreshInput", "execute_input_for", "hook_outputs_of"]


@dataclass
class ExecuteInput:
    """One execution of an action: the validated payload (a list of them in ``perform_batch``)."""

    payload: Any
    settings: dict[str, Any] = field(default_factory=dict)
    auth: OAuthTokens | None = None
    raw_data: Any = None
    raw_mapping: dict[str, Any] | None = None
    # Segment's audienceMembership (framework.audiences): True add, False remove, None neither; in
    # perform_batch a list aligned with the payloads.
    audience_membership: bool | None | list[bool | None] = None
    # The mode the mapping chose (framework.definition.sync_modes), None for an action without modes.
    sync_mode: str | None = None
    # Per hook type, what the mapping saved for it: ``{"inputs": {...}, "outputs": {...}}``.
    hook_outputs: dict[str, Any] = field(default_factory=dict)
    # A hook's inputs (perform_hook only) and the page token a dynamic field asks for (dynamic fields only).
    hook_inputs: dict[str, Any] = field(default_factory=dict)
    page: str | None = None
    # Which array item or key a per-property dynamic field is asked for (dynamic fields only).
    dynamic_field_context: DynamicFieldContext | None = None


@dataclass
class RefreshInput:
    """What ``refresh_access_token`` gets: the destination settings and the stale tokens."""

    settings: dict[str, Any]
    auth: OAuthTokens


def hook_outputs_of(action: ActionDefinition, mapping: Mapping[str, Any]) -> dict[str, Any]:
    """What the mapping saved for each of the action's hooks (Segment: ``mapping[hookType]``)."""
    return {key: mapping[key] for key in action.hooks if mapping.get(key)}


def execute_input_for(
    action: ActionDefinition,
    *,
    payload: Any,
    settings: dict[str, Any],
    auth: OAuthTokens | None,
    raw_data: Any,
    mapping: Mapping[str, Any],
) -> ExecuteInput:
    """The ``ExecuteInput`` one perform gets: the mapping's sync mode and hook outputs read as Segment does.

    The runtime, the batch path and the harness all build it here, so they agree. The mapping's mode
    was checked when the subscription was prepared; a refused one reaches here only from the harness,
    which raises the same message.
    """
    sync_mode, refused = chosen_sync_mode(action.sync_mode, mapping) if action.sync_mode else (None, None)
    if refused is not None:
        raise PayloadValidationError(refused)
    return ExecuteInput(
        payload=payload,
        settings=settings,
        auth=auth,
        raw_data=raw_data,
        raw_mapping=dict(mapping),
        sync_mode=sync_mode,
        hook_outputs=hook_outputs_of(action, mapping) if action.hooks else {},
        audience_membership=(
            [resolve_audience_membership(event, sync_mode) for event in raw_data]
            if isinstance(raw_data, list)
            else resolve_audience_membership(raw_data, sync_mode)
        ),
    )
