"""The ``pageView`` action ("Page View"): a ``PageView`` event for each page a user lands on."""

from __future__ import annotations

from typing import TYPE_CHECKING

from framework.definition import ActionDefinition, InputField
from framework.errors import IntegrationError

from .events import require_user_agent_for_website, send_event, server_event
from .fields import common_fields, tail_fields

if TYPE_CHECKING:
    import requests

    from framework.definition import ExecuteInput
    from framework.http import RequestClient

__all__ = ["action"]


def _fields() -> dict[str, InputField]:
    return {**common_fields(), **tail_fields()}


def perform(request: RequestClient, data: ExecuteInput) -> requests.Response:
    payload = data.payload
    require_user_agent_for_website(payload, IntegrationError)
    return send_event(request, data, server_event("PageView", payload))


action = ActionDefinition(
    title="Page View",
    description="Send a page view event when a user lands on a page.",
    default_subscription='type = "page"',
    fields=_fields(),
    perform=perform,
)
