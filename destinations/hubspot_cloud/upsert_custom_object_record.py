"""``upsertCustomObjectRecord`` ("Upsert Custom Object Record"): deals, tickets or custom object records.

1. ``POST /crm/v3/objects/<objectType>/search`` by the mapping's search fields (one match is
   updated; none is created unless the mapping says not to; several are refused);
2. with an association label and search fields for it, the record to associate is searched in
   ``toObjectType``; exactly one match is associated: in the create call, or by
   ``PUT /crm/v4/objects/…/associations/…`` after an update. Several matches are refused after the
   upsert, as Segment's destination does.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from framework.definition import ActionDefinition, Choice, InputField
from framework.definition.dynamic_fields import DynamicChoices
from framework.errors import HTTPError, IntegrationError

from . import crm
from .api import BASE_URL, CRM, answer_of
from .classifier import error_for_http_error, hubspot_message
from .properties import flatten_properties

if TYPE_CHECKING:
    from framework.definition import ExecuteInput
    from framework.http import RequestClient

__all__ = ["action", "FIELDS"]

OBJECT_TYPES = [Choice(label="Deals", value="deals"), Choice(label="Tickets", value="tickets")]
TO_OBJECT_TYPES = [
    *OBJECT_TYPES,
    Choice(label="Contacts", value="contacts"),
    Choice(label="Companies", value="companies"),
]
NOT_CREATED = ("There was no record found to update. If you want to create a new custom object record in such "
               "cases, enable the Create Custom Object Record if Not Found flag")  # fmt: skip

FIELDS: dict[str, InputField] = {
    "createNewCustomRecord": InputField(label="Create Custom Object Record if Not Found", type="boolean", default=True,
                                        description="Create the record when the search finds none; when off, only "
                                                    "existing records are updated."),
    "customObjectSearchFields": InputField(label="Custom Object Search Fields", type="object",
                                           default_object_ui="keyvalue:only",
                                           description="Properties (name to value) to find the record to update by."),
    "objectType": InputField(label="Object Type", type="string", required=True, dynamic=True, allow_null=False,
                             description="deals, tickets or the fullyQualifiedName of a custom object defined in "
                                         "HubSpot."),
    "properties": InputField(label="Properties", type="object", required=True, default_object_ui="keyvalue:only",
                             allow_null=False,
                             description="The record's properties by internal name, including the object's "
                                         "required ones."),
    "searchFieldsToAssociateCustomObjects": InputField(label="Search Fields to Associate custom Object", type="object",
                                                       default_object_ui="keyvalue:only",
                                                       description="Properties to find the record to associate "
                                                                   "with; none found skips the association."),
    "toObjectType": InputField(label="ObjectType to associate", type="string", dynamic=True,
                               description="The object type of the record to associate: deals, tickets, contacts, "
                                           "companies or a custom object's fullyQualifiedName."),
    "associationLabel": InputField(label="Association Label", type="string", dynamic=True,
                                   description="The association type between the two object types "
                                               "(category:typeId)."),
}  # fmt: skip


def _search_or_refuse(request: RequestClient, object_type: Any, fields: Any, refusal: IntegrationError) -> Any:
    try:
        return crm.search(request, str(object_type), fields)
    except HTTPError as error:
        if error.response.status_code == 400:
            raise refusal from error
        raise error_for_http_error(error) from error


SEARCH_REFUSED = IntegrationError("HubSpot refused the record search (400): check that Custom Object Record Search "
                                  "Fields names properties defined in HubSpot.", "Custom Search Failed", 400)  # fmt: skip
ASSOCIATE_SEARCH_REFUSED = IntegrationError(
    "HubSpot refused the search for the record to associate (400): check that Search Fields to Associate custom "
    "Object names properties defined in HubSpot.", "Custom Search To Associate Failed", 400)  # fmt: skip


def _to_associate(
    request: RequestClient, payload: dict[str, Any], kind: dict[str, Any] | None
) -> dict[str, Any] | None:
    """The search answer for the record to associate, when there is one to look for and it found any."""
    fields = payload.get("searchFieldsToAssociateCustomObjects")
    if not payload.get("toObjectType") or not kind or not isinstance(fields, dict) or not fields:
        return None
    found = _search_or_refuse(request, payload["toObjectType"], fields, ASSOCIATE_SEARCH_REFUSED)
    return found if found and found.get("total") else None


def _write(request: RequestClient, call: Any) -> Any:
    try:
        return call()
    except HTTPError as error:
        raise error_for_http_error(error) from error


def perform(request: RequestClient, data: ExecuteInput) -> Any:
    """Update the record the search finds, or create it; associate it with the record found for that."""
    payload: dict[str, Any] = data.payload
    object_type = str(payload["objectType"])
    found = _search_or_refuse(request, object_type, payload.get("customObjectSearchFields"), SEARCH_REFUSED)
    kind = crm.association_type(payload["associationLabel"]) if payload.get("associationLabel") else None
    partner = _to_associate(request, payload, kind)
    partner_id = partner["results"][0]["id"] if partner and partner.get("total") == 1 else None
    properties = flatten_properties(payload.get("properties"))
    if not found or found.get("total") == 0:
        if not payload.get("createNewCustomRecord", True):
            return NOT_CREATED
        associations = [{"to": {"id": partner_id}, "types": [kind]}] if partner_id and kind else []
        response = _write(request, lambda: crm.create(request, object_type, properties, associations))
    else:
        if (found.get("total") or 0) > 1:
            raise IntegrationError("Custom Object Record Search Fields match more than one record; none was updated.",
                                   "Search Criteria Not Unique", 400)  # fmt: skip
        record_id = str(found["results"][0]["id"])
        response = _write(request, lambda: crm.update(request, object_type, record_id, properties))
        if partner_id and kind:
            to_type = str(payload["toObjectType"])
            _write(request, lambda: crm.associate(request, object_type, record_id, to_type, str(partner_id), [kind]))
    if partner and (partner.get("total") or 0) > 1:
        raise IntegrationError("The record was written, but the search for the record to associate found more than "
                               "one: use a unique identifier to find it.", "Associate Search Criteria Not Unique", 400)  # fmt: skip
    return response


def _schemas(request: RequestClient, defaults: list[Choice], leave_out: Any) -> DynamicChoices:
    try:
        found = answer_of(request.request(f"{CRM}/schemas?archived=false", "GET")).get("results") or []
    except HTTPError as error:
        return DynamicChoices(error=f"HubSpot answered {error.response.status_code}: "
                                    f"{hubspot_message(error.response) or 'Unknown error'}")  # fmt: skip
    custom = [Choice(label=schema["labels"]["plural"], value=schema["fullyQualifiedName"]) for schema in found
              if schema.get("fullyQualifiedName") != leave_out]  # fmt: skip
    return DynamicChoices(choices=custom + defaults)


def object_type_choices(request: RequestClient, data: ExecuteInput) -> DynamicChoices:
    """The account's custom objects, then deals and tickets."""
    return _schemas(request, OBJECT_TYPES, (data.payload or {}).get("toObjectType"))


