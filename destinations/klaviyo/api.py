"""Klaviyo's REST API as the list and profile actions call it (revision ``2025-01-15``, Segment's).

Every request carries ``Authorization: Klaviyo-API-Key <key>``, ``Accept``, ``revision`` and
``Content-Type`` (:func:`klaviyo_headers`, applied by the definition's ``extend_request``).
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from framework.definition import Choice
from framework.definition.dynamic_fields import DynamicChoices
from framework.definition.hooks import HookResult
from framework.errors import ActionsError, HTTPError

from .classifier import error_for_http_error

if TYPE_CHECKING:
    import requests

    from framework.definition import ExecuteInput
    from framework.http import RequestClient

__all__ = ["API_URL", "REVISION", "klaviyo_headers", "send", "create_profile", "add_to_list",
           "remove_from_list", "find_profile_ids", "list_choices", "duplicate_profile_id", "connect_list"]  # fmt: skip

API_URL = "https://a.klaviyo.com/api"
REVISION = "2025-01-15"


def klaviyo_headers(api_key: str) -> dict[str, str]:
    """The headers every Klaviyo call carries (the key goes only into ``Authorization``)."""
    return {"Authorization": f"Klaviyo-API-Key {api_key}", "Accept": "application/json",
            "revision": REVISION, "Content-Type": "application/json"}  # fmt: skip


def send(request: RequestClient, path: str, method: str, body: Any = None) -> requests.Response:
    """One call under ``API_URL``; a refused answer becomes the classifier's error."""
    options = {} if body is None else {"json": body}
    try:
        return request.request(f"{API_URL}/{path}", method, **options)
    except HTTPError as error:
        raise error_for_http_error(error) from error


def duplicate_profile_id(error: HTTPError) -> str | None:
    """The existing profile's id from a 409 duplicate-profile answer (None for any other answer)."""
    if error.response.status_code != 409:
        return None
    try:
        found = json.loads(error.response.text)["errors"][0]["meta"]["duplicate_profile_id"]
    except (ValueError, KeyError, IndexError, TypeError):
        return None
    return str(found) if found else None


def create_profile(request: RequestClient, attributes: dict[str, Any]) -> str:
    """The id of a new profile with ``attributes``, or of the one Klaviyo says already has them (409)."""
    body = {"data": {"type": "profile", "attributes": attributes}}
    try:
        response = request.request(f"{API_URL}/profiles/", "POST", json=body)
    except HTTPError as error:
        existing = duplicate_profile_id(error)
        if existing is None:
            raise error_for_http_error(error) from error
        return existing
    return str(response.json()["data"]["id"])


def add_to_list(request: RequestClient, profile_id: str, list_id: str) -> requests.Response:
    """Make the profile a member of the list."""
    body = {"data": [{"type": "profile", "id": profile_id}]}
    return send(request, f"lists/{list_id}/relationships/profiles/", "POST", body)


def remove_from_list(request: RequestClient, profile_ids: list[str], list_id: str) -> requests.Response:
    """Take the profiles out of the list (they stay in Klaviyo)."""
    body = {"data": [{"type": "profile", "id": profile_id} for profile_id in profile_ids]}
    return send(request, f"lists/{list_id}/relationships/profiles/", "DELETE", body)


def find_profile_ids(request: RequestClient, identifiers: list[tuple[str, list[str]]]) -> list[str]:
    """Ids of the profiles matching any ``(field, values)``, one lookup per field, first seen first."""
    found: list[str] = []
    for field_name, values in identifiers:
        if not values:
            continue
        quoted = '","'.join(values)
        response = send(request, f'profiles/?filter=any({field_name},["{quoted}"])', "GET")
        for profile in response.json().get("data") or []:
            if profile["id"] not in found:
                found.append(profile["id"])
    return found


def list_choices(request: RequestClient, data: ExecuteInput) -> DynamicChoices:
    """The account's lists, for the ``list_id`` field (an error message instead when Klaviyo refuses)."""
    try:
        lists = request.request(f"{API_URL}/lists/", "GET").json()["data"]
    except HTTPError as error:
        return DynamicChoices(error=f"Klaviyo answered {error.response.status_code} listing lists.")
    return DynamicChoices(choices=[Choice(label=item["attributes"]["name"], value=item["id"]) for item in lists])


def connect_list(request: RequestClient, data: ExecuteInput) -> HookResult:
    """``retlOnMappingSave``: use the list named by ``list_identifier``, or create one called ``list_name``."""
    existing = data.hook_inputs.get("list_identifier")
    try:
        if existing:
            found = send(request, f"lists/{existing}", "GET").json()["data"]
            if found["id"] != existing:
                return HookResult(error="The Klaviyo list found does not have the id asked for.")
            message = f"Using existing list '{found['attributes']['name']}' (id: {existing})"
        else:
            body = {"data": {"type": "list", "attributes": {"name": data.hook_inputs.get("list_name")}}}
            found = send(request, "lists", "POST", body).json()["data"]
            message = f"List '{found['attributes']['name']}' (id: {found['id']}) created successfully!"
    except ActionsError as error:
        return HookResult(error=str(error))
    return HookResult(saved_data={"id": found["id"], "name": found["attributes"]["name"]}, success_message=message)
