"""``trackEvent`` ("Track Event"): one Klaviyo event (a metric) for the profile that did it.

POST ``/events/`` with the event's properties, time (ISO, to the millisecond, UTC), value and
unique id, the metric's name and the profile's identifiers (any other profile keys the mapping adds
go along as profile attributes).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from framework.definition import ActionDefinition, InputField
from framework.errors import PayloadValidationError

from .api import send
from .fields import batching_fields, identifier_fields
from .identifiers import check_external_id, checked_phone_number

if TYPE_CHECKING:
    import requests

    from framework.definition import ExecuteInput
    from framework.http import RequestClient

__all__ = ["action", "FIELDS", "iso_time", "event_profile", "event_body"]

_PROFILE_PARTS = identifier_fields()
FIELDS: dict[str, InputField] = {
    "profile": InputField(
        label="Profile",
        description="Who did it: at least one of email, phone number, external id or anonymous id.",
        type="object",
        required=True,
        additional_properties=True,
        default={"external_id": {"@path": "$.userId"}, "anonymous_id": {"@path": "$.anonymousId"}},
        properties={
            "email": _PROFILE_PARTS["email"].model_copy(update={"default": None}),
            "phone_number": _PROFILE_PARTS["phone_number"].model_copy(update={"default": None}),
            "country_code": _PROFILE_PARTS["country_code"],
            "external_id": _PROFILE_PARTS["external_id"].model_copy(update={"default": {"@path": "$.userId"}}),
            "anonymous_id": InputField(label="Anonymous Id", type="string", default={"@path": "$.anonymousId"},
                                       description="The anonymous id of the profile."),
        },
    ),  # fmt: skip
    "metric_name": InputField(label="Metric Name", type="string", required=True, default={"@path": "$.event"},
                              description="The event's name (under 128 characters)."),
    "properties": InputField(label="Properties", type="object", required=True, default={"@path": "$.properties"},
                             description="What the event says, key to value."),
    "time": InputField(label="Time", type="datetime", default={"@path": "$.timestamp"},
                       description="When it happened (after 2000, at most a year ahead)."),
    "value": InputField(label="Value", type="number", description="A numeric value of the event (revenue, say)."),
    "unique_id": InputField(label="Unique ID", type="string", default={"@path": "$.messageId"},
                            description="Klaviyo records one event per profile, metric and unique id."),
    **{key: field for key, field in batching_fields(1000, 1000, []).items() if key != "batch_keys"},
}  # fmt: skip


def iso_time(value: Any) -> str:
    """``value`` as JavaScript's ``toISOString`` writes it (UTC, milliseconds, ``Z``)."""
    try:
        moment = datetime.fromisoformat(str(value))
    except ValueError as error:
        raise PayloadValidationError(f"time: {value!r} is not an ISO 8601 date and time.") from error
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=datetime.now().astimezone().tzinfo)
    utc = moment.astimezone(UTC)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"


def event_profile(given: dict[str, Any]) -> dict[str, Any]:
    """The event's profile attributes: the phone number in E.164, no ``country_code``, one identifier at least."""
    profile = dict(given)
    phone_number = checked_phone_number(profile.get("phone_number"), profile.pop("country_code", None))
    if phone_number is None:
        profile.pop("phone_number", None)
    else:
        profile["phone_number"] = phone_number
    if not any(profile.get(key) for key in ("email", "phone_number", "external_id", "anonymous_id")):
        raise PayloadValidationError("One of External ID, Anonymous ID, Phone Number or Email is required.")
    check_external_id(profile.get("external_id"))
    return profile


def event_body(payload: dict[str, Any], metric_name: Any, profile: dict[str, Any]) -> dict[str, Any]:
    """``POST /events/``'s body: properties, time, value, unique id, then the metric and the profile."""
    attributes: dict[str, Any] = {"properties": dict(payload["properties"])}
    if payload.get("time"):
        attributes["time"] = iso_time(payload["time"])
    for key in ("value", "unique_id"):
        if key in payload:
            attributes[key] = payload[key]
    attributes["metric"] = {"data": {"type": "metric", "attributes": {"name": metric_name}}}
    attributes["profile"] = {"data": {"type": "profile", "attributes": profile}}
    return {"data": {"type": "event", "attributes": attributes}}


def perform(request: RequestClient, data: ExecuteInput) -> requests.Response:
    """Post the event with its metric and profile."""
    payload: dict[str, Any] = data.payload
    body = event_body(payload, payload["metric_name"], event_profile(payload["profile"]))
    return send(request, "events/", "POST", body)


def _batch(request: RequestClient, data: ExecuteInput) -> Any:
    """``perform_batch``: Klaviyo's event bulk-create job (:mod:`.bulk`)."""
    from .bulk import track_batch  # bulk builds on this module's iso_time

    return track_batch(request, data)


action = ActionDefinition(
    title="Track Event",
    description="Record an event in Klaviyo for the profile that did it.",
    default_subscription='type = "track"',
    fields=FIELDS,
    perform=perform,
    perform_batch=_batch,
)