def to_object_type_choices(request: RequestClient, data: ExecuteInput) -> DynamicChoices:
    """The custom objects but the one upserted, then deals, tickets, contacts and companies."""
    return _schemas(request, TO_OBJECT_TYPES, (data.payload or {}).get("objectType"))


def association_label_choices(request: RequestClient, data: ExecuteInput) -> DynamicChoices:
    """The association types between the two object types (``category:typeId``)."""
    payload = data.payload or {}
    url = f"{BASE_URL}/crm/v4/associations/{payload.get('objectType')}/{payload.get('toObjectType')}/labels"
    try:
        found = answer_of(request.request(url, "GET")).get("results") or []
    except HTTPError as error:
        return DynamicChoices(error=f"HubSpot answered {error.response.status_code}: "
                                    f"{hubspot_message(error.response) or 'Unknown error'}")  # fmt: skip
    return DynamicChoices(choices=[Choice(label=item.get("label") or f"Unlabeled Association (Type {item.get('typeId')})",
                                          value=f"{item.get('category')}:{item.get('typeId')}") for item in found])  # fmt: skip


action = ActionDefinition(
    title="Upsert Custom Object Record",
    description="Upsert records of Deals, Tickets or other Custom Objects in HubSpot.",
    fields=FIELDS,
    perform=perform,
    dynamic_fields={"objectType": object_type_choices, "toObjectType": to_object_type_choices,
                    "associationLabel": association_label_choices},
)  # fmt: skip
