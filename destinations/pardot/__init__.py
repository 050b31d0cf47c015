"""Salesforce Pardot (Actions), slug ``actions-pardot``: upsert Pardot prospects from Segment events.

What it does, in full:

* **Settings**: the Pardot Business Unit ID and Account ID (required) and whether the account is a
  sandbox (``isSandbox``, default false).
* **Authentication**: Salesforce OAuth 2.0. Every API call carries ``Authorization: Bearer <token>``
  and ``Pardot-Business-Unit-Id``; an expired token is refreshed with the refresh-token grant at
  ``https://login.salesforce.com/services/oauth2/token`` (``https://test.salesforce.com`` for
  sandboxes) and the event retried.
* **One action**, ``prospects`` ("Upsert Prospect", triggered by ``type = "identify"``): one
  ``POST /api/v5/objects/prospects/do/upsertLatestByEmail`` per event (``upsert_prospect``), or, with
  ``enable_batching``, an import per batch on the Import API (``import_batch``).
* **Limits**: Pardot allows 5 concurrent requests per business unit; the destination declares it.
* **Errors**: ``classifier`` decides, in one table, which answers are retried, rate limited,
  refreshed or dead-lettered. Questions users ask are answered in ``faq.md``.

Requests are the ones Segment's own Pardot destination sends (checked case by case in
``tests/destinations/pardot/conformance``). For local runs, ``destinations.pardot.emulator`` stands in
for Pardot and Salesforce.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from framework.definition import Authentication, DestinationDefinition, InputField, Preset

from .client import auth_headers, refresh_access_token
from .upsert_prospect import action as upsert_prospect

__all__ = ["definition", "destination", "SETTINGS", "CONCURRENCY_LIMIT"]

CONCURRENCY_LIMIT = 5  # Pardot refuses the sixth concurrent request of a business unit (code 66)

SETTINGS: dict[str, InputField] = {
    "businessUnitID": InputField(
        label="Pardot Business Unit ID",
        description=(
            "The Pardot Business Unit ID associated with your Pardot Account. To find your Business Unit ID "
            "in Salesforce, go to **Setup** and search for `Pardot`. Your Pardot Business Unit ID is an "
            "18-character string that starts with `0Uv`.  If you cannot access the Pardot Account Setup "
            "information, ask your Salesforce Administrator to find the Pardot Business Unit ID for you."
        ),
        type="string",
        required=True,
    ),
    "accountID": InputField(
        label="Account ID",
        description=(
            "You can find your Account ID (`piAId`) under **Marketing > Campaigns** in your "
            "[Pardot account](https://pi.pardot.com/campaign). After selecting your desired website "
            "campaign, press **View Tracking Code**. "
        ),
        type="string",
        required=True,
    ),
    "isSandbox": InputField(
        label="Sandbox Instance",
        description=(
            "Enable to authenticate into a sandbox instance. You can log in to a sandbox by appending the "
            "sandbox name to your Salesforce username. For example, if a username for a production org is "
            "user@acme.com and the sandbox is named `test`, the username to log in to the sandbox is "
            "user@acme.com.test. If you are already authenticated, please disconnect and reconnect with "
            "your sandbox username."
        ),
        type="boolean",
        default=False,
    ),
    "returnApiUsage": InputField(
        label="Report API Usage",
        description=(
            "Ask Pardot for the day's API usage with every call (header `X-Return-Api-Usage`) and put it in "
            "each result as `apiUsage`, so delivery can pace the account and the daily quota lasts. Off by "
            "default: Segment's destination does not send this header."
        ),
        type="boolean",
        default=False,
    ),
}

definition = DestinationDefinition(
    name="Pardot (Actions)",
    slug="actions-pardot",
    description="Create or update prospects in Salesforce Pardot (Marketing Cloud Account Engagement).",
    mode="cloud",
    authentication=Authentication(scheme="oauth2", fields=SETTINGS, refresh_access_token=refresh_access_token),
    extend_request=auth_headers,
    actions={"prospects": upsert_prospect},
    presets=[
        Preset(
            name="Upsert Prospect",
            partner_action="prospects",
            subscribe='type = "identify"',
            mapping=upsert_prospect.default_mapping(),
            type="automatic",
        ),
    ],
    concurrency_limit=CONCURRENCY_LIMIT,
    concurrency_key="businessUnitID",  # the limit is per business unit, whichever instance sends
    emulator=lambda settings, auth, subscriptions, **options: _start_emulator(settings, auth, subscriptions, **options),
    faq=(Path(__file__).with_name("faq.md")).read_text(encoding="utf-8"),
)


def _start_emulator(
    settings: dict[str, Any], auth: dict[str, Any], subscriptions: list[dict[str, Any]], **options: Any
) -> Any:
    """``actions replay --emulator``: the local Pardot, imported only when asked for (it loads waitress)."""
    from .emulator import start_for_instance

    return start_for_instance(settings, auth, subscriptions, **options)


destination = definition  # the name the registry looks for first
