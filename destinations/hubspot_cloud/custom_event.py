"""``customEvent`` ("Custom Event V2"): send a custom event, creating or extending its definition first.

Per event (:mod:`.event_schema` cleans and types the payload):

1. ``GET /events/v3/event-definitions/<name>/?includeProperties=true`` reads HubSpot's definition;
2. a full match is sent as is; missing properties are created
   (``POST …/event-definitions/<fullName>/property``, one each) unless the sync mode is ``add``; no
   definition is created (``POST …/event-definitions``) unless the sync mode is ``update``;
3. ``POST /events/v3/send`` with the event's full name, record identifiers, time and properties.

Segment keeps definitions it has seen in a per-subscription cache for an hour; here every event reads
the definition (docs/divergences.md), which is what Segment's engine does outside its cloud as well.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from framework.definition import ActionDefinition, Choice, InputField
from framework.definition.dynamic_fields import DynamicChoices
from framework.definition.sync_modes import SyncModeChoice, SyncModeDefinition
from framework.errors import HTTPError, IntegrationError, RetryableError
from framework.jsvalues import js_string

from . import crm
from .api import EVENTS, answer_of, call
from .classifier import choices_error
from .event_schema import EventSchema, SchemaDiff, clean_payload, compare, hubspot_schema, property_body, schema_of
from .properties import defined

if TYPE_CHECKING:
    import requests

    from framework.definition import ExecuteInput
    from framework.http import RequestClient

__all__ = ["action", "FIELDS", "SYNC_MODE"]

DEFINITIONS = f"{EVENTS}/event-definitions"
_RETRYABLE = {408, 423, 429, 500, *range(502, 512), 598, 599}
OBJECT_TYPES = [Choice(label="Company", value="company"), Choice(label="Contact", value="contact"),
                Choice(label="Deal", value="deal"), Choice(label="Ticket", value="ticket")]  # fmt: skip

FIELDS: dict[str, InputField] = {
    "event_name": InputField(label="Event Name", type="string", required=True, dynamic=True,
                             description="The name of the custom event in HubSpot."),
    "record_details": InputField(
        label="Associated Record Details", type="object", required=True, default_object_ui="keyvalue:only",
        additional_properties=False, description="The HubSpot record the event belongs to.",
        properties={
            "object_type": InputField(label="Object Type", type="string", required=True, allow_null=False,
                                      description="The type of the record: contact, company, deal, ticket or a "
                                                  "custom object's full name."),
            "object_id": InputField(label="Object ID", type="number",
                                    description="The record's numeric HubSpot id (any object type)."),
            "email": InputField(label="Email Address", type="string", format="email",
                                default={"@if": {"exists": {"@path": "$.properties.email"},
                                                 "then": {"@path": "$.properties.email"},
                                                 "else": {"@path": "$.context.traits.email"}}},
                                description="The contact's email (contacts only)."),
            "utk": InputField(label="User Token / UTK", type="string",
                              description="The contact's user token (contacts only)."),
        }),
    "properties": InputField(label="Properties", type="object", default_object_ui="keyvalue", dynamic=True,
                             additional_properties=True, description="The event's properties."),
    "occurred_at": InputField(label="Event Timestamp", type="datetime", default={"@path": "$.timestamp"},
                              description="When the event happened."),
}  # fmt: skip

SYNC_MODE = SyncModeDefinition(
    label="Sync Mode",
    description="Whether Segment may create event definitions in HubSpot, add properties to them, or both.",
    default="update",
    choices=[
        SyncModeChoice(label="Create new and update existing custom event definitions", value="upsert"),
        SyncModeChoice(label="Create new, but do not update existing custom event definitions", value="add"),
        SyncModeChoice(label="Update existing, but do not create new custom event definitions", value="update"),
    ],
)


def _unexpected(step: str, response: requests.Response, detail: str = "") -> IntegrationError:
    said = response.reason or "Unexpected Error"
    return IntegrationError(f"Hubspot.CustomEvent.{step}: {said}{detail}", "UNEXPECTED_ERROR", response.status_code)


def _read_definition(request: RequestClient, schema: EventSchema) -> EventSchema | None:
    response = request.request(f"{DEFINITIONS}/{schema.name}/?includeProperties=true", "GET", throw_http_errors=False)
    status = response.status_code
    if status == 200:
        return hubspot_schema(schema, answer_of(response))
    if status in (400, 404):
        return None
    if status in _RETRYABLE:
        raise RetryableError("Hubspot:CustomEvent:getSchemaFromHubspot: Retryable error", status)
    raise _unexpected("getSchemaFromHubspot", response)


def _create_definition(request: RequestClient, schema: EventSchema) -> Any:
    body = {"label": schema.name, "name": schema.name, "description": f"{schema.name} - (created by Segment)",
            "primaryObject": schema.primary_object,
            "propertyDefinitions": [property_body(schema.name, name, kind, string_format)
                                    for name, (kind, string_format) in schema.properties.items()]}  # fmt: skip
    response = request.request(DEFINITIONS, "POST", json=body, throw_http_errors=False)
    status = response.status_code
    if status in (200, 201):
        return answer_of(response).get("fullyQualifiedName")
    if status == 409 and "already exists" in str(answer_of(response).get("message") or ""):
        raise RetryableError("Hubspot:CustomEvent:createHubspotEventSchema: Event schema already exists", 429)
    if status in _RETRYABLE:
        raise RetryableError("Hubspot:CustomEvent:createHubspotEventSchema: Rate limit reached")
    raise _unexpected("createHubspotEventSchema", response)


def _add_properties(request: RequestClient, full_name: str, diff: SchemaDiff) -> None:
    """Create every missing property; like Segment, only the first answer decides."""
    answers = [request.request(f"{DEFINITIONS}/{full_name}/property", "POST", throw_http_errors=False,
                               json=property_body(full_name, name, kind, string_format))
               for name, (kind, string_format) in diff.missing.items()]  # fmt: skip
    for response in answers[:1]:
        status, message = response.status_code, str(answer_of(response).get("message") or "")
        if status in (200, 201) or (status == 409 and "already exists" in message):
            return
        if status in _RETRYABLE:
            raise RetryableError("Hubspot:CustomEvent:updateHubspotSchema: Retryable response status received", status)
        raise _unexpected("updateHubspotSchema", response, f". {message}")


def _send(request: RequestClient, full_name: Any, cleaned: dict[str, Any], numeric_strings: list[str]) -> Any:
    properties = dict(cleaned["properties"])
    for name in numeric_strings:
        if name in properties:
            properties[name] = js_string(properties[name])
    record = cleaned["record_details"]
    body = {"eventName": full_name, "objectId": record.get("object_id"), "email": record.get("email"),
            "utk": record.get("utk"), "occurredAt": cleaned.get("occurred_at"), "properties": properties}  # fmt: skip
    return call(request, "POST", f"{EVENTS}/send", defined({k: v for k, v in body.items() if v is not None}))


def perform(request: RequestClient, data: ExecuteInput) -> Any:
    """Make sure HubSpot has the event's definition (as the sync mode allows), then send the event."""
    cleaned = clean_payload(data.payload)
    schema = schema_of(cleaned)
    theirs = _read_definition(request, schema)
    diff = compare(schema, theirs)
    if diff.match == "full_match" and theirs is not None:
        return _send(request, theirs.fully_qualified_name, cleaned, diff.numeric_strings)
    if diff.match == "properties_missing" and theirs is not None:
        if data.sync_mode == "add":
            raise IntegrationError("The 'Sync Mode' setting is set to 'add' which is stopping Segment from creating "
                                   "a new properties on the Event Schema in the HubSpot",
                                   "HUBSPOT_SCHEMA_PROPERTIES_MISSING", 400)  # fmt: skip
        _add_properties(request, str(theirs.fully_qualified_name), diff)
        return _send(request, theirs.fully_qualified_name, cleaned, diff.numeric_strings)
    if data.sync_mode == "update":
        raise IntegrationError("The 'Sync Mode' setting is set to 'update' which is stopping Segment from creating "
                               "a new Custom Event Schema in the HubSpot", "HUBSPOT_SCHEMA_MISSING", 400)  # fmt: skip
    return _send(request, _create_definition(request, schema), cleaned, diff.numeric_strings)


