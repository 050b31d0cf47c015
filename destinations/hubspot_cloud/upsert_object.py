"""``upsertObject`` ("Custom Object V2"): records of any object type, found by a unique id property.

One event or a batch takes the same calls (:mod:`.object_payloads` prepares the payloads first):

1. with properties mapped, ``GET /crm/v3/properties/<type>`` (and ``?dataSensitivity=sensitive``
   for sensitive ones); properties HubSpot lacks are created in the mapping's property group with
   ``POST /crm/v3/properties/<type>/batch/create``;
2. the records, by sync mode: ``upsert`` → ``batch/upsert``; ``update`` → ``batch/read`` by the id
   property, then ``batch/update`` of those found; ``add`` → ``batch/read``, then ``batch/create``
   of those not found;
3. the records to associate, per object type and id property (100 a call): ``batch/upsert`` them
   (association sync mode ``upsert``) or ``batch/read`` them (``read``), then
   ``POST /crm/v4/associations/<type>/<to type>/batch/create`` per object type associated to.

Segment's action answers for a batch as a whole: any refused call fails every event of it; events
dropped in step 2 of :mod:`.object_payloads` count as delivered, as in Segment. Not ported: list
membership and dissociations (behind a Segment feature flag its open-source engine never sets) and
Segment's cache of object schemas (its engine has none either: the properties are read every time).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from framework.definition import ActionDefinition, Choice
from framework.definition.dynamic_fields import DynamicChoices
from framework.definition.sync_modes import SyncModeChoice, SyncModeDefinition
from framework.errors import ActionsError, HTTPError, IntegrationError, PayloadValidationError
from framework.jsvalues import UNDEFINED

from . import crm
from .api import BASE_URL, CRM, answer_of, call
from .classifier import choices_error
from .object_fields import FIELDS
from .object_payloads import hubspot_types, merged_by_id, missing_properties, property_types, valid_payloads
from .properties import defined

if TYPE_CHECKING:
    from framework.definition import ExecuteInput
    from framework.http import RequestClient

__all__ = ["action", "SYNC_MODE"]

BATCH = 100  # HubSpot's largest batch
OBJECT_TYPES = [Choice(label="Contact", value="contact"), Choice(label="Company", value="company"),
                Choice(label="Deal", value="deal"), Choice(label="Ticket", value="ticket"),
                Choice(label="Line Item", value="line_item"), Choice(label="Subscription", value="subscription"),
                Choice(label="Product", value="product"), Choice(label="Appointment", value="0-421"),
                Choice(label="Order", value="order"), Choice(label="Quote", value="quote")]  # fmt: skip

SYNC_MODE = SyncModeDefinition(
    label="Sync Mode",
    description="Specify how Segment should update Records in Hubspot",
    default="update",
    choices=[
        SyncModeChoice(label="Create new records, and update existing records", value="upsert"),
        SyncModeChoice(label="Create new records, but do not update existing records", value="add"),
        SyncModeChoice(label="Update existing records, but do not create new records", value="update"),
    ],
)


def _objects(object_type: str, step: str) -> str:
    return f"{CRM}/objects/{object_type}/batch/{step}"


def _ensure_properties(request: RequestClient, payloads: list[dict[str, Any]], object_type: str,
                       group: Any) -> None:  # fmt: skip
    """Step 1: read the object's properties and create the ones the payloads need and HubSpot lacks."""
    wanted = property_types(payloads, "properties")
    wanted_sensitive = property_types(payloads, "sensitive_properties")
    url = f"{CRM}/properties/{object_type}"
    reads = [url] * bool(wanted) + [f"{url}?dataSensitivity=sensitive"] * bool(wanted_sensitive)
    answers = iter(_all(request, [("GET", read, None) for read in reads]))
    existing = hubspot_types(next(answers)) if wanted else {}
    existing_sensitive = hubspot_types(next(answers)) if wanted_sensitive else {}
    missing = missing_properties(wanted, existing)
    missing_sensitive = missing_properties(wanted_sensitive, existing_sensitive)
    if not missing and not missing_sensitive:
        return
    if not group:
        raise PayloadValidationError('"Property Group" is a required field when creating properties on an Object '
                                     "Schema in Hubspot")  # fmt: skip
    inputs = [_property_input(name, wanted[name], group, False) for name in missing]
    inputs += [_property_input(name, wanted_sensitive[name], group, True) for name in missing_sensitive]
    call(request, "POST", f"{url}/batch/create", {"inputs": inputs})


