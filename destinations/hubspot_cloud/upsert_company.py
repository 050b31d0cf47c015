"""``upsertCompany`` ("Upsert Company"): create or update a HubSpot company for a Segment group.

The company is found by the group id, kept in a hidden unique company property ``segment_group_id``
(created on first need: the event is then retried), else by the mapping's search fields:

1. ``PATCH /crm/v3/objects/companies/<groupid>?idProperty=segment_group_id``;
2. on 404, ``POST …/companies/search`` with one filter group per search field; one match is updated
   (``PATCH …/companies/<id>``), none is created (``POST …/companies``) unless the mapping says not
   to create, several are refused;
3. with ``associateContact``, the company is associated with the contact an Upsert Contact of the
   same transaction created. This framework has no transaction context (nor does Segment's engine
   outside its cloud), so, exactly as there, ``associateContact`` (on by default) refuses the event.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from framework.definition import ActionDefinition, InputField
from framework.errors import HTTPError, IntegrationError, PayloadValidationError, RetryableError

from . import crm
from .api import CRM, answer_of, call
from .classifier import error_for_http_error
from .properties import defined, flatten_properties, lowered, present, trimmed

if TYPE_CHECKING:
    import requests

    from framework.definition import ExecuteInput
    from framework.http import RequestClient

__all__ = ["action", "FIELDS", "GROUP_ID_PROPERTY", "is_missing_group_id_property"]

GROUP_ID_PROPERTY = "segment_group_id"
TEXT_PROPERTIES = ("name", "description", "address", "city", "state", "zip", "domain", "phone")
# The hidden unique property that ties a HubSpot company to a Segment group (Segment's definition).
GROUP_ID_DEFINITION = {"name": GROUP_ID_PROPERTY, "label": "Segment Group ID",
                       "description": "Unique Property to map Segment Group ID with a HubSpot Company Object",
                       "groupName": "companyinformation", "type": "string", "fieldType": "text", "hidden": True,
                       "displayOrder": -1, "hasUniqueValue": True, "formField": False}  # fmt: skip


def _text(label: str, description: str, path: str | None) -> InputField:
    return InputField(label=label, description=description, type="string",
                      default={"@path": path} if path else None)  # fmt: skip


FIELDS: dict[str, InputField] = {
    "groupid": InputField(label="Unique Company Identifier", type="string", required=True,
                          default={"@if": {"exists": {"@path": "$.groupId"}, "then": {"@path": "$.groupId"},
                                           "else": {"@path": "$.context.groupId"}}},
                          description="Your unique id of the company, stored in HubSpot's hidden "
                                      "segment_group_id property and used to find it again. Changing it "
                                      "later creates a second company."),
    "createNewCompany": InputField(label="Create Company if Not Found", type="boolean", required=True, default=True,
                                   description="Create the company when none is found; when off, only "
                                               "existing companies are updated."),
    "associateContact": InputField(label="Associate Contact with Company", type="boolean", required=True,
                                   default=True,
                                   description="Associate the company with the contact Upsert Contact wrote for "
                                               "the same user; without one the event is refused."),
    "companysearchfields": InputField(label="Company Search Fields", type="object",
                                      default_object_ui="keyvalue:only",
                                      description="Properties (name to value) to find an existing company by "
                                                  "when none has this group id yet."),
    "name": _text("Company Name", "The company's name.", "$.traits.name"),
    "description": _text("Company Description", "A short statement of the company's mission.",
                         "$.traits.description"),
    "address": _text("Street Address", "The company's street address.", "$.traits.address.street"),
    "city": _text("City", "The company's city.", "$.traits.address.city"),
    "state": _text("State", "The company's state or region.", "$.traits.address.state"),
    "zip": InputField(label="Postal Code", description="The company's postal code.", type="string",
                      default={"@if": {"exists": {"@path": "$.traits.address.postalCode"},
                                       "then": {"@path": "$.traits.address.postalCode"},
                                       "else": {"@path": "$.traits.address.postal_code"}}}),
    "domain": _text("Domain", "The company's website domain.", "$.traits.website"),
    "phone": _text("Phone", "The company's main phone number.", "$.traits.phone"),
    "numberofemployees": InputField(label="Number of Employees", type="integer",
                                    default={"@path": "$.traits.employees"},
                                    description="How many people work for the company."),
    "industry": _text("Industry", "The company's line of business.", "$.traits.industry"),
    "lifecyclestage": _text("Lifecycle Stage", "The company's stage in the marketing and sales process; it "
                            "may move forwards or backwards.", None),
    "properties": InputField(label="Other Properties", type="object", default_object_ui="keyvalue:only",
                             allow_null=False,
                             description="Other company properties by internal name. Never segment_group_id: "
                                         "it is the destination's own."),
}  # fmt: skip


def is_missing_group_id_property(error: HTTPError) -> bool:
    """Whether HubSpot refused the update only because ``segment_group_id`` does not exist yet."""
    if error.response.status_code != 400:
        return False
    try:
        message = str(json.loads(error.response.text)["message"]).replace("Property values were not valid: ", "")
        problems = json.loads(message)
        return (len(problems) == 1 and problems[0]["name"] == GROUP_ID_PROPERTY
                and problems[0]["error"] == "PROPERTY_DOESNT_EXIST")  # fmt: skip
    except (ValueError, KeyError, IndexError, TypeError):
        return False


def _company_properties(payload: dict[str, Any]) -> dict[str, Any]:
    body: dict[str, Any] = {key: trimmed(payload, key) for key in TEXT_PROPERTIES}
    body["numberofemployees"] = present(payload, "numberofemployees")
    body["industry"] = trimmed(payload, "industry")
    body["lifecyclestage"] = lowered(payload, "lifecyclestage")
    body[GROUP_ID_PROPERTY] = payload["groupid"]
    body.update(flatten_properties(payload.get("properties")))
    return defined(body)


def _create_group_id_property(request: RequestClient) -> requests.Response:
    return request.request(f"{CRM}/properties/companies", "POST", json=GROUP_ID_DEFINITION)


def _with_group_id_property(request: RequestClient, write: Callable[[], requests.Response]) -> Any:
    """``write`` once; if the group id property is missing, create it (409: already there) and write again."""
    try:
        return answer_of(write()).get("id")
    except HTTPError as error:
        if not is_missing_group_id_property(error):
            raise error_for_http_error(error) from error
    try:
        _create_group_id_property(request)
    except HTTPError as error:
        if error.response.status_code != 409:
            raise error_for_http_error(error) from error
    return answer_of(call_write(write)).get("id")


def call_write(write: Callable[[], requests.Response]) -> requests.Response:
    """Run a prepared write, classifying a refusal."""
    try:
        return write()
    except HTTPError as error:
        raise error_for_http_error(error) from error


def _search(request: RequestClient, fields: Any) -> dict[str, Any]:
    try:
        found = crm.search(
            request, "companies", fields, ["name", "domain", "lifecyclestage", GROUP_ID_PROPERTY], ["name"]
        )
    except HTTPError as error:
        if error.response.status_code == 400:
            raise IntegrationError("HubSpot refused the company search (400): check that Company Search Fields "
                                   "names properties defined in HubSpot.", "Company Search Failed", 400) from error  # fmt: skip
        raise error_for_http_error(error) from error
    return found or {}


def _check(payload: dict[str, Any]) -> None:
    if (payload.get("properties") or {}).get(GROUP_ID_PROPERTY):
        raise PayloadValidationError(f"Other Properties must not set '{GROUP_ID_PROPERTY}': the destination keeps "
                                     "the group id there itself.")  # fmt: skip
    if payload.get("associateContact"):
        raise IntegrationError("Associate Contact with Company needs the contact Upsert Contact wrote in the same "
                               "transaction, and there is none: turn associateContact off for Group events.",
                               "Missing Identity Call", 400)  # fmt: skip


def perform(request: RequestClient, data: ExecuteInput) -> None:
    """Update the company with this group id, else the one the search finds, else create it."""
    payload: dict[str, Any] = data.payload
    _check(payload)
    properties = _company_properties(payload)
    try:
        updated = crm.update(request, "companies", payload["groupid"], properties, id_property=GROUP_ID_PROPERTY)
        company_id = answer_of(updated).get("id")
    except HTTPError as error:
        if is_missing_group_id_property(error):
            call(request, "POST", f"{CRM}/properties/companies", GROUP_ID_DEFINITION)
            raise RetryableError(f"The '{GROUP_ID_PROPERTY}' property did not exist in HubSpot; it has been "
                                 "created and the event will be retried.") from error  # fmt: skip
        if error.response.status_code != 404:
            raise error_for_http_error(error) from error
        company_id = None
    if company_id:
        return
    search_fields = payload.get("companysearchfields")
    found = _search(request, search_fields)
    if not found or found.get("total") == 0:
        if payload.get("createNewCompany"):
            _with_group_id_property(request, lambda: crm.create(request, "companies", properties))
        return
    if (found.get("total") or 0) > 1:
        raise IntegrationError("Company Search Fields match more than one HubSpot company; none was updated.",
                               "Search Criteria Not Unique", 400)  # fmt: skip
    company_id = found["results"][0]["id"]
    _with_group_id_property(request, lambda: crm.update(request, "companies", company_id, properties))


action = ActionDefinition(
    title="Upsert Company",
    description="Create or update a company in HubSpot.",
    default_subscription='type = "group"',
    fields=FIELDS,
    perform=perform,
)