def event_name_choices(request: RequestClient, data: ExecuteInput) -> DynamicChoices:
    """The account's live custom events, by label."""
    try:
        found = answer_of(request.request(f"{DEFINITIONS}/?includeProperties=false", "GET")).get("results") or []
    except HTTPError as error:
        return choices_error(error)
    choices = [Choice(label=(event.get("labels") or {}).get("singular") or (event.get("labels") or {}).get("plural"),
                      value=event["fullyQualifiedName"]) for event in found
               if not event.get("archived") and ((event.get("labels") or {}).get("singular")
                                                 or (event.get("labels") or {}).get("plural"))]  # fmt: skip
    return DynamicChoices(choices=sorted(choices, key=lambda choice: choice.label.lower()))


def object_type_choices(request: RequestClient, data: ExecuteInput) -> DynamicChoices:
    """HubSpot's standard object types and the account's custom objects, for ``record_details.object_type``."""
    try:
        custom = crm.custom_object_choices(request)
    except HTTPError as error:
        return choices_error(error)
    return DynamicChoices(choices=sorted(custom + OBJECT_TYPES, key=lambda choice: choice.label.lower()))


action = ActionDefinition(
    title="Custom Event V2",
    description="Send Custom Events to HubSpot",
    fields=FIELDS,
    perform=perform,
    sync_mode=SYNC_MODE,
    dynamic_fields={"event_name": event_name_choices, "record_details": object_type_choices},
)
