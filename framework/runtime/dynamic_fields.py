"""Fetching a dynamic field's choices for an instance: the logic behind ``actions fields``.

The field's function (``ActionDefinition.dynamic_fields``) runs with the instance's settings and
credentials on a request client built as for ``perform`` (``extend_request``, emulator endpoint,
redaction), so the choices come from the same account the instance delivers to. A function that
raises becomes a ``DynamicChoices`` with that error, as Segment shows it in its UI, never a traceback.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import requests

from framework.definition.dynamic_fields import DynamicChoices
from framework.definition.inputs import ExecuteInput
from framework.http import redact_text
from framework.runtime.client import build_request_client, secrets_of

if TYPE_CHECKING:
    from framework.definition import ActionDefinition, DestinationDefinition

__all__ = ["fetch_choices", "dynamic_field_of"]


def dynamic_field_of(definition: DestinationDefinition, action_key: str, field_key: str) -> Any:
    """The action's function for this field, or a LookupError naming the fields that have one."""
    action: ActionDefinition = definition.action(action_key)
    function = action.dynamic_fields.get(field_key)
    if function is None:
        known = ", ".join(action.dynamic_fields) or "none"
        raise LookupError(
            f"{definition.name}: action {action_key!r} has no dynamic field {field_key!r} (dynamic fields: {known})."
        )
    return function


def fetch_choices(
    definition: DestinationDefinition,
    action_key: str,
    field_key: str,
    *,
    settings: dict[str, Any],
    auth: Any,
    session: requests.Session,
    payload: Mapping[str, Any] | None = None,
    page: str | None = None,
    endpoint: str | None = None,
) -> tuple[DynamicChoices, tuple[Any, ...]]:
    """The field's choices (or the error its function met) and the exchanges made to get them.

    ``payload`` is what the mapping holds so far (a property list may depend on the chosen object type).
    """
    function = dynamic_field_of(definition, action_key, field_key)
    data = ExecuteInput(payload=dict(payload or {}), settings=dict(settings), auth=auth, page=page)
    client = build_request_client(definition, session, data, endpoint)
    try:
        answer = function(client, data)
    except Exception as error:  # the UI shows the error; the secrets never
        message = redact_text(str(error) or type(error).__name__, secrets_of(definition, settings, auth))
        answer = DynamicChoices(error=message)
    if not isinstance(answer, DynamicChoices):
        answer = DynamicChoices(
            error=f"the dynamic field {field_key!r} returned {type(answer).__name__}, not DynamicChoices"
        )
    return answer, tuple(getattr(client, "exchanges", ()))
