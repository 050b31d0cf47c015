"""Klaviyo lists as Engage audiences, and user deletion: Segment's ``createAudience``, ``getAudience``, ``onDelete``.

* ``create_list``: the audience's ``listId`` setting when it has one (no request); otherwise a new
  list named after the audience (``POST /api/lists``), whose id is the audience's external id.
* ``get_list``: ``GET /api/lists/<id>`` (the ``listId`` setting's id when there is one); Klaviyo's
  refusal becomes ``APIError(<its detail>, <status>)`` and a list whose id is not the one asked for
  Segment's "Unable to verify ownership" error.
* ``delete_profile``: a data-privacy deletion job for the profile whose id is the event's ``userId``.

The requests are Segment's byte for byte (tests/destinations/klaviyo/conformance/audience_cases.jsonl).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from framework.definition import InputField
from framework.definition.audience_config import (
    AudienceConfig,
    AudienceMode,
    AudienceResult,
    CreateAudienceInput,
    GetAudienceInput,
)
from framework.errors import APIError, IntegrationError, PayloadValidationError

from .api import API_URL, send
from .classifier import answer_detail

if TYPE_CHECKING:
    import requests

    from framework.definition import ExecuteInput
    from framework.http import RequestClient

__all__ = ["AUDIENCE_CONFIG", "AUDIENCE_FIELDS", "create_list", "delete_profile", "get_list"]

AUDIENCE_FIELDS: dict[str, InputField] = {
    "listId": InputField(
        label="List Id",
        description=(
            "The default List ID to subscribe users to. This list takes precedence over the new list "
            "segment auto creates when attaching this destination to an audience."
        ),
        type="string",
    ),
}
NOT_OWNED = "Unable to verify ownership over audience. Segment Audience ID doesn't match The Klaviyo List Id."


def create_list(request: RequestClient, data: CreateAudienceInput) -> AudienceResult:
    """The list for a new audience: the one its ``listId`` names, or a new one named after it."""
    chosen = (data.audience_settings or {}).get("listId")
    if chosen:
        return AudienceResult(external_id=str(chosen))
    if not data.audience_name:
        raise PayloadValidationError("Missing audience name value")
    if not data.settings.get("api_key"):
        raise PayloadValidationError("Missing Api Key value")
    body = {"data": {"type": "list", "attributes": {"name": data.audience_name}}}
    return AudienceResult(external_id=_list_id(send(request, "lists", "POST", body), "creating the list"))


def get_list(request: RequestClient, data: GetAudienceInput) -> AudienceResult:
    """The audience's list, checked to exist in this account and to have the id asked for."""
    wanted = str((data.audience_settings or {}).get("listId") or data.external_id)
    response = request.request(f"{API_URL}/lists/{wanted}", "GET", throw_http_errors=False)
    if not 200 <= response.status_code < 300:  # fetch's ok (requests' counts 3xx as ok)
        raise APIError(answer_detail(response), response.status_code)
    found = _list_id(response, "reading the list")
    if found != wanted:
        raise IntegrationError(NOT_OWNED, "INVALID_REQUEST_DATA", 400)
    return AudienceResult(external_id=found)


def delete_profile(request: RequestClient, data: ExecuteInput) -> requests.Response:
    """``on_delete``: ask Klaviyo to delete the profile whose id is the user id (a data-privacy deletion job)."""
    profile: dict[str, Any] = {"type": "profile"}
    if data.payload.get("userId") is not None:
        profile["id"] = data.payload["userId"]
    body = {"data": {"type": "data-privacy-deletion-job", "attributes": {"profile": {"data": profile}}}}
    return send(request, "data-privacy-deletion-jobs/", "POST", body)


def _list_id(response: requests.Response, doing: str) -> str:
    """``data.id`` of Klaviyo's answer, or an error saying the answer had none."""
    try:
        return str(response.json()["data"]["id"])
    except (ValueError, KeyError, TypeError):
        raise IntegrationError(
            f"Klaviyo's answer to {doing} has no data.id (status {response.status_code}).", "INVALID_RESPONSE", 502
        ) from None


AUDIENCE_CONFIG = AudienceConfig(
    mode=AudienceMode(type="synced", full_audience_sync=False),
    create_audience=create_list,
    get_audience=get_list,
)