def _property_input(name: str, kind: tuple[str, str], group: Any, sensitive: bool) -> dict[str, Any]:
    body: dict[str, Any] = {"name": name, "label": name, "groupName": group, "type": kind[0]}
    if sensitive:
        body["dataSensitivity"] = "sensitive"
    body["fieldType"] = "text" if kind[0] == "string" else kind[1]
    if kind[1] == "booleancheckbox":
        body["options"] = [{"label": flag, "value": flag, "hidden": False, "description": flag.title(),
                            "displayOrder": order} for order, flag in ((1, "true"), (2, "false"))]  # fmt: skip
    return body


def _with_ids(payloads: list[dict[str, Any]], answer: dict[str, Any], *, found: bool = True) -> list[dict[str, Any]]:
    """The payloads HubSpot's answer has a record for, with its id (or, ``found=False``, those it has not)."""
    results = answer.get("results") or []
    chosen = []
    for payload in payloads:
        details = payload["object_details"]
        match = next((r for r in results if (r.get("properties") or {}).get(details["id_field_name"])
                      == details["id_field_value"]), None)  # fmt: skip
        if not found:
            if match is None:
                chosen.append(payload)
        elif match is not None:
            chosen.append({**payload, "record_id": match.get("id")})
    return chosen


def _properties_of(payload: dict[str, Any], id_field: str | None) -> dict[str, Any]:
    values = {**(payload.get("properties") or {}), **(payload.get("sensitive_properties") or {})}
    if id_field is not None:
        values[id_field] = payload["object_details"]["id_field_value"]
    return values


def _read(request: RequestClient, object_type: str, payloads: list[dict[str, Any]], id_field: str) -> dict[str, Any]:
    body = {"properties": [id_field], "idProperty": id_field,
            "inputs": [{"id": p["object_details"]["id_field_value"]} for p in payloads]}  # fmt: skip
    return answer_of(call(request, "POST", _objects(object_type, "read"), body))


def _send_records(request: RequestClient, payloads: list[dict[str, Any]], object_type: str,
                  mode: str | None) -> list[dict[str, Any]]:  # fmt: skip
    """Step 2: write the records as the sync mode allows; the payloads written, with their record ids."""
    id_field = payloads[0]["object_details"]["id_field_name"]
    if mode == "upsert":
        inputs = [{"idProperty": id_field, "id": p["object_details"]["id_field_value"],
                   "properties": _properties_of(p, id_field)} for p in payloads]  # fmt: skip
        return _with_ids(
            payloads, answer_of(call(request, "POST", _objects(object_type, "upsert"), {"inputs": inputs}))
        )
    if mode == "update":
        existing = _with_ids(payloads, _read(request, object_type, payloads, id_field))
        if not existing:
            return []
        inputs = [{"idProperty": id_field, "id": p["object_details"]["id_field_value"],
                   "properties": _properties_of(p, None)} for p in existing]  # fmt: skip
        return _with_ids(
            existing, answer_of(call(request, "POST", _objects(object_type, "update"), {"inputs": inputs}))
        )
    if mode == "add":
        new = _with_ids(payloads, _read(request, object_type, payloads, id_field), found=False)
        inputs = [{"idProperty": id_field, "properties": _properties_of(p, id_field)} for p in new]
        return _with_ids(new, answer_of(call(request, "POST", _objects(object_type, "create"), {"inputs": inputs})))
    raise PayloadValidationError(f"Sync Mode must be upsert, add or update (it was {mode!r}).")


