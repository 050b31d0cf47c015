"""``upsertObject``'s dynamic fields, per property of its object fields as Segment declares them.

``object_details.{object_type,id_field_name,property_group}``, ``properties.__keys__`` (and the
sensitive ones), and per item of ``associations`` / ``dissociations`` (``associations.[N].…``, the
array index in ``data.dynamic_field_context``): the object type, the association label from the
record's type to the item's, and the item's id field. The list name is not offered (list membership
is not ported).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from framework.definition import Choice
from framework.definition.dynamic_fields import DynamicChoices
from framework.errors import HTTPError

from . import crm
from .api import BASE_URL, CRM, answer_of
from .classifier import choices_error

if TYPE_CHECKING:
    from framework.definition import ExecuteInput
    from framework.http import RequestClient

__all__ = ["DYNAMIC_FIELDS", "OBJECT_TYPES"]

OBJECT_TYPES = [Choice(label="Contact", value="contact"), Choice(label="Company", value="company"),
                Choice(label="Deal", value="deal"), Choice(label="Ticket", value="ticket"),
                Choice(label="Line Item", value="line_item"), Choice(label="Subscription", value="subscription"),
                Choice(label="Product", value="product"), Choice(label="Appointment", value="0-421"),
                Choice(label="Order", value="order"), Choice(label="Quote", value="quote")]  # fmt: skip


def _results(request: RequestClient, url: str, fallback: str) -> list[dict[str, Any]] | DynamicChoices:
    """The ``results`` HubSpot lists at ``url``, or its refusal as the choices' error."""
    try:
        return answer_of(request.request(url, "GET")).get("results") or []
    except HTTPError as error:
        return choices_error(error, fallback)


def object_type_choices(request: RequestClient, data: ExecuteInput) -> DynamicChoices:
    """The account's custom objects (sorted by label), then HubSpot's standard objects."""
    try:
        custom = crm.custom_object_choices(request)
    except HTTPError as error:
        return choices_error(error, "Unknown error: dynamicReadObjectTypes")
    return DynamicChoices(choices=sorted(custom, key=lambda choice: choice.label) + OBJECT_TYPES)


def _property_choices(request: RequestClient, data: ExecuteInput, sensitive: bool) -> DynamicChoices:
    object_type = ((data.payload or {}).get("object_details") or {}).get("object_type")
    if not object_type:
        return DynamicChoices(error="Select a value from the 'Object Type' field")
    query = "?dataSensitivity=sensitive" if sensitive else ""
    found = _results(request, f"{CRM}/properties/{object_type}{query}", "Unknown error: dynamicReadProperties")
    if isinstance(found, DynamicChoices):
        return found
    writable = [Choice(label=f"{item.get('label')} - {item.get('type')}", value=item.get("name")) for item in found
                if not item.get("hasUniqueValue") and (item.get("modificationMetadata") or {}).get("readOnlyValue") is False]  # fmt: skip
    return DynamicChoices(choices=sorted(writable, key=lambda choice: choice.label.lower()))


def property_choices(request: RequestClient, data: ExecuteInput) -> DynamicChoices:
    """The object type's writable, non-unique properties (``label - type``)."""
    return _property_choices(request, data, False)


def sensitive_property_choices(request: RequestClient, data: ExecuteInput) -> DynamicChoices:
    """The object type's writable, non-unique sensitive properties."""
    return _property_choices(request, data, True)


def _id_field_choices(request: RequestClient, object_type: Any) -> DynamicChoices:
    """The record id, ``email`` for contacts, then the type's unique properties (by label) but HubSpot's own key."""
    if not object_type:
        return DynamicChoices(error="Select a value from the 'Object Type' field")
    found = _results(request, f"{CRM}/properties/{object_type}", "Unknown error: dynamicReadIdFields")
    if isinstance(found, DynamicChoices):
        return found
    unique = [Choice(label=str(item.get("label")), value=item.get("name")) for item in found
              if item.get("hasUniqueValue") and item.get("name") != "hs_unique_creation_key"]  # fmt: skip
    email = [Choice(label="email", value="email")] if object_type in ("contact", "contacts") else []
    return DynamicChoices(choices=[RECORD_ID, *email, *sorted(unique, key=lambda choice: choice.label.lower())])


