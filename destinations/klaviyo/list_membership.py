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

from .api import add_to_list, create_profile, find_profile_ids, remove_from_list
from .fields import LIST_ID, batching_fields, identifier_fields, profile_fields
from .identifiers import checked_phone_number, require_identifier

if TYPE_CHECKING:
    import requests

    from framework.definition import ExecuteInput
    from framework.http import RequestClient

__all__ = ["add_action", "remove_action"]

_STEERING = ("email", "external_id", "phone_number", "list_id", "enable_batching", "batch_size", "country_code",
             "batch_keys")  # fmt: skip

ADD_FIELDS: dict[str, InputField] = {
    **identifier_fields(), "list_id": LIST_ID, **batching_fields(10000, 10000, ["list_id"]), **profile_fields("properties"),
}  # fmt: skip
REMOVE_FIELDS: dict[str, InputField] = {
    **identifier_fields(), "list_id": LIST_ID, **batching_fields(1000, 1000, ["list_id"]),
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
    profile_ids = find_profile_ids(request, [(name, str(value)) for name, value in lookups if value])
    if not profile_ids:
        raise PayloadValidationError("No profiles found for the provided identifiers.")
    return remove_from_list(request, profile_ids, str(payload["list_id"]))


add_action = ActionDefinition(
    title="Add Profile to List",
    description="Add a profile to a Klaviyo list (an Engage audience's entered events).",
    default_subscription='event = "Audience Entered"',
    fields=ADD_FIELDS,
    perform=add_profile,
)
remove_action = ActionDefinition(
    title="Remove Profile from List",
    description="Remove a profile from a Klaviyo list (an Engage audience's exited events).",
    default_subscription='event = "Audience Exited"',
    fields=REMOVE_FIELDS,
    perform=remove_profile,
)