def _groups(items: list[dict[str, Any]], keys: tuple[str, ...]) -> list[list[dict[str, Any]]]:
    """Items grouped by the values of ``keys`` (first-seen order), each group cut into batches of 100."""
    grouped: dict[tuple[Any, ...], list[dict[str, Any]]] = {}
    for item in items:
        grouped.setdefault(tuple(item.get(key) for key in keys), []).append(item)
    return [group[start : start + BATCH] for group in grouped.values() for start in range(0, len(group), BATCH)]


def _associations(written: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """The written records' associations, per target object type and id property, each once."""
    links = [{**link, "from_record_id": payload["record_id"]} for payload in written
             for link in payload.get("associations") or [] if link.get("id_field_value") not in (None, "")]  # fmt: skip
    unique = []
    for group in _groups(links, ("object_type", "id_field_name")):
        seen: dict[tuple[Any, ...], dict[str, Any]] = {}
        for link in group:
            seen[
                tuple(link.get(k) for k in ("object_type", "association_label", "id_field_name", "id_field_value"))
            ] = link
        unique.append(list(seen.values()))
    return unique


def _targets(request: RequestClient, groups: list[list[dict[str, Any]]], mode: Any) -> list[dict[str, Any]]:
    """Step 3: find (or create) the records to associate; the links whose target has an id."""
    calls: list[tuple[str, str, Any]] = []
    for group in groups:
        object_type, id_field = group[0]["object_type"], group[0]["id_field_name"]
        if mode == "upsert":
            body: dict[str, Any] = {"inputs": [{"idProperty": link["id_field_name"], "id": link["id_field_value"],
                                                "properties": {link["id_field_name"]: link["id_field_value"]}}
                                               for link in group]}  # fmt: skip
        else:
            body = {"idProperty": id_field, "properties": [id_field],
                    "inputs": [{"id": link["id_field_value"]} for link in group]}  # fmt: skip
        calls.append(("POST", _objects(object_type, "upsert" if mode == "upsert" else "read"), body))
    linked = []
    for group, answer in zip(groups, _all(request, calls), strict=True):
        ids = {}
        for result in answer.get("results") or []:
            for link in group:
                if _loosely_equal(link["id_field_value"], (result.get("properties") or {}).get(link["id_field_name"])):
                    ids[id(link)] = result.get("id")
        linked += [{**link, "record_id": ids[id(link)]} for link in group if ids.get(id(link))]
    return linked


def _loosely_equal(mapped: Any, answered: Any) -> bool:
    """JavaScript's ``==`` for the id values compared here (text against text or a number)."""
    if isinstance(answered, (int, float)) and not isinstance(answered, bool) and isinstance(mapped, str):
        try:
            return float(mapped) == answered
        except ValueError:
            return False
    return bool(mapped == answered)


def _association_type(label: str) -> dict[str, Any]:
    """``"HUBSPOT_DEFINED:3"`` → category and type id as text (no ``:``: no type id), as Segment splits it."""
    parts = str(label).split(":")
    return defined({"associationCategory": parts[0], "associationTypeId": parts[1] if len(parts) > 1 else UNDEFINED})


def _associate(request: RequestClient, object_type: str, links: list[dict[str, Any]]) -> None:
    calls = []
    for group in _groups(links, ("object_type",)):
        inputs = [{"types": [_association_type(link["association_label"])], "from": {"id": link["from_record_id"]},
                   "to": {"id": link["record_id"]}} for link in group]  # fmt: skip
        url = f"{BASE_URL}/crm/v4/associations/{object_type}/{group[0]['object_type']}/batch/create"
        calls.append(("POST", url, {"inputs": inputs}))
    _all(request, calls)


def _all(request: RequestClient, calls: list[tuple[str, str, Any]]) -> list[dict[str, Any]]:
    """Every call sent, then the first refusal raised: Segment sends these together (``Promise.all``)."""
    answers, refusal = [], None
    for method, url, body in calls:
        try:
            answers.append(answer_of(call(request, method, url, body)))
        except ActionsError as error:
            refusal = refusal or error
            answers.append({})
    if refusal is not None:
        raise refusal
    return answers


def _send(request: RequestClient, payloads: list[dict[str, Any]], mode: str | None,
          raw_events: list[Any] | None = None) -> None:  # fmt: skip
    if mode in ("upsert", "update"):
        payloads = merged_by_id(payloads, raw_events)
    if not payloads:
        raise IntegrationError("No payload has an Object ID Field Value.", "HUBSPOT_NO_RECORD_ID", 400)
    first = payloads[0]
    object_type, group = first["object_details"]["object_type"], first["object_details"].get("property_group")
    valid = valid_payloads(payloads)
    if not valid:
        raise IntegrationError(
            'No payload has "Object Type", "ID Field Name" and "ID Field Value".', "HUBSPOT_NO_VALID_PAYLOAD", 400
        )
    _ensure_properties(request, valid, object_type, group)
    written = _send_records(request, valid, object_type, mode)
    links = _targets(request, _associations(written), first.get("association_sync_mode"))
    _associate(request, object_type, links)


def perform(request: RequestClient, data: ExecuteInput) -> None:
    """One event: the batch path with one payload."""
    _send(request, [data.payload], data.sync_mode)


def perform_batch(request: RequestClient, data: ExecuteInput) -> None:
    """A batch: properties checked once, records written 100 a call, then their associations."""
    _send(request, list(data.payload), data.sync_mode, data.raw_data)


def object_type_choices(request: RequestClient, data: ExecuteInput) -> DynamicChoices:
    """The account's custom objects (sorted by label), then HubSpot's standard objects."""
    try:
        custom = crm.custom_object_choices(request)
    except HTTPError as error:
        return choices_error(error, "Unknown error: dynamicReadObjectTypes")
    return DynamicChoices(choices=sorted(custom, key=lambda choice: choice.label) + OBJECT_TYPES)


def _property_choices(request: RequestClient, data: ExecuteInput, sensitive: bool) -> DynamicChoices:
    object_type = ((data.payload or {}).get("object_details") or {}).get("object_type")
    if not object_type:
        return DynamicChoices(error="Select a value from the 'Object Type' field")
    query = "?dataSensitivity=sensitive" if sensitive else ""
    try:
        found = answer_of(request.request(f"{CRM}/properties/{object_type}{query}", "GET")).get("results") or []
    except HTTPError as error:
        return choices_error(error, "Unknown error: dynamicReadProperties")
    writable = [Choice(label=f"{item.get('label')} - {item.get('type')}", value=item.get("name")) for item in found
                if not item.get("hasUniqueValue") and (item.get("modificationMetadata") or {}).get("readOnlyValue") is False]  # fmt: skip
    return DynamicChoices(choices=sorted(writable, key=lambda choice: choice.label.lower()))


def property_choices(request: RequestClient, data: ExecuteInput) -> DynamicChoices:
    """The object type's writable, non-unique properties (``label - type``)."""
    return _property_choices(request, data, False)


def sensitive_property_choices(request: RequestClient, data: ExecuteInput) -> DynamicChoices:
    """The object type's writable, non-unique sensitive properties."""
    return _property_choices(request, data, True)


action = ActionDefinition(
    title="Custom Object V2",
    description="Add, create or update records of any Object type to HubSpot, and optionally assocate that record "
    "with other records of any Object type.",
    fields=FIELDS,
    perform=perform,
    perform_batch=perform_batch,
    sync_mode=SYNC_MODE,
    dynamic_fields={
        "object_details": object_type_choices,
        "properties": property_choices,
        "sensitive_properties": sensitive_property_choices,
        "associations": object_type_choices,
        "dissociations": object_type_choices,
    },  # fmt: skip
)
