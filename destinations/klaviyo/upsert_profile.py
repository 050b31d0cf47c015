"""``upsertProfile`` ("Upsert Profile"): create the profile, or update the one with the same identifiers.

POST ``/profiles/``; on 409 (Klaviyo names the existing profile in ``errors[0].meta.duplicate_profile_id``)
PATCH ``/profiles/<id>`` with the same attributes. When a list is given (the mapping's ``list_id``,
an event's ``integrations.Klaviyo.listId``, or the list the ``retlOnMappingSave`` hook saved, which
wins), the profile is then added to it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from framework.definition import ActionDefinition, InputField
from framework.definition.hooks import ActionHook
from framework.errors import HTTPError

from .api import API_URL, add_to_list, connect_list, duplicate_profile_id, list_choices, send
from .bulk import upsert_batch
from .classifier import error_for_http_error
from .fields import batching_fields, identifier_fields, profile_fields
from .identifiers import checked_phone_number, require_identifier

if TYPE_CHECKING:
    import requests

    from framework.definition import ExecuteInput
    from framework.http import RequestClient

__all__ = ["action", "FIELDS", "NOT_ATTRIBUTES"]

# Payload keys that steer the action and are never profile attributes.
NOT_ATTRIBUTES = ("email", "external_id", "phone_number", "enable_batching", "batch_size", "list_id",
                  "override_list_id", "country_code", "batch_keys")  # fmt: skip

FIELDS: dict[str, InputField] = {
    **identifier_fields(email_path="$.traits.email"),
    **profile_fields("traits"),
    "list_id": InputField(label="List", type="string", dynamic=True, description="A Klaviyo list to add the profile to."),
    "override_list_id": InputField(label="List ID Override", type="string", unsafe_hidden=True,
                                   default={"@path": "$.integrations.Klaviyo.listId"},
                                   description="A list named by the event itself, over the mapping's list."),
    **batching_fields(10000, 10000, ["list_id", "override_list_id"], enabled=None),
}  # fmt: skip


CONNECT_LIST = ActionHook(
    label="Connect to a static list in Klaviyo",
    description="On saving the mapping, connect to an existing Klaviyo list or create one; profiles join it.",
    input_fields={
        "list_identifier": InputField(label="Existing List ID", type="string", dynamic=True,
                                      description="The id of an existing list; when set, no list is created."),
        "list_name": InputField(label="Name of list to create", type="string",
                                description="The name of the list to create in Klaviyo."),
    },
    output_types={
        "id": InputField(label="ID", type="string", description="The id of the Klaviyo list profiles join."),
        "name": InputField(label="List Name", type="string", description="The name of that list."),
    },
    perform_hook=connect_list,
)  # fmt: skip


def perform(request: RequestClient, data: ExecuteInput) -> requests.Response:
    """Create or update the profile, then join it to the list if one is given."""
    payload: dict[str, Any] = data.payload
    phone_number = checked_phone_number(payload.get("phone_number"), payload.get("country_code"))
    require_identifier(payload.get("email"), payload.get("external_id"), phone_number)
    saved_list = (data.hook_outputs.get("retlOnMappingSave") or {}).get("outputs") or {}
    list_id = saved_list.get("id") or payload.get("override_list_id") or payload.get("list_id")
    attributes = {
        "email": payload.get("email"),
        "external_id": payload.get("external_id"),
        "phone_number": phone_number,
    }
    attributes = {key: value for key, value in attributes.items() if value is not None}
    attributes.update({key: value for key, value in payload.items() if key not in NOT_ATTRIBUTES})
    body: dict[str, Any] = {"data": {"type": "profile", "attributes": attributes}}
    try:
        response = request.request(f"{API_URL}/profiles/", "POST", json=body)
        profile_id = str(response.json()["data"]["id"]) if list_id else ""
    except HTTPError as error:
        profile_id = duplicate_profile_id(error) or ""
        if not profile_id:
            raise error_for_http_error(error) from error
        body["data"]["id"] = profile_id
        response = send(request, f"profiles/{profile_id}", "PATCH", body)
    if list_id:
        add_to_list(request, profile_id, str(list_id))
    return response


action = ActionDefinition(
    title="Upsert Profile",
    description="Create or update a Klaviyo profile, optionally adding it to a list.",
    default_subscription='type = "identify"',
    fields=FIELDS,
    perform=perform,
    perform_batch=upsert_batch,
    dynamic_fields={"list_id": list_choices},
    hooks={"retlOnMappingSave": CONNECT_LIST},
)
