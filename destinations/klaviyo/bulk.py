"""The batch paths (``perform_batch``) of the profile, list and event actions, on Klaviyo's bulk endpoints.

* ``upsertProfile`` and ``addProfileToList``: one POST ``/profile-bulk-import-jobs/`` with every
  valid profile, related to the batch's list (for upsert the first item's override list, else its
  list; a list saved by the mapping's hook replaces the mapping's list, as in Segment's batch).
* ``removeProfileFromList`` and ``removeProfile``: one lookup per identifier kind for the whole
  batch (``filter=any(email,["a","b"])``), then one DELETE of every profile found from the list.
* ``trackEvent``: one POST ``/event-bulk-create-jobs/``; when Klaviyo points at items of the job
  (``source.pointer`` ``/data/attributes/events-bulk-create/data/<n>``) those items get its error and
  the others a retryable 429, as Segment reads it.

Each returns a ``MultiStatusResponse``: an item that fails the checks (no identifier, an external id
over 255 characters, a phone number that cannot be converted) is refused alone with Segment's
message; the others share the answer of the call they went in.
"""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING, Any

from framework.errors import ActionsError, HTTPError, PayloadValidationError, Resolution
from framework.runtime.multistatus import ItemError, ItemStatus, ItemSuccess, MultiStatusResponse, item_error_from

from .api import API_URL, find_profile_ids, remove_from_list, send
from .classifier import error_for_http_error
from .identifiers import MAX_EXTERNAL_ID_LENGTH, PHONE_NOT_CONVERTED, e164_or_none, identifier_problem
from .track_event import iso_time

if TYPE_CHECKING:
    from framework.definition import ExecuteInput
    from framework.http import RequestClient

__all__ = ["upsert_batch", "add_batch", "remove_batch", "track_batch"]

IMPORT_PATH = "profile-bulk-import-jobs/"
EVENTS_PATH = "event-bulk-create-jobs/"
_ITEM_POINTER = re.compile(r"/data/attributes/events-bulk-create/data/(\d+)")
_NOT_PROFILE = ("list_id", "enable_batching", "batch_size", "override_list_id", "country_code", "batch_keys")
_HELD_BACK = "Not delivered because of other bad events in the same batch to Klaviyo; it will be retried."


def _split(payloads: list[dict[str, Any]]) -> tuple[list[ItemStatus | None], list[int], list[dict[str, Any]]]:
    """Checks every item: statuses so far (refused ones set), the valid positions, their prepared payloads."""
    statuses: list[ItemStatus | None] = [None] * len(payloads)
    valid: list[int] = []
    prepared: list[dict[str, Any]] = []
    for position, given in enumerate(payloads):
        payload = dict(given)
        problem = identifier_problem(payload.get("email"), payload.get("external_id"), payload.get("phone_number"),
                                     payload.get("country_code"))  # fmt: skip
        if problem:
            statuses[position] = item_error_from(PayloadValidationError(problem))
            continue
        if payload.get("phone_number"):
            payload["phone_number"] = e164_or_none(payload["phone_number"], payload.get("country_code"))
            payload.pop("country_code", None)
        valid.append(position)
        prepared.append(payload)
    return statuses, valid, prepared


def _settled(statuses: list[ItemStatus | None], valid: list[int], answer: Any, sent: list[Any]) -> MultiStatusResponse:
    """The valid items' statuses from one call's outcome (an error, or success for each)."""
    for position, item in zip(valid, sent, strict=True):
        statuses[position] = answer if isinstance(answer, ItemError) else ItemSuccess(200, sent=item)
    return MultiStatusResponse([status for status in statuses if status is not None])


def _import(
    request: RequestClient, payloads: list[dict[str, Any]], list_id: Any, keep_override: bool
) -> MultiStatusResponse:
    statuses, valid, prepared = _split(payloads)
    if not valid:
        return MultiStatusResponse([status for status in statuses if status is not None])
    list_id = list_id(prepared) if callable(list_id) else list_id
    dropped = _NOT_PROFILE if keep_override else tuple(key for key in _NOT_PROFILE if key != "override_list_id")
    profiles = [{"type": "profile", "attributes": {k: v for k, v in p.items() if k not in dropped}} for p in prepared]
    data: dict[str, Any] = {"type": "profile-bulk-import-job", "attributes": {"profiles": {"data": profiles}}}
    if list_id:
        data["relationships"] = {"lists": {"data": [{"type": "list", "id": list_id}]}}
    return _settled(statuses, valid, _call(lambda: send(request, IMPORT_PATH, "POST", {"data": data})), profiles)


def _call(call: Any) -> ItemError | None:
    try:
        call()
    except ActionsError as error:
        return item_error_from(error)
    return None


def upsert_batch(request: RequestClient, data: ExecuteInput) -> MultiStatusResponse:
    """``upsertProfile``'s batch: one profile import job."""
    saved = ((data.hook_outputs.get("retlOnMappingSave") or {}).get("outputs") or {}).get("id")
    payloads = [{**p, "list_id": saved} if saved else p for p in data.payload]

    def list_of(prepared: list[dict[str, Any]]) -> Any:
        return prepared[0].get("override_list_id") or prepared[0].get("list_id")

    return _import(request, payloads, list_of, keep_override=True)


