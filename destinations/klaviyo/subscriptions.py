"""``subscribeProfile`` and ``unsubscribeProfile``: email and SMS marketing consent, through Klaviyo's bulk jobs.

One event is a job of one profile; a batch is grouped by list (and, to subscribe, by custom source:
at most 9 groups, as Segment allows) and sent 100 profiles a job.

* subscribe: POST ``/profile-subscription-bulk-create-jobs/``, consent ``SUBSCRIBED`` for email when
  there is an email and for SMS when there is a phone number (with ``consented_at`` on a historical
  import), ``custom_source`` (Segment's ``-59`` by default) and the list, if any.
* unsubscribe: POST ``/profile-subscription-bulk-delete-jobs``, consent ``UNSUBSCRIBED`` for email
  marketing, SMS marketing and SMS transactional messages, from the list if one is given.

A batch answers item by item: an item without email and phone number, or with a phone number that
cannot be converted, is refused alone (Segment leaves it out of the job silently); each job's items
share its answer.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from framework.definition import ActionDefinition, InputField
from framework.errors import ActionsError, PayloadValidationError
from framework.runtime.multistatus import ItemStatus, ItemSuccess, MultiStatusResponse, item_error_from

from .api import list_choices, send
from .fields import batching_fields, identifier_fields
from .identifiers import PHONE_NOT_CONVERTED, checked_phone_number, e164_or_none

if TYPE_CHECKING:
    import requests

    from framework.definition import ExecuteInput
    from framework.http import RequestClient

__all__ = ["subscribe_action", "unsubscribe_action", "SUBSCRIBE_FIELDS", "UNSUBSCRIBE_FIELDS"]

JOB_SIZE = 100  # profiles per bulk job
MAX_GROUPS = 9
NEEDS_CONTACT = "Phone Number or Email is required."
SUBSCRIBE_PATH = "profile-subscription-bulk-create-jobs/"
UNSUBSCRIBE_PATH = "profile-subscription-bulk-delete-jobs"


def _trait(name: str) -> dict[str, Any]:
    return {"@if": {"exists": {"@path": f"$.traits.{name}"}, "then": {"@path": f"$.traits.{name}"},
                    "else": {"@path": f"$.context.traits.{name}"}}}  # fmt: skip


def _contact_fields(verb: str) -> dict[str, InputField]:
    shared = identifier_fields()
    return {
        "email": shared["email"].model_copy(update={"default": _trait("email"), "description": (
            f"The email address to {verb}: its profile is {verb}d for email marketing.")}),
        "phone_number": shared["phone_number"].model_copy(update={"default": _trait("phone"), "description": (
            f"The phone number to {verb} (E.164, or national with a country code): its profile is {verb}d for SMS.")}),
        "country_code": shared["country_code"],
    }  # fmt: skip


_LIST = InputField(label="List Id", type="string", dynamic=True)
SUBSCRIBE_FIELDS: dict[str, InputField] = {
    **_contact_fields("subscribe"),
    "list_id": _LIST.model_copy(update={"description": "The list the subscribed profiles join; without one, the account's opt-in settings decide."}),
    "custom_source": InputField(label="Custom Source ($source)", type="string", default="-59",
                                description="Where the consent came from; -59 is Segment's $source in Klaviyo."),
    "historical_import": InputField(label="Historical Import", type="boolean", default=False,
                                    description="Subscribe as a historical import: no welcome email or SMS is sent."),
    "consented_at": InputField(label="Consented At", type="datetime", default={"@path": "$.timestamp"},
                               description="When the consent was given (sent on a historical import)."),
    **batching_fields(1000, 1000, ["list_id", "custom_source", "historical_import"], enabled=None),
}  # fmt: skip
UNSUBSCRIBE_FIELDS: dict[str, InputField] = {
    **_contact_fields("unsubscribe"),
    "list_id": _LIST.model_copy(update={"description": "The list to unsubscribe from; without one, from every channel."}),
    **batching_fields(100, 100, ["list_id"], enabled=None, minimum=50),
}  # fmt: skip


def _consent(payload: dict[str, Any], phone_number: str | None, consent: str) -> dict[str, Any]:
    """One profile of a job: its email and phone number and the consent given for each channel."""
    subscriptions: dict[str, Any] = {}
    attributes: dict[str, Any] = {"subscriptions": subscriptions}
    consented_at = payload.get("consented_at") if payload.get("historical_import") else None
    channels = (("email", "email", payload.get("email")), ("sms", "phone_number", phone_number))
    for channel, key, value in channels:
        if not value:
            continue
        attributes[key] = value
        marketing: dict[str, Any] = {"consent": consent}
        if consented_at and consent == "SUBSCRIBED":
            marketing["consented_at"] = consented_at
        subscriptions[channel] = {"marketing": marketing}
        if channel == "sms" and consent == "UNSUBSCRIBED":
            subscriptions[channel]["transactional"] = {"consent": consent}
    return {"type": "profile", "attributes": attributes}


def _job(kind: str, profiles: list[dict[str, Any]], list_id: Any, extra: dict[str, Any]) -> dict[str, Any]:
    """A bulk job's body: its profiles, the job's own attributes and the list, if any."""
    data: dict[str, Any] = {"type": kind, "attributes": {**extra.get("head", {}), "profiles": {"data": profiles},
                                                         **extra.get("tail", {})}}  # fmt: skip
    if list_id:
        data["relationships"] = {"list": {"data": {"type": "list", "id": list_id}}}
    return {"data": data}


def _subscribe_extra(historical_import: Any, custom_source: Any) -> dict[str, Any]:
    historical = False if historical_import is None else historical_import
    return {"head": {"historical_import": historical}, "tail": {"custom_source": custom_source or "-59"}}


def _one_contact(payload: dict[str, Any]) -> str | None:
    """The event's phone number in E.164 (refusing one that cannot be), after checking a contact is given."""
    phone_number = checked_phone_number(payload.get("phone_number"), payload.get("country_code"))
    if not payload.get("email") and not phone_number:
        raise PayloadValidationError(NEEDS_CONTACT)
    return phone_number


