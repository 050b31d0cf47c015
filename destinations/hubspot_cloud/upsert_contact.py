"""``upsertContact`` ("Upsert Contact"): create or update a HubSpot contact found by email.

One event: ``PATCH /crm/v3/objects/contacts/<email>?idProperty=email``; HubSpot's 404 (no such
contact) turns into ``POST /crm/v3/objects/contacts``. When the mapping sets a lifecycle stage the
update did not take (HubSpot only moves a stage forwards), the stage is cleared and the update sent
again, so stages move backwards too.

A batch (``enable_batching``): one ``batch/read`` by email (secondary emails count), then one
``batch/create`` for the contacts not found and one ``batch/update`` for the rest, then the same
clear-and-retry for lifecycle stages, in batch. Emails are lower-cased in a batch, not one by one
(Segment's behaviour).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from framework.definition import ActionDefinition, InputField
from framework.errors import HTTPError, IntegrationError
from framework.jsvalues import UNDEFINED

from .api import CRM, call
from .classifier import error_for_http_error
from .properties import defined, flatten_properties, lowered, present, trimmed

if TYPE_CHECKING:
    import requests

    from framework.definition import ExecuteInput
    from framework.http import RequestClient

__all__ = ["action", "FIELDS", "contact_properties"]

CONTACTS = f"{CRM}/objects/contacts"
TEXT_PROPERTIES = ("company", "firstname", "lastname", "phone", "address", "city", "state", "country", "zip",
                   "email", "website")  # fmt: skip


def _text(label: str, description: str, default: dict[str, Any] | None = None) -> InputField:
    return InputField(label=label, description=description, type="string", default=default)


def _either(first: str, second: str) -> dict[str, Any]:
    return {"@if": {"exists": {"@path": first}, "then": {"@path": first}, "else": {"@path": second}}}


FIELDS: dict[str, InputField] = {
    "email": InputField(label="Email", type="string", required=True, format="email",
                        default={"@path": "$.traits.email"},
                        description="The contact's email: HubSpot's unique key for contacts. A contact with "
                                    "this email is updated; without one, a contact is created."),
    "company": _text("Company Name", "The contact's company.", {"@path": "$.traits.company"}),
    "firstname": _text("First Name", "The contact's first name.", _either("$.traits.first_name", "$.traits.firstName")),
    "lastname": _text("Last Name", "The contact's last name.", _either("$.traits.last_name", "$.traits.lastName")),
    "phone": _text("Phone", "The contact's phone number.", {"@path": "$.traits.phone"}),
    "address": _text("Street Address", "The contact's street address, with apartment or unit.",
                     {"@path": "$.traits.address.street"}),
    "city": _text("City", "The contact's city.", {"@path": "$.traits.address.city"}),
    "state": _text("State", "The contact's state.", {"@path": "$.traits.address.state"}),
    "country": _text("Country", "The contact's country.", {"@path": "$.traits.address.country"}),
    "zip": _text("Postal Code", "The contact's postal code.",
                 _either("$.traits.address.postalCode", "$.traits.address.postal_code")),
    "website": _text("Website", "The contact's company or other website.", {"@path": "$.traits.website"}),
    "lifecyclestage": _text("Lifecycle Stage", "The contact's stage in the marketing and sales process "
                            "(HubSpot's or a custom stage); it may move forwards or backwards."),
    "properties": InputField(label="Other properties", type="object", default_object_ui="keyvalue:only",
                             description="Other contact properties: the property's internal name in HubSpot "
                                         "on the left, the event field on the right. Custom properties must "
                                         "exist in HubSpot first."),
    "enable_batching": InputField(label="Send Batch Data to HubSpot", type="boolean", default=False,
                                  description="Send contacts in batches of up to 100 through HubSpot's batch "
                                              "endpoints. Contacts sent this way cannot be associated with a "
                                              "company by Upsert Company."),
}  # fmt: skip


def contact_properties(payload: dict[str, Any]) -> dict[str, Any]:
    """The ``properties`` of one event's create or update (text trimmed, custom properties last)."""
    body: dict[str, Any] = {key: trimmed(payload, key) for key in TEXT_PROPERTIES}
    body["lifecyclestage"] = lowered(payload, "lifecyclestage")
    body.update(flatten_properties(payload.get("properties")))
    return defined(body)


def _update(request: RequestClient, email: str, properties: dict[str, Any]) -> requests.Response:
    return request.request(f"{CONTACTS}/{email}?idProperty=email", "PATCH", json={"properties": properties})


