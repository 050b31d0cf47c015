"""Fetching a dynamic field's choices for an instance: the logic behind ``actions fields``.

The field's function (``ActionDefinition.dynamic_fields``) runs with the instance's settings and
credentials on a request client built as for ``perform`` (``extend_request``, emulator endpoint,
redaction), so the choices come from the same account the instance delivers to. A function that
raises becomes a ``DynamicChoices`` with that error, as Segment shows it in its UI, never a traceback.
An object field's per-property functions are asked for by path (``record_details.object_type``,
``associations.[0].id_field_name``), as Segment's ``executeDynamicField`` takes them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import requests

from framework.definition.dynamic_fields import VALUES, DynamicChoices, DynamicFieldContext
from framework.definition.inputs import ExecuteInput
from framework.http import redact_text
from framework.runtime.client import build_request_client, secrets_of

if TYPE_CHECKING:
    from framework.definition import ActionDefinition, DestinationDefinition

__all__ = ["fetch_choices", "dynamic_field_of"]


_ARRAY_ITEM = re.compile(r"^(?P<field>.*)\.\[(?P<index>\d+)\]\.(?P<property>.*)$")


def dynamic_field_of(
    definition: DestinationDefinition, action_key: str, path: str
) -> tuple[Any, DynamicFieldContext | None]:
    """The function for ``FIELD``, ``FIELD.PROPERTY``, ``FIELD.[N].PROPERTY`` or ``FIELD.KEY``, and its context.

    As Segment's ``extractFieldContextAndHandler``: an array index becomes ``selected_array_index``;
    a property the field's functions do not name goes to its ``__values__`` with ``selected_key``.
    A LookupError names what the action does offer.
    """
    action: ActionDefinition = definition.action(action_key)
    where = f"{definition.name}: action {action_key!r}"
    item = _ARRAY_ITEM.match(path)
    if item:
        field_key, index, name = item["field"], int(item["index"]), item["property"]
    else:
        field_key, _, name = path.partition(".")
        index = None
    entry = action.dynamic_fields.get(field_key)
    if entry is None:
        raise LookupError(f"{where} has no dynamic field {field_key!r} (dynamic fields: {_offered(action)}).")
    if not name:
        if isinstance(entry, dict):
            raise LookupError(
                f"{where}: field {field_key!r} has choices per property: ask for one of {_offered(action, field_key)}."
            )
        return entry, None
    if not isinstance(entry, dict):
        raise LookupError(
            f"{where}: field {field_key!r} has choices for the whole field, not per property: ask for {field_key!r}."
        )
    if name in entry:
        return entry[name], None if index is None else DynamicFieldContext(selected_array_index=index)
    if index is None and VALUES in entry:
        return entry[VALUES], DynamicFieldContext(selected_key=name)
    raise LookupError(
        f"{where}: field {field_key!r} has no dynamic property {name!r} (dynamic: {_offered(action, field_key)})."
    )


def _offered(action: ActionDefinition, field_key: str | None = None) -> str:
    """The paths ``actions fields`` takes: every field's, or one object field's per-property ones."""
    paths = []
    for key, entry in action.dynamic_fields.items():
        if field_key is None or key == field_key:
            paths += [f"{key}.{name}" for name in entry] if isinstance(entry, dict) else [key]
    return ", ".join(paths) or "none"


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

    ``field_key`` is a path as ``dynamic_field_of`` reads it; ``payload`` is what the mapping holds so
    far (a property list may depend on the chosen object type).
    """
    function, context = dynamic_field_of(definition, action_key, field_key)
    data = ExecuteInput(
        payload=dict(payload or {}), settings=dict(settings), auth=auth, page=page, dynamic_field_context=context
    )
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
