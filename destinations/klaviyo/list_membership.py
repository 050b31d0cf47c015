"""``addProfileToList`` and ``removeProfileFromList``: Engage audience membership as Klaviyo list membership.

Segment sends an audience's "entered" events to ``addProfileToList`` and its "exited" events to
``removeProfileFromList`` (the presets); the list is the audience's (``context.personas``).

* add: create the profile (or take the existing one's id from a 409), then POST it to the list.
* remove: look the person up by external id, email and phone number (one GET each), then DELETE
  every profile found from the list; none found is a payload error.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from framework.definition import ActionDefinition, InputField
from framework.errors import PayloadValidationError

from .api import add_to_list, create_profile, find_profile_ids, list_choices, remove_from_list
from .bulk import add_batch, remove_batch
from .fields import LIST_ID, batching_fields, identifier_fields, profile_fields
from .identifiers import checked_phone_number, require_identifier

if TYPE_CHECKING:
    import requests

    from framework.definition import ExecuteInput
    from framework.http import RequestClient

__all__ = ["add_action", "remove_action", "remove_profile_action"]

_STEERING = ("email", "external_id", "phone_number", "list_id", "enable_batching", "batch_size", "country_code",
             "batch_keys")  # fmt: skip

ADD_FIELDS: dict[str, InputField] = {
    **identifier_fields(), "list_id": LIST_ID, **batching_fields(10000, 10000, ["list_id"]), **profile_fields("properties"),
}  # fmt: skip
REMOVE_FIELDS: dict[str, InputField] = {
    **identifier_fields(), "list_id": LIST_ID, **batching_fields(1000, 1000, ["list_id"]),
}  # fmt: skip
# removeProfile: the same removal from a list the mapping chooses, for identify calls (traits).
_TRAIT_IDENTIFIERS = identifier_fields(email_path="$.traits.email")
REMOVE_PROFILE_FIELDS: dict[str, InputField] = {
    "email": _TRAIT_IDENTIFIERS["email"],
    "external_id": _TRAIT_IDENTIFIERS["external_id"],
    "list_id": InputField(label="List", type="string", dynamic=True, required=True,
                          description="The Klaviyo list the profile leaves."),
    **{key: field for key, field in batching_fields(1000, 1000, ["list_id"]).items() if key != "batch_keys"},
    "phone_number": _TRAIT_IDENTIFIERS["phone_number"].model_copy(update={"default": {"@path": "$.traits.phone"}}),
    "country_code": _TRAIT_IDENTIFIERS["country_code"],
    "batch_keys": batching_fields(1000, 1000, ["list_id"])["batch_keys"],
}  # fmt: skip


def add_profile(request: RequestClient, data: ExecuteInput) -> requests.Response:
    """The profile (created or found) joins the list."""
    payload: dict[str, Any] = data.payload
    phone_number = checked_phone_number(payload.get("phone_number"), payload.get("country_code"))
    require_identifier(payload.get("email"), payload.get("external_id"), phone_number)
    attributes = {
        "email": payload.get("email"),
        "external_id": payload.get("external_id"),
        "phone_number": phone_number,
    }
    attributes = {key: value for key, value in attributes.items() if value is not None}
    attributes.update({key: value for key, value in payload.items() if key not in _STEERING})
    return add_to_list(request, create_profile(request, attributes), str(payload["list_id"]))


def remove_profile(request: RequestClient, data: ExecuteInput) -> requests.Response:
    """Every profile with one of the person's identifiers leaves the list."""
    payload: dict[str, Any] = data.payload
    phone_number = checked_phone_number(payload.get("phone_number"), payload.get("country_code"))
    require_identifier(payload.get("email"), payload.get("external_id"), phone_number)
    lookups = [
        ("external_id", payload.get("external_id")),
        ("email", payload.get("email")),
        ("phone_number", phone_number),
    ]
    profile_ids = find_profile_ids(request, [(name, [str(value)]) for name, value in lookups if value])
    if not profile_ids:
        raise PayloadValidationError("No profiles found for the provided identifiers.")
    return remove_from_list(request, profile_ids, str(payload["list_id"]))


add_action = ActionDefinition(
    title="Add Profile to List",
    description="Add a profile to a Klaviyo list (an Engage audience's entered events).",
    default_subscription='event = "Audience Entered"',
    fields=ADD_FIELDS,
    perform=add_profile,
    perform_batch=add_batch,
)
remove_action = ActionDefinition(
    title="Remove Profile from List",
    description="Remove a profile from a Klaviyo list (an Engage audience's exited events).",
    default_subscription='event = "Audience Exited"',
    fields=REMOVE_FIELDS,
    perform=remove_profile,
    perform_batch=remove_batch,
)
remove_profile_action = ActionDefinition(
    title="Remove Profile",
    description="Remove a profile from a Klaviyo list chosen in the mapping (it stays in Klaviyo).",
    default_subscription='type = "Identify"',
    fields=REMOVE_PROFILE_FIELDS,
    perform=remove_profile,
    perform_batch=remove_batch,
    dynamic_fields={"list_id": list_choices},
)
