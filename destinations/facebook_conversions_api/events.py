"""One server event sent to ``/{pixelId}/events``: the checks Segment makes, the body it builds.

Each action gives the event's name and, for commerce events, its ``custom_data``; the rest of the
body is the same for all: ``{"data": [event], "test_event_code"?}`` with the event's keys in the order
Segment's ``JSON.stringify`` writes them (keys with no value left out).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from framework.errors import HTTPError, IntegrationError, PayloadValidationError

from .classifier import error_for_http_error
from .fields import EXTINFO_KEYS
from .user_data import hashed_user_data

if TYPE_CHECKING:
    import requests

    from framework.definition import ExecuteInput
    from framework.http import RequestClient

__all__ = [
    "API_VERSION",
    "ID_FIRST",
    "URL_FIRST",
    "commerce_data",
    "events_url",
    "send_event",
    "server_event",
    "validate_contents",
]

API_VERSION = "24.0"  # Graph API version Segment's destination calls
DELIVERY_CATEGORIES = ("in_store", "curbside", "home_delivery")


def events_url(pixel_id: Any) -> str:
    return f"https://graph.facebook.com/v{API_VERSION}/{pixel_id}/events"


def require_user_agent_for_website(payload: dict[str, Any], error: type[IntegrationError]) -> None:
    """A website event needs the browser's user agent (Segment raises ``error``: it differs by action)."""
    if payload.get("action_source") == "website" and payload["user_data"].get("client_user_agent") is None:
        message = 'If action source is "Website" then client_user_agent must be defined'
        if error is PayloadValidationError:
            raise PayloadValidationError(message)
        raise IntegrationError(message, "Misconfigured required field", 400)


def validate_contents(contents: list[dict[str, Any]] | None) -> None:
    """Every product has an ``id``, and a delivery category Facebook knows."""
    for index, item in enumerate(contents or []):
        if not item.get("id"):
            raise PayloadValidationError(f"contents[{index}] must include an 'id' parameter.")
        if item.get("delivery_category") and item["delivery_category"] not in DELIVERY_CATEGORIES:
            raise PayloadValidationError(
                f"contents[{index}].delivery_category must be one of {{in_store, home_delivery, curbside}}."
            )


URL_FIRST = ("event_time", "action_source", "event_source_url", "event_id")
ID_FIRST = ("event_time", "action_source", "event_id", "event_source_url")


def server_event(
    name: Any, payload: dict[str, Any], custom_data: Any = None, head: tuple[str, ...] = URL_FIRST
) -> dict[str, Any]:
    """The event object; ``head`` is the order of its first keys after the name (it differs by action)."""
    event: dict[str, Any] = {"event_name": name}
    for key in head:
        event[key] = payload.get(key)
    event["user_data"] = hashed_user_data(payload["user_data"])
    event["custom_data"] = custom_data
    event["app_data"] = app_data(payload.get("app_data_field"))
    event.update(data_processing(payload))
    return {key: value for key, value in event.items() if value is not None}


def commerce_data(payload: dict[str, Any], keys: list[str]) -> dict[str, Any]:
    """The mapped ``custom_data`` with the action's own keys written over it (a missing one removed)."""
    merged = dict(payload.get("custom_data") or {})
    for key in keys:
        merged[key] = payload.get(key)
    return {key: value for key, value in merged.items() if key not in keys or value is not None}


def app_data(fields: dict[str, Any] | None) -> dict[str, Any] | None:
    """App event details when ``use_app_data`` is on; ``extinfo`` holds 16 values, blanks as ""."""
    if not fields or not fields.get("use_app_data"):
        return None
    details = {
        "advertiser_tracking_enabled": 1 if fields.get("advertiser_tracking_enabled") else 0,
        "application_tracking_enabled": 1 if fields.get("application_tracking_enabled") else 0,
        "madid": fields.get("madId"),
        "extinfo": [fields[key] if fields.get(key) is not None else "" for key in EXTINFO_KEYS],
    }
    return {key: value for key, value in details.items() if value is not None}


def data_processing(payload: dict[str, Any]) -> dict[str, Any]:
    """Limited Data Use: ``["LDU"]`` with a country and a state (0, Facebook geolocates, when unset)."""
    if not payload.get("data_processing_options"):
        return {}
    return {"data_processing_options": ["LDU"],
            "data_processing_options_country": payload.get("data_processing_options_country") or 0,
            "data_processing_options_state": payload.get("data_processing_options_state") or 0}  # fmt: skip


def send_event(request: RequestClient, data: ExecuteInput, event: dict[str, Any]) -> requests.Response:
    """POST the event, with the mapping's test event code or else the setting's."""
    body: dict[str, Any] = {"data": [event]}
    test_code = data.payload.get("test_event_code") or data.settings.get("testEventCode")
    if test_code:
        body["test_event_code"] = test_code
    try:
        return request.request(events_url(data.settings.get("pixelId")), "POST", json=body)
    except HTTPError as error:
        raise error_for_http_error(error) from error
