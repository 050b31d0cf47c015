"""HubSpot Cloud Mode (Actions), slug ``actions-hubspot-cloud``: contacts, companies and events in HubSpot.

* **Settings**: ``portalId`` (the Hub ID, optional; when set, behavioral event names must carry it).
* **Authentication**: OAuth 2.0. Every call carries ``authorization: Bearer <access token>``
  (:mod:`.api`); a refused token (401) is refreshed at ``https://api.hubapi.com/oauth/v1/token``
  with the refresh-token grant and the event retried, by the framework's token refresher.
* **Actions**: ``upsertContact`` (:mod:`.upsert_contact`, with a batch path), ``upsertCompany``
  (:mod:`.upsert_company`), ``sendCustomBehavioralEvent`` (:mod:`.custom_behavioral_event`, dynamic
  event names), ``customEvent`` (:mod:`.custom_event`: sync modes decide whether event definitions
  and their properties may be created; :mod:`.event_schema`), ``upsertCustomObjectRecord``
  (:mod:`.upsert_custom_object_record`: deals, tickets, custom objects, with associations; :mod:`.crm`),
  ``upsertObject`` (:mod:`.upsert_object`, Custom Object V2: batched upserts of any object type by a
  unique property, missing properties created, associations; :mod:`.object_fields`, :mod:`.object_payloads`).
* **Limits**: HubSpot allows an OAuth app 110 requests per 10 seconds per account; declared below,
  per ``portalId``.
* **Errors**: :mod:`.classifier`.

Requests are the ones Segment's HubSpot destination sends (tests/destinations/hubspot_cloud/conformance).
``upsertObject``'s list membership and dissociations are not ported yet (the FAQ says so).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from framework.definition import Authentication, DestinationDefinition, InputField
from framework.definition.rate_limits import RateLimit

from .api import bearer_header, refresh_access_token
from .custom_behavioral_event import action as send_custom_behavioral_event
from .custom_event import action as custom_event
from .upsert_company import action as upsert_company
from .upsert_contact import action as upsert_contact
from .upsert_custom_object_record import action as upsert_custom_object_record
from .upsert_object import action as upsert_object

__all__ = ["definition", "destination", "SETTINGS", "RATE_LIMIT"]

RATE_LIMIT = RateLimit(requests=110, per_seconds=10)  # HubSpot's published limit for OAuth apps

SETTINGS: dict[str, InputField] = {
    "portalId": InputField(label="Hub ID", type="string",
                           description="The Hub ID of your HubSpot account (Settings > Account Defaults)."),
}  # fmt: skip

definition = DestinationDefinition(
    name="HubSpot Cloud Mode (Actions)",
    slug="actions-hubspot-cloud",
    description="Create and update HubSpot contacts, companies and other records, and send custom events.",
    mode="cloud",
    authentication=Authentication(scheme="oauth2", fields=SETTINGS, refresh_access_token=refresh_access_token),
    extend_request=bearer_header,
    actions={
        "upsertContact": upsert_contact,
        "upsertCompany": upsert_company,
        "sendCustomBehavioralEvent": send_custom_behavioral_event,
        "customEvent": custom_event,
        "upsertCustomObjectRecord": upsert_custom_object_record,
        "upsertObject": upsert_object,
    },
    rate_limit=RATE_LIMIT,
    concurrency_key="portalId",
    emulator=lambda settings, auth, subscriptions, **options: _start_emulator(settings, auth, **options),
    faq=(Path(__file__).with_name("faq.md")).read_text(encoding="utf-8"),
)


def _start_emulator(settings: dict[str, Any], auth: dict[str, Any], **options: Any) -> Any:
    """``actions replay --emulator``: the local stateful HubSpot, primed with the instance's tokens."""
    from .emulator import start_hubspot_emulator

    return start_hubspot_emulator(auth, settings, **options)


destination = definition  # the name the registry looks for first