def perform(request: RequestClient, data: ExecuteInput) -> requests.Response:
    """Update the contact with this email, or create it; then make a refused lifecycle stage stick."""
    payload: dict[str, Any] = data.payload
    properties = contact_properties(payload)
    try:
        response = _update(request, payload["email"], properties)
    except HTTPError as error:
        if error.response.status_code == 404:
            return call(request, "POST", CONTACTS, {"properties": properties})
        raise error_for_http_error(error) from error
    stage = payload.get("lifecyclestage")
    if not stage:
        return response
    current = ((response.json() or {}).get("properties") or {}).get("lifecyclestage")
    if current == stage.lower():
        return response
    call(request, "PATCH", f"{CONTACTS}/{payload['email']}?idProperty=email", {"properties": {"lifecyclestage": ""}})
    return call(request, "PATCH", f"{CONTACTS}/{payload['email']}?idProperty=email", {"properties": properties})


def _batch_properties(contact: dict[str, Any]) -> dict[str, Any]:
    """A batch item's properties: as mapped (not trimmed), email and stage lower-cased."""
    body: dict[str, Any] = {key: present(contact, key) for key in TEXT_PROPERTIES}
    body["email"] = contact["email"].lower()
    stage = contact.get("lifecyclestage")
    body["lifecyclestage"] = stage.lower() if isinstance(stage, str) else UNDEFINED
    body.update(flatten_properties(contact.get("properties")))
    return defined(body)


def _plan(read: dict[str, Any], plans: dict[str, dict[str, Any]]) -> None:
    """Mark each planned contact ``update`` (with its id) or ``create`` from the batch read's answer."""
    for found in read.get("results") or []:
        found_properties = found.get("properties") or {}
        email = found_properties.get("email")
        if email not in plans:
            secondary = str(found_properties.get("hs_additional_emails") or "").split(";")
            email = next((key for key in plans if key in secondary), None) if secondary != [""] else None
        if email:
            plans[email].update(action="update", id=found["id"])
    if not read.get("numErrors"):
        return
    for error in read.get("errors") or []:
        if error.get("status") == "error" and error.get("category") == "OBJECT_NOT_FOUND":
            for email in (error.get("context") or {}).get("ids") or []:
                plans[email]["action"] = "create"
        else:
            raise IntegrationError(str(error.get("message")), str(error.get("category")), 400)


def perform_batch(request: RequestClient, data: ExecuteInput) -> None:
    """Read the batch's contacts by email, create the missing ones, update the others."""
    plans: dict[str, dict[str, Any]] = {}
    for contact in data.payload:
        plans[contact["email"].lower()] = {"action": None, "properties": _batch_properties(contact)}
    body = {"properties": ["email", "lifecyclestage", "hs_additional_emails"], "idProperty": "email",
            "inputs": [{"id": email} for email in plans]}  # fmt: skip
    _plan(call(request, "POST", f"{CONTACTS}/batch/read", body).json() or {}, plans)
    creates = [{"properties": plan["properties"]} for plan in plans.values() if plan["action"] == "create"]
    updates = [{"id": plan["id"], "properties": {k: v for k, v in plan["properties"].items() if k != "email"}}
               for plan in plans.values() if plan["action"] == "update"]  # fmt: skip
    if creates:
        call(request, "POST", f"{CONTACTS}/batch/create", {"inputs": creates})
    if updates:
        updated = call(request, "POST", f"{CONTACTS}/batch/update", {"inputs": updates}).json() or {}
        _retry_lifecycle_stages(request, updated, plans)


def _retry_lifecycle_stages(request: RequestClient, updated: dict[str, Any], plans: dict[str, dict[str, Any]]) -> None:
    """Clear and set again every stage HubSpot's batch update did not take."""
    desired_by_id = {plan.get("id"): plan["properties"].get("lifecyclestage") for plan in plans.values()}
    reset, retry = [], []
    for result in updated.get("results") or []:
        desired = desired_by_id.get(result.get("id"))
        if desired and desired != (result.get("properties") or {}).get("lifecyclestage"):
            reset.append({"id": result["id"], "properties": {"lifecyclestage": ""}})
            retry.append({"id": result["id"], "properties": {"lifecyclestage": desired}})
    if retry:
        call(request, "POST", f"{CONTACTS}/batch/update", {"inputs": reset})
        call(request, "POST", f"{CONTACTS}/batch/update", {"inputs": retry})


action = ActionDefinition(
    title="Upsert Contact",
    description="Create or update a contact in HubSpot.",
    default_subscription='type = "identify"',
    fields=FIELDS,
    perform=perform,
    perform_batch=perform_batch,
)