def add_batch(request: RequestClient, data: ExecuteInput) -> MultiStatusResponse:
    """``addProfileToList``'s batch: one profile import job related to the list."""
    payloads = list(data.payload)
    return _import(request, payloads, payloads[0].get("list_id") if payloads else None, keep_override=False)


def remove_batch(request: RequestClient, data: ExecuteInput) -> MultiStatusResponse:
    """The remove actions' batch: the batch's profiles looked up together and taken out of the list at once."""
    statuses, valid, prepared = _split(list(data.payload))
    if not valid:
        return MultiStatusResponse([status for status in statuses if status is not None])
    lookups = [(key, [str(p[key]) for p in prepared if p.get(key)]) for key in ("external_id", "email", "phone_number")]

    def call() -> None:
        profile_ids = find_profile_ids(request, lookups)
        if profile_ids:
            remove_from_list(request, profile_ids, str(prepared[0]["list_id"]))

    return _settled(statuses, valid, _call(call), prepared)


def _event_item(payload: dict[str, Any]) -> dict[str, Any] | str:
    """One event of the bulk job, or why it cannot be sent."""
    profile = dict(payload["profile"])
    if not any(profile.get(key) for key in ("email", "phone_number", "external_id", "anonymous_id")):
        return "One of External ID, Anonymous ID, Phone Number or Email is required."
    if profile.get("external_id") and len(str(profile["external_id"])) > MAX_EXTERNAL_ID_LENGTH:
        return identifier_problem(None, profile["external_id"], None, None) or ""
    if profile.get("phone_number"):
        converted = e164_or_none(profile["phone_number"], profile.get("country_code"))
        if converted is None:
            return PHONE_NOT_CONVERTED
        profile["phone_number"] = converted
        profile.pop("country_code", None)
    event: dict[str, Any] = {"metric": {"data": {"type": "metric", "attributes": {"name": payload["metric_name"]}}},
                             "properties": dict(payload["properties"])}  # fmt: skip
    if payload.get("time"):
        event["time"] = iso_time(payload["time"])
    for key in ("value", "unique_id"):
        if key in payload:
            event[key] = payload[key]
    return {"type": "event-bulk-create", "attributes": {
        "profile": {"data": {"type": "profile", "attributes": profile}},
        "events": {"data": [{"type": "event", "attributes": event}]}}}  # fmt: skip


def track_batch(request: RequestClient, data: ExecuteInput) -> MultiStatusResponse:
    """``trackEvent``'s batch: one event bulk-create job; Klaviyo's pointers say which items it refused."""
    payloads = list(data.payload)
    statuses: list[ItemStatus | None] = [None] * len(payloads)
    valid: list[int] = []
    items: list[dict[str, Any]] = []
    for position, payload in enumerate(payloads):
        try:
            item = _event_item(payload)
        except PayloadValidationError as error:
            item = str(error)
        if isinstance(item, str):
            statuses[position] = item_error_from(PayloadValidationError(item))
        else:
            valid.append(position)
            items.append(item)
    if not valid:
        return MultiStatusResponse([status for status in statuses if status is not None])
    body = {"data": {"type": "event-bulk-create-job", "attributes": {"events-bulk-create": {"data": items}}}}
    try:
        request.request(f"{API_URL}/{EVENTS_PATH}", "POST", json=body)
    except HTTPError as error:
        return _pointed(statuses, valid, items, error)
    return _settled(statuses, valid, None, items)


def _pointed(
    statuses: list[ItemStatus | None], valid: list[int], items: list[Any], error: HTTPError
) -> MultiStatusResponse:
    """Statuses after a refused job: Klaviyo's error on each item it points at, a retry for the rest."""
    try:
        errors = json.loads(error.response.text).get("errors") or []
    except (ValueError, AttributeError):
        errors = []
    pointed: dict[int, ItemError] = {}
    for found in errors if isinstance(errors, list) else []:
        pointer = str(((found or {}).get("source") or {}).get("pointer") or "")
        match = _ITEM_POINTER.search(pointer)
        if match and int(match.group(1)) < len(valid) and valid[int(match.group(1))] not in pointed:
            status = int(found.get("status") or error.response.status_code)
            pointed[valid[int(match.group(1))]] = ItemError(
                status, str(found.get("detail") or ""), body=json.dumps(found)
            )
    if not pointed:
        return _settled(statuses, valid, item_error_from(error_for_http_error(error)), items)
    for position, item in zip(valid, items, strict=True):
        statuses[position] = pointed.get(position) or ItemError(429, _HELD_BACK, "RETRYABLE_BATCH_FAILURE",
                                                                Resolution.RETRY, sent=item)  # fmt: skip
    return MultiStatusResponse([status for status in statuses if status is not None])
