"""``sendCustomBehavioralEvent`` ("Send Custom Behavioral Event"): one occurrence of a HubSpot event.

``POST /events/v3/send`` with the event's internal name (``pe<HubID>_name``: spaces and dots become
``_``, lower case), its time, the contact's email, user token or object id (one is needed) and the
flattened properties. The name's choices come from HubSpot (``GET /events/v3/event-definitions``).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from framework.definition import ActionDefinition, Choice, InputField
from framework.definition.dynamic_fields import DynamicChoices
from framework.errors import HTTPError, PayloadValidationError

from .api import EVENTS, answer_of, call
from .classifier import hubspot_message
from .properties import defined, event_name_for_hubspot, flatten_properties, present

if TYPE_CHECKING:
    import requests

    from framework.definition import ExecuteInput
    from framework.http import RequestClient

__all__ = ["action", "FIELDS", "event_name_choices"]

FIELDS: dict[str, InputField] = {
    "eventName": InputField(label="Event Name", type="string", required=True, dynamic=True,
                            description="HubSpot's internal name of the event, with its prefix "
                                        "(pe<HubID>_event_name). The event must be defined in HubSpot."),
    "occurredAt": InputField(label="Event Timestamp", type="datetime", default={"@path": "$.timestamp"},
                             description="When the event happened; HubSpot uses the time it arrives if unset."),
    "email": InputField(label="Email Address", type="string", format="email",
                        default={"@if": {"exists": {"@path": "$.properties.email"},
                                         "then": {"@path": "$.properties.email"},
                                         "else": {"@path": "$.context.traits.email"}}},
                        description="The contact's email; one of email, user token and object id is needed."),
    "utk": InputField(label="User Token", type="string",
                      description="The contact's HubSpot user token (utk)."),
    "objectId": InputField(label="Object ID", type="string",
                           description="The id of the HubSpot contact, company or other object of the event."),
    "properties": InputField(label="Event Properties", type="object", default_object_ui="keyvalue:only",
                             description="The event's properties by internal name in HubSpot."),
}  # fmt: skip

_PREFIXED = re.compile(r"^pe\d+_")


def event_name_choices(request: RequestClient, data: ExecuteInput) -> DynamicChoices:
    """The account's custom behavioral events, for ``eventName`` (HubSpot's message when it refuses)."""
    try:
        found = answer_of(request.request(f"{EVENTS}/event-definitions", "GET")).get("results") or []
    except HTTPError as error:
        return DynamicChoices(error=f"HubSpot answered {error.response.status_code}: "
                                    f"{hubspot_message(error.response) or 'Unknown error'}")  # fmt: skip
    return DynamicChoices(choices=[Choice(label=event["name"], value=event["fullyQualifiedName"]) for event in found])


def perform(request: RequestClient, data: ExecuteInput) -> requests.Response:
    """Check the name's prefix and the identifiers, then send the event."""
    payload: dict[str, Any] = data.payload
    name = event_name_for_hubspot(payload["eventName"])
    hub_id = data.settings.get("portalId")
    if not hub_id and not _PREFIXED.match(name):
        raise PayloadValidationError("EventName should begin with pe<hubId>_")
    if hub_id and not name.startswith(f"pe{hub_id}_"):
        raise PayloadValidationError(f"EventName should begin with pe{hub_id}_")
    if not payload.get("utk") and not payload.get("email") and not payload.get("objectId"):
        raise PayloadValidationError("One of the following parameters: email, user token, or objectId is required")
    flat = flatten_properties(payload["properties"]) if isinstance(payload.get("properties"), dict) else None
    body = {"eventName": name, "occurredAt": present(payload, "occurredAt"), "utk": present(payload, "utk"),
            "email": present(payload, "email"), "objectId": present(payload, "objectId"),
            "properties": present(payload, "properties") if flat is None else flat}  # fmt: skip
    return call(request, "POST", f"{EVENTS}/send", defined(body))


action = ActionDefinition(
    title="Send Custom Behavioral Event",
    description="Send a custom behavioral event to HubSpot.",
    default_subscription='type = "track"',
    fields=FIELDS,
    perform=perform,
    dynamic_fields={"eventName": event_name_choices},
)
