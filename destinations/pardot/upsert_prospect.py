"""The ``prospects`` action ("Upsert Prospect"): create or update a Pardot prospect by email.

One ``upsertLatestByEmail`` call per event. The body is exactly the one Segment's destination sends:
``{matchEmail, prospect, secondaryDeletedSearch}``, where ``prospect`` holds the mapped standard
fields followed by the ``customFields`` entries, custom entries overriding standard ones of the same
name (that is how ``customFields.email`` changes a prospect's address: the lookup still uses
``matchEmail``). Unmapped fields are left out of the body, not sent as null.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import requests

from framework.definition import ActionDefinition, InputField, RecordMerging

from .client import PardotClient

if TYPE_CHECKING:
    from framework.definition import ExecuteInput
    from framework.http import RequestClient

__all__ = ["action", "perform", "upsert_body", "STANDARD_FIELDS"]

# Order matters: it is the key order of ``prospect`` in the body Segment sends.
STANDARD_FIELDS = ("email", "firstName", "lastName", "salutation", "phone", "company", "jobTitle", "industry",
                   "city", "state", "zip", "country", "website")  # fmt: skip
_ABSENT: Any = object()


def _traits_then_properties(path: str) -> dict[str, Any]:
    """Segment's default: ``traits.<path>`` when it exists, else ``properties.<path>``."""
    return {"@if": {"exists": {"@path": f"$.traits.{path}"}, "then": {"@path": f"$.traits.{path}"},
                    "else": {"@path": f"$.properties.{path}"}}}  # fmt: skip


def _text(label: str, description: str, default: str | None = None) -> InputField:
    mapping = _traits_then_properties(default) if default else None
    return InputField(label=label, description=description, type="string", required=False, default=mapping)


FIELDS: dict[str, InputField] = {
    "email": InputField(
        label="Email Address",
        description=(
            "The prospect's email address. Used to upsert a prospect in Pardot. If multiple prospects have "
            "the given email, the prospect with the latest activity is updated. If there's no prospect with "
            "the given email, a prospect is created. Please note that Pardot treats email address as case "
            "sensitive and will create multiple prospects for casing differences."
        ),
        type="string",
        required=True,
        default=_traits_then_properties("email"),
    ),
    "firstName": _text("First Name", "The prospect's first name.", "first_name"),
    "lastName": _text("Last Name", "The prospect's last name.", "last_name"),
    "salutation": _text("Salutation", "The prospect's formal prefix."),
    "phone": _text("Phone Number", "The prospect's phone number.", "phone"),
    "company": _text("Company", "The prospect's company.", "company"),
    "jobTitle": _text("Job Title", "The prospect's job title.", "title"),
    "industry": _text("Industry", "The prospect's industry."),
    "city": _text("City", "The prospect's city.", "address.city"),
    "state": _text("State", "The prospect's US state.", "address.state"),
    "zip": _text("Zip Code", "The prospect's postal code.", "address.postal_code"),
    "country": _text("Country", "The prospect's country.", "address.country"),
    "website": _text("Website", "The prospect's website URL.", "website"),
    "secondaryDeletedSearch": InputField(
        label="Search Deleted Prospects",
        description=(
            "If true, the request’s search includes deleted records. This property only affects "
            "[AMPSEA accounts](https://help.salesforce.com/s/articleView?id=sf.pardot_admin_ampsea_parent.htm&type=5). "
            "If all records with a matching email address are deleted, the one with the latest activity is "
            "undeleted and updated. Otherwise, a new prospect is created."
        ),
        type="boolean",
        required=True,
        default=True,
    ),
    "customFields": InputField(
        label="Other Fields",
        description=(
            "Additional prospect fields to send to Pardot. Only editable fields are accepted. Please see "
            "[Pardot docs](https://developer.salesforce.com/docs/marketing/pardot/guide/prospect-v5.html#fields) "
            "for more details. On the left-hand side, input the Pardot field name. On the right-hand side, "
            "map the Segment field that contains the value."
        ),
        type="object",
        required=False,
        default_object_ui="keyvalue",
    ),
}


def upsert_body(payload: dict[str, Any]) -> dict[str, Any]:
    """The JSON body for a validated payload, key for key and in Segment's order.

    Custom fields are laid over the standard ones as a JavaScript object spread does: a custom key
    that names a standard field replaces its value in place. (Integer-like keys are put first by the
    request client's JSON writer, as JSON.stringify does for every destination.)
    """
    prospect = {name: payload.get(name, _ABSENT) for name in STANDARD_FIELDS}
    prospect.update(payload.get("customFields") or {})
    present = {name: value for name, value in prospect.items() if value is not _ABSENT}
    return {
        "matchEmail": payload["email"],
        "prospect": present,
        "secondaryDeletedSearch": payload["secondaryDeletedSearch"],
    }


def perform(request: RequestClient, data: ExecuteInput) -> requests.Response:
    """Upsert the prospect; Pardot's answer (the prospect's ``id`` and ``email``) is the output."""
    return PardotClient(request, data.settings).upsert_latest_by_email(upsert_body(data.payload))


# Queued upserts of one prospect may be sent as one (framework.delivery.merging): the upsert finds the
# prospect by ``email`` (and ``secondaryDeletedSearch``), writes every present key (null clears, absent
# keeps) and lays ``customFields`` over the standard fields; ``customFields.email`` changes the address.
MERGING = RecordMerging(identity="email", identity_change="customFields.email", overlay="customFields",
                        lookup_fields=("secondaryDeletedSearch",), safe=True)

action = ActionDefinition(
    title="Upsert Prospect",
    description="Create or update a prospect in Pardot using email address.",
    default_subscription='type = "identify"',
    fields=FIELDS,
    perform=perform,
    record_merging=MERGING,
)
