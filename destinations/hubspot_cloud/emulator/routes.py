"""The emulated HubSpot API, one function per endpoint the destination calls: (store, request) → answer.

Contacts and companies have their own routes (email and ``segment_group_id`` lookups); any other
object type (deals, tickets, custom objects) has the generic search, create, update and v4
association routes, listed after them; ``upsertObject``'s batch routes are in :mod:`.object_routes`.

A request is ``Call(method, path, query, body)``; an answer is ``(status, body)``. Bodies follow
HubSpot's: ``{id, properties}`` for records, ``{status, message, category}`` for errors, batch
answers with ``results`` and (207) ``errors``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .object_routes import OBJECT_ROUTES
from .store import Conflict, HubSpotStore

__all__ = ["Call", "Answer", "route"]

Answer = tuple[int, Any]


@dataclass(frozen=True)
class Call:
    """One request as the routes see it."""

    method: str
    path: str
    query: dict[str, str]
    body: Any


def _error(status: int, message: str, category: str) -> Answer:
    return status, {"status": "error", "message": message, "category": category}


def _record(record_id: str, properties: dict[str, Any]) -> dict[str, Any]:
    return {"id": record_id, "properties": properties, "archived": False}


def _properties(call: Call) -> dict[str, Any]:
    body = call.body if isinstance(call.body, dict) else {}
    return dict(body.get("properties") or {})


def _missing_group_property() -> Answer:
    problems = [{"isValid": False, "message": 'Property "segment_group_id" does not exist', "error": "PROPERTY_DOESNT_EXIST",
                 "name": "segment_group_id"}]  # fmt: skip
    return _error(400, "Property values were not valid: " + json.dumps(problems), "VALIDATION_ERROR")


def update_contact(store: HubSpotStore, call: Call, key: str) -> Answer:
    if call.query.get("idProperty") == "email":
        updated = store.update_contact_by_email(key, _properties(call))
        return (200, _record(*updated)) if updated else _error(404, "resource not found", "OBJECT_NOT_FOUND")
    found = store.update_contact(key, _properties(call))
    return (200, _record(key, found)) if found is not None else _error(404, "resource not found", "OBJECT_NOT_FOUND")


def create_contact(store: HubSpotStore, call: Call) -> Answer:
    try:
        return 201, _record(*store.create_contact(_properties(call)))
    except Conflict as conflict:
        return _error(409, f"Contact already exists. Existing ID: {conflict.existing}", "CONFLICT")


def read_contacts(store: HubSpotStore, call: Call) -> Answer:
    emails = [str(item.get("id")) for item in (call.body or {}).get("inputs") or []]
    found, missing = store.find_contacts(emails)
    answer: dict[str, Any] = {"status": "COMPLETE", "results": [_record(*contact) for contact in found]}
    if missing:
        answer.update(numErrors=1, errors=[{"status": "error", "category": "OBJECT_NOT_FOUND", "message": "Could not get "
                                            "some CONTACT objects, they may be deleted or not exist.",
                                            "context": {"ids": missing}}])  # fmt: skip
    return (207 if missing else 200), answer


def create_contacts(store: HubSpotStore, call: Call) -> Answer:
    results = []
    for item in (call.body or {}).get("inputs") or []:
        try:
            results.append(_record(*store.create_contact(dict(item.get("properties") or {}))))
        except Conflict as conflict:
            return _error(409, f"Contact already exists. Existing ID: {conflict.existing}", "CONFLICT")
    return 201, {"status": "COMPLETE", "results": results}


def update_contacts(store: HubSpotStore, call: Call) -> Answer:
    results = []
    for item in (call.body or {}).get("inputs") or []:
        found = store.update_contact(str(item.get("id")), dict(item.get("properties") or {}))
        if found is None:
            return _error(404, f"Object {item.get('id')} not found", "OBJECT_NOT_FOUND")
        results.append(_record(str(item.get("id")), found))
    return 200, {"status": "COMPLETE", "results": results}


def update_company(store: HubSpotStore, call: Call, key: str) -> Answer:
    properties = _properties(call)
    if "segment_group_id" in properties and not store.group_id_property:
        return _missing_group_property()
    if call.query.get("idProperty") == "segment_group_id":
        found = store.company_by_group(key)
    else:
        found = key if key in store.companies else None
    if found is None:
        return _error(404, "resource not found", "OBJECT_NOT_FOUND")
    return 200, _record(store.write_company(found, properties), properties)


def create_company(store: HubSpotStore, call: Call) -> Answer:
    properties = _properties(call)
    if "segment_group_id" in properties and not store.group_id_property:
        return _missing_group_property()
    return 201, _record(store.write_company(None, properties), properties)


def search_records(store: HubSpotStore, call: Call, object_type: str) -> Answer:
    found = store.search(object_type, (call.body or {}).get("filterGroups") or [])
    return 200, {"total": len(found), "results": [_record(*record) for record in found]}


def create_record(store: HubSpotStore, call: Call, object_type: str) -> Answer:
    properties = _properties(call)
    record_id = str(store.write_record(object_type, None, properties))
    for association in (call.body or {}).get("associations") or []:
        to_id = str((association.get("to") or {}).get("id"))
        store.link(object_type, record_id, _type_holding(store, to_id), to_id, association.get("types") or [])
    return 201, _record(record_id, properties)


def _type_holding(store: HubSpotStore, record_id: str) -> str:
    """The object type holding ``record_id`` (ids are unique across the emulated portal)."""
    for object_type in ("contacts", "companies", *store.objects):
        if record_id in store.records(object_type):
            return object_type
    return "unknown"


def update_record(store: HubSpotStore, call: Call, object_type: str, record_id: str) -> Answer:
    written = store.write_record(object_type, record_id, _properties(call))
    return (
        (200, _record(record_id, _properties(call)))
        if written
        else _error(404, "resource not found", "OBJECT_NOT_FOUND")
    )


def link_records(store: HubSpotStore, call: Call, from_type: str, from_id: str, to_type: str, to_id: str) -> Answer:
    types = call.body if isinstance(call.body, list) else []
    if not store.link(from_type, from_id, to_type, to_id, types):
        return _error(404, "One or both objects do not exist", "OBJECT_NOT_FOUND")
    return 200, {"fromObjectTypeId": from_type, "fromObjectId": from_id, "toObjectTypeId": to_type, "toObjectId": to_id}


def create_company_property(store: HubSpotStore, call: Call) -> Answer:
    if (call.body or {}).get("name") != "segment_group_id":
        return 201, call.body
    if store.group_id_property:
        return _error(409, "Property named 'segment_group_id' already exists.", "OBJECT_ALREADY_EXISTS")
    store.group_id_property = True
    return 201, call.body


def associate(store: HubSpotStore, call: Call, company: str, contact: str) -> Answer:
    if not store.associate(company, contact):
        return _error(404, "One or both objects do not exist", "OBJECT_NOT_FOUND")
    return 200, {"fromObjectId": company, "toObjectId": contact}


def read_definition(store: HubSpotStore, call: Call, name: str) -> Answer:
    found = store.definition(name)
    return (200, found) if found else _error(404, f"Event definition {name} not found", "OBJECT_NOT_FOUND")


def list_definitions(store: HubSpotStore, call: Call) -> Answer:
    with_properties = call.query.get("includeProperties") == "true"
    results = [store.definition(name) for name in list(store.definitions)]
    return 200, {"results": [d if with_properties else {**d, "properties": []} for d in results if d]}


def create_definition(store: HubSpotStore, call: Call) -> Answer:
    try:
        return 201, store.define_event(call.body or {})
    except Conflict as conflict:
        return _error(409, f"Event {conflict.existing} already exists", "CONFLICT")


def add_event_property(store: HubSpotStore, call: Call, full_name: str) -> Answer:
    try:
        added = store.add_event_property(full_name, call.body or {})
    except Conflict as conflict:
        return _error(409, f"Property {conflict.existing} already exists", "CONFLICT")
    return (201, call.body) if added else _error(404, f"Event definition {full_name} not found", "OBJECT_NOT_FOUND")


def send_event(store: HubSpotStore, call: Call) -> Answer:
    body = call.body if isinstance(call.body, dict) else {}
    if not str(body.get("eventName") or "").startswith(f"pe{store.portal_id}_"):
        return _error(
            400, f"Event {body.get('eventName')} is not an event of portal {store.portal_id}", "VALIDATION_ERROR"
        )
    store.record_event(body)
    return 204, None


_C = "/crm/v3/objects/contacts"
_K = "/crm/v3/objects/companies"
_E = "/events/v3/event-definitions"
ROUTES: list[tuple[str, re.Pattern[str], Callable[..., Answer]]] = [
    ("POST", re.compile(f"^{_C}/batch/read$"), read_contacts),
    ("POST", re.compile(f"^{_C}/batch/create$"), create_contacts),
    ("POST", re.compile(f"^{_C}/batch/update$"), update_contacts),
    ("PATCH", re.compile(f"^{_C}/([^/]+)$"), update_contact),
    ("POST", re.compile(f"^{_C}$"), create_contact),
    ("GET", re.compile(f"^{_C}$"), lambda store, call: (200, {"results": []})),
    ("POST", re.compile(f"^{_K}/search$"), lambda store, call: search_records(store, call, "companies")),
    ("PUT", re.compile(f"^{_K}/([^/]+)/associations/contacts/([^/]+)/company_to_contact$"), associate),
    ("PATCH", re.compile(f"^{_K}/([^/]+)$"), update_company),
    ("POST", re.compile(f"^{_K}$"), create_company),
    ("POST", re.compile("^/crm/v3/properties/companies$"), create_company_property),
    ("GET", re.compile("^/crm/v3/schemas$"), lambda store, call: (200, {"results": []})),
    ("PUT", re.compile("^/crm/v4/objects/([^/]+)/([^/]+)/associations/([^/]+)/([^/]+)$"), link_records),
    ("POST", re.compile("^/crm/v3/objects/([^/]+)/search$"), search_records),
    ("PATCH", re.compile("^/crm/v3/objects/([^/]+)/([^/]+)$"), update_record),
    ("POST", re.compile("^/crm/v3/objects/([^/]+)$"), create_record),
    ("POST", re.compile(f"^{_E}/([^/]+)/property$"), add_event_property),
    ("GET", re.compile(f"^{_E}/([^/]+)/?$"), read_definition),
    ("GET", re.compile(f"^{_E}/?$"), list_definitions),
    ("POST", re.compile(f"^{_E}$"), create_definition),
    ("POST", re.compile("^/events/v3/send$"), send_event),
    *OBJECT_ROUTES,
]


def route(store: HubSpotStore, call: Call) -> Answer:
    """The answer of the endpoint ``call`` names, or HubSpot's 404 for a path it does not serve."""
    for method, pattern, handler in ROUTES:
        matched = pattern.match(call.path)
        if matched and method == call.method:
            return handler(store, call, *matched.groups())
    return _error(404, f"No route for {call.method} {call.path}", "NOT_FOUND")
