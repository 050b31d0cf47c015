"""The ``prospects`` action ("Upsert Prospect"): create or update a Pardot prospect by email.

One ``upsertLatestByEmail`` call per event, or, when the mapping turns ``enable_batching`` on, the
Import API path of ``import_batch``. The body is exactly the one Segment's destination sends:
``{matchEmail, prospect, secondaryDeletedSearch}``, where ``prospect`` holds the mapped standard
fields followed by the ``customFields`` entries, custom entries overriding standard ones of the same
name (that is how ``customFields.email`` changes a prospect's address: the lookup still uses
``matchEmail``). Unmapped fields are left out of the body, not sent as null.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import requests

from framework.definition import ActionDefinition, InputField

from .api_usage import usage_of
from .client import PardotClient
from .import_batch import perform_batch, poll
from .prospect_body import MERGING, STANDARD_FIELDS, upsert_body

if TYPE_CHECKING:
    from framework.definition import ExecuteInput
    from framework.http import RequestClient

__all__ = ["action", "perform", "upsert_body", "STANDARD_FIELDS", "MERGING"]


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
    "enable_batching": InputField(
        label="Use Pardot's Import API (batch)",
        description=(
            "Off (the default): one upsert call per event, delivered in about a second. On: events are "
            "collected into batches and sent through Pardot's Import API, a few API calls per batch instead "
            "of one per event (a whole replay fits in a day's quota), but a prospect is updated only when "
            "Pardot has processed the import, usually minutes later. Events that change an email address, "
            "clear a field (null or empty value) or send a non-text value are still upserted one by one, "
            "with every other event of the same prospect in that batch, so the result is the same."
        ),
        type="boolean",
    ),
    "batch_size": InputField(
        label="Batch Size",
        description=(
            "The most events in one import (default 1000; each import holds up to 10 CSV batches under 10 MB)."
        ),
        type="number",
        unsafe_hidden=True,
    ),
    "batch_keys": InputField(
        label="Batch Keys",
        description=(
            "Fields whose values keep events in separate imports, e.g. `secondaryDeletedSearch` (an import "
            "either searches deleted prospects or not; events that differ from their import's first go one by one)."
        ),
        type="string",
        multiple=True,
        unsafe_hidden=True,
    ),
}


def perform(request: RequestClient, data: ExecuteInput) -> requests.Response | dict[str, Any]:
    """Upsert the prospect; Pardot's answer (the prospect's ``id`` and ``email``) is the output.

    When Pardot reports the day's API usage (the instance opted in with ``returnApiUsage``), the
    output also carries it as ``apiUsage`` (``{used, limit, remaining}``) for delivery's pacing.
    """
    response = PardotClient(request, data.settings).upsert_latest_by_email(upsert_body(data.payload))
    usage = usage_of(response.headers)
    if usage is None:
        return response
    body = getattr(response, "data", None)
    return {**(body if isinstance(body, dict) else {}), "apiUsage": usage.to_dict()}


action = ActionDefinition(
    title="Upsert Prospect",
    description="Create or update a prospect in Pardot using email address.",
    default_subscription='type = "identify"',
    fields=FIELDS,
    perform=perform,
    perform_batch=perform_batch,
    poll=poll,
    record_merging=MERGING,
)