def id_field_choices(request: RequestClient, data: ExecuteInput) -> DynamicChoices:
    """``object_details.id_field_name``: the unique properties of the record's object type."""
    return _id_field_choices(request, ((data.payload or {}).get("object_details") or {}).get("object_type"))


def _link_id_field_choices(links_key: str) -> Any:
    """``<links>.[N].id_field_name``: the unique properties of item N's object type."""

    def choices(request: RequestClient, data: ExecuteInput) -> DynamicChoices:
        link = _link_of(data, links_key)
        return link if isinstance(link, DynamicChoices) else _id_field_choices(request, link["object_type"])

    return choices


def property_group_choices(request: RequestClient, data: ExecuteInput) -> DynamicChoices:
    """``object_details.property_group``: the object type's groups that are not archived, by label."""
    object_type = ((data.payload or {}).get("object_details") or {}).get("object_type")
    if not object_type:
        return DynamicChoices(error="Select a value from the 'Object Type' field")
    found = _results(request, f"{CRM}/properties/{object_type}/groups", "Unknown error: dynamicReadPropertyGroups")
    if isinstance(found, DynamicChoices):
        return found
    groups = [
        Choice(label=str(item.get("label")), value=item.get("name")) for item in found if not item.get("archived")
    ]
    return DynamicChoices(choices=sorted(groups, key=lambda choice: choice.label.lower()))


def _link_of(data: ExecuteInput, links_key: str) -> dict[str, Any] | DynamicChoices:
    """Item N of the links field, N being the array index asked for; a DynamicChoices error without one."""
    context = data.dynamic_field_context
    if context is None or context.selected_array_index is None:
        return DynamicChoices(error="Selected array index is missing")
    links = (data.payload or {}).get(links_key) or []
    index = context.selected_array_index
    link = links[index] if index < len(links) and isinstance(links[index], dict) else {}
    if not link.get("object_type"):
        return DynamicChoices(error="Select a value from the 'To Object Type' field")
    return link


def _association_labels(request: RequestClient, from_type: Any, to_type: Any) -> DynamicChoices:
    """The association types between the two object types, ``category:typeId``, by label."""
    found = _results(
        request,
        f"{BASE_URL}/crm/v4/associations/{from_type}/{to_type}/labels",
        "Unknown error: dynamicReadAssociationLabels",
    )
    if isinstance(found, DynamicChoices):
        return found
    labels = [Choice(label=f"{from_type} to {to_type} {item['label']}" if item.get("label")
                     else f"{from_type} to {to_type} (Default label: typeId {item.get('typeId')})",
                     value=f"{item.get('category')}:{item.get('typeId')}") for item in found]  # fmt: skip
    return DynamicChoices(choices=sorted(labels, key=lambda choice: choice.label.lower()))


def _link_label_choices(links_key: str) -> Any:
    """``<links>.[N].association_label``: the labels from the record's object type to item N's."""

    def choices(request: RequestClient, data: ExecuteInput) -> DynamicChoices:
        link = _link_of(data, links_key)
        if isinstance(link, DynamicChoices):
            return link
        from_type = ((data.payload or {}).get("object_details") or {}).get("object_type")
        if not from_type:
            return DynamicChoices(error="Select a value from the from 'Object Type' field")
        return _association_labels(request, from_type, link["object_type"])

    return choices


RECORD_ID = Choice(label="Hubspot Record ID (updates only)", value="hs_object_id")


def _links_choices(links_key: str) -> dict[str, Any]:
    return {"object_type": object_type_choices, "association_label": _link_label_choices(links_key),
            "id_field_name": _link_id_field_choices(links_key)}  # fmt: skip


# As Segment's: per property of the object fields. The list name choices are not offered (faq.md).
DYNAMIC_FIELDS: dict[str, Any] = {
    "object_details": {"object_type": object_type_choices, "id_field_name": id_field_choices,
                       "property_group": property_group_choices},
    "properties": {"__keys__": property_choices},
    "sensitive_properties": {"__keys__": sensitive_property_choices},
    "associations": _links_choices("associations"),
    "dissociations": _links_choices("dissociations"),
}  # fmt: skip
