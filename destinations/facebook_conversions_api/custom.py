"""The ``custom`` action ("Custom Event"): any standard or custom event, named by the mapping."""

from __future__ import annotations

from typing import TYPE_CHECKING

from framework.definition import ActionDefinition, InputField

from .events import ID_FIRST, send_event, server_event
from .fields import common_fields, tail_fields

if TYPE_CHECKING:
    import requests

    from framework.definition import ExecuteInput
    from framework.http import RequestClient

__all__ = ["action"]

EVENT_NAME = InputField(label="Event Name", description="A Facebook standard event's name or your own.",
                        type="string", required=True, default={"@path": "$.event"})  # fmt: skip


def _fields() -> dict[str, InputField]:
    common, tail = common_fields(), tail_fields()
    return {"action_source": common["action_source"], "event_name": EVENT_NAME, "event_time": common["event_time"],
            "user_data": common["user_data"], "app_data_field": common["app_data_field"],
            "custom_data": tail.pop("custom_data"), **tail}  # fmt: skip


def perform(request: RequestClient, data: ExecuteInput) -> requests.Response:
    payload = data.payload
    event = server_event(payload.get("event_name"), payload, payload.get("custom_data"), ID_FIRST)
    return send_event(request, data, event)


action = ActionDefinition(title="Custom Event", description="Send a custom event.", fields=_fields(), perform=perform)
