"""Klaviyo (Actions), slug ``actions-klaviyo``: profiles and list membership in Klaviyo.

* **Settings**: ``api_key`` (a private API key, password). Every call carries
  ``Authorization: Klaviyo-API-Key <key>`` and Klaviyo's ``revision`` header (:mod:`.api`).
* **Actions**: ``upsertProfile`` (:mod:`.upsert_profile`; dynamic ``list_id`` field, list saved by
  the ``retlOnMappingSave`` hook honoured), ``addProfileToList`` and ``removeProfileFromList``
  (:mod:`.list_membership`, driven by Engage audience entered/exited events), ``removeProfile``
  (the same removal from a list the mapping picks), ``trackEvent`` (:mod:`.track_event`),
  ``orderCompleted`` (:mod:`.order_completed`), ``subscribeProfile`` and ``unsubscribeProfile``
  (:mod:`.subscriptions`). Every action but ``orderCompleted`` has a batch path on Klaviyo's bulk
  jobs with an outcome per item (:mod:`.bulk`, :mod:`.subscriptions`).
* **Phone numbers**: national numbers with a country code become E.164 (:mod:`.identifiers`).
* **Presets**: Segment's nine (audience entered/exited, entity added/removed, journey step for five actions).
* **Audiences** (:mod:`.audiences`): an Engage audience is a Klaviyo list. ``create_audience``
  makes one named after the audience (or takes the audience's ``listId`` setting), ``get_audience``
  checks the list exists in this account; mode ``synced``, not a full sync. ``actions audiences
  create|get`` runs them for an instance.
* **Deletion**: ``on_delete`` starts a data-privacy deletion job for the profile whose id is the
  user id (``actions delete-user``).
* **Errors**: :mod:`.classifier`.

Requests are the ones Segment's Klaviyo sends (tests/destinations/klaviyo/conformance, the audience
calls and deletion in its ``audience_cases.jsonl``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from framework.definition import Authentication, DestinationDefinition, ExecuteInput, InputField, Preset

from .api import klaviyo_headers
from .audiences import AUDIENCE_CONFIG, AUDIENCE_FIELDS, delete_profile
from .list_membership import add_action, remove_action, remove_profile_action
from .order_completed import action as order_completed
from .subscriptions import subscribe_action, unsubscribe_action
from .track_event import action as track_event
from .upsert_profile import action as upsert_profile

__all__ = ["definition", "destination", "SETTINGS"]

SETTINGS: dict[str, InputField] = {
    "api_key": InputField(
        type="password",
        label="API Key",
        description="A private API key: in Klaviyo, Account > Settings > API Keys > Create Private API Key.",
        required=True,
    ),
}


def klaviyo_request_options(data: ExecuteInput) -> dict[str, Any]:
    """``extend_request``: Klaviyo's key and revision headers on every call."""
    return {"headers": klaviyo_headers(str(data.settings.get("api_key") or ""))}


def _preset(name: str, action: str, slug: str) -> Preset:
    mapping = {key: field.default for key, field in ACTIONS[action].fields.items() if field.default is not None}
    return Preset(name=name, partner_action=action, mapping=mapping, type="specificEvent", event_slug=slug)


ACTIONS = {"upsertProfile": upsert_profile, "addProfileToList": add_action, "removeProfileFromList": remove_action,
           "trackEvent": track_event, "orderCompleted": order_completed, "subscribeProfile": subscribe_action,
           "unsubscribeProfile": unsubscribe_action, "removeProfile": remove_profile_action}  # fmt: skip
PRESETS = [
    _preset("Entities Audience Entered", "addProfileToList", "warehouse_audience_entered_track"),
    _preset("Entities Audience Exited", "removeProfileFromList", "warehouse_audience_exited_track"),
    _preset("Associated Entity Added", "addProfileToList", "warehouse_entity_added_track"),
    _preset("Associated Entity Removed", "removeProfileFromList", "warehouse_entity_removed_track"),
    *[_preset("Journeys Step Entered", action, "journeys_step_entered_track")
      for action in ("addProfileToList", "trackEvent", "orderCompleted", "subscribeProfile", "unsubscribeProfile")],
]  # fmt: skip

definition = DestinationDefinition(
    name="Klaviyo (Actions)",
    slug="actions-klaviyo",
    description="Create and update Klaviyo profiles and keep Klaviyo lists in step with Engage audiences.",
    mode="cloud",
    authentication=Authentication(scheme="custom", fields=SETTINGS),
    extend_request=klaviyo_request_options,
    actions=ACTIONS,
    presets=PRESETS,
    on_delete=delete_profile,
    audience_fields=AUDIENCE_FIELDS,
    audience_config=AUDIENCE_CONFIG,
    faq=Path(__file__).with_name("faq.md").read_text(encoding="utf-8"),
    emulator=lambda settings, auth, subscriptions, **options: _start_emulator(**options),
)


def _start_emulator(**options: Any) -> Any:
    """``actions replay --emulator``: the local, stateful Klaviyo (:mod:`.emulator`)."""
    from .emulator import start_klaviyo_emulator

    return start_klaviyo_emulator(**options)


destination = definition  # the name the registry looks for first