def subscribe(request: RequestClient, data: ExecuteInput) -> requests.Response:
    """One profile's consent, as a job of one."""
    payload: dict[str, Any] = data.payload
    profile = _consent(payload, _one_contact(payload), "SUBSCRIBED")
    extra = _subscribe_extra(payload.get("historical_import"), payload.get("custom_source"))
    return send(request, SUBSCRIBE_PATH, "POST", _job("profile-subscription-bulk-create-job", [profile],
                                                      payload.get("list_id"), extra))  # fmt: skip


def unsubscribe(request: RequestClient, data: ExecuteInput) -> requests.Response:
    """One profile's withdrawn consent, as a job of one."""
    payload: dict[str, Any] = data.payload
    profile = _consent(payload, _one_contact(payload), "UNSUBSCRIBED")
    body = _job("profile-subscription-bulk-delete-job", [profile], payload.get("list_id"), {})
    return send(request, UNSUBSCRIBE_PATH, "POST", body)


def _batch(request: RequestClient, payloads: list[dict[str, Any]], consent: str) -> MultiStatusResponse:
    """A batch's profiles grouped and sent a job of 100 at a time; one status per payload."""
    subscribing = consent == "SUBSCRIBED"
    statuses: list[ItemStatus | None] = [None] * len(payloads)
    groups: dict[tuple[str, str], list[int]] = {}
    profiles: dict[int, dict[str, Any]] = {}
    for position, payload in enumerate(payloads):
        phone_number = (
            e164_or_none(payload["phone_number"], payload.get("country_code")) if payload.get("phone_number") else None
        )
        if payload.get("phone_number") and phone_number is None:
            statuses[position] = item_error_from(PayloadValidationError(PHONE_NOT_CONVERTED), sent=payload)
        elif not payload.get("email") and not phone_number:
            statuses[position] = item_error_from(PayloadValidationError(NEEDS_CONTACT), sent=payload)
        else:
            source = str(payload.get("custom_source") or "") if subscribing else ""
            groups.setdefault((str(payload.get("list_id") or ""), source), []).append(position)
            profiles[position] = _consent(payload, phone_number, consent)
    if len(groups) > MAX_GROUPS:
        raise PayloadValidationError(
            f"A batch reaches at most {MAX_GROUPS} lists (and custom sources); this one reaches {len(groups)}."
        )
    for positions in groups.values():
        first = payloads[positions[0]]
        for start in range(0, len(positions), JOB_SIZE):
            chunk = positions[start : start + JOB_SIZE]
            if subscribing:
                kind, path = "profile-subscription-bulk-create-job", SUBSCRIBE_PATH
                extra = _subscribe_extra(payloads[0].get("historical_import"), first.get("custom_source"))
            else:
                kind, path, extra = "profile-subscription-bulk-delete-job", UNSUBSCRIBE_PATH, {}
            body = _job(kind, [profiles[p] for p in chunk], first.get("list_id"), extra)
            try:
                send(request, path, "POST", body)
                answer: ItemStatus | None = None
            except ActionsError as error:
                answer = item_error_from(error)
            for position in chunk:
                statuses[position] = answer or ItemSuccess(200, sent=profiles[position])
    return MultiStatusResponse([status for status in statuses if status is not None])


def subscribe_batch(request: RequestClient, data: ExecuteInput) -> MultiStatusResponse:
    """``perform_batch`` of ``subscribeProfile``."""
    return _batch(request, list(data.payload), "SUBSCRIBED")


def unsubscribe_batch(request: RequestClient, data: ExecuteInput) -> MultiStatusResponse:
    """``perform_batch`` of ``unsubscribeProfile``."""
    return _batch(request, list(data.payload), "UNSUBSCRIBED")


subscribe_action = ActionDefinition(
    title="Subscribe Profile",
    description="Subscribe Klaviyo profiles to email marketing, SMS marketing, or both.",
    default_subscription='type = "track" and event = "User Subscribed"',
    fields=SUBSCRIBE_FIELDS,
    perform=subscribe,
    perform_batch=subscribe_batch,
    dynamic_fields={"list_id": list_choices},
)
unsubscribe_action = ActionDefinition(
    title="Unsubscribe Profile",
    description="Unsubscribe Klaviyo profiles from email marketing, SMS marketing, or both.",
    default_subscription='type = "track" and event = "User Unsubscribed"',
    fields=UNSUBSCRIBE_FIELDS,
    perform=unsubscribe,
    perform_batch=unsubscribe_batch,
    dynamic_fields={"list_id": list_choices},
)
