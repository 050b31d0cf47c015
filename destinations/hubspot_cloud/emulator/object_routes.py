"""The emulated endpoints ``upsertObject`` (Custom Object V2) calls: property schemas, batch records, v4 links.

* ``GET /crm/v3/properties/<type>`` answers the type's property definitions (``?dataSensitivity=
  sensitive``: the sensitive ones); ``POST …/batch/create`` adds definitions (a name defined twice:
  409, as HubSpot);
* ``POST /crm/v3/objects/<type>/batch/{read,create,update,upsert}`` find records by the unique
  ``idProperty`` (``hs_object_id``: the record id); answers carry ``results`` with that property;
* ``POST /crm/v4/associations/<from>/<to>/batch/create`` links records (an unknown id: 400).

Singular type names (``contact``, ``company``, ``deal``, ``ticket``) are the plural stores'.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .routes import Answer, Call
    from .store import HubSpotStore

__all__ = ["OBJECT_ROUTES"]

PLURAL = {"contact": "contacts", "company": "companies", "deal": "deals", "ticket": "tickets"}


def _stored(object_type: str) -> str:
    return PLURAL.get(object_type, object_type)


def _inputs(call: Call) -> list[dict[str, Any]]:
    body = call.body if isinstance(call.body, dict) else {}
    return [item for item in body.get("inputs") or [] if isinstance(item, dict)]


def _find(held: dict[str, dict[str, Any]], id_property: str, value: Any) -> str | None:
    if id_property == "hs_object_id":
        return str(value) if str(value) in held else None
    return next((key for key, props in held.items() if str(props.get(id_property)) == str(value)), None)


def _result(record_id: str, properties: dict[str, Any], id_property: str) -> dict[str, Any]:
    shown = {**properties, "hs_object_id": record_id}
    return {"id": record_id, "properties": {**properties, id_property: shown.get(id_property)}, "archived": False}


def read_properties(store: HubSpotStore, call: Call, object_type: str) -> Answer:
    sensitive = call.query.get("dataSensitivity") == "sensitive"
    return 200, {"results": store.property_definitions(_stored(object_type), sensitive)}


def create_properties(store: HubSpotStore, call: Call, object_type: str) -> Answer:
    created = []
    for item in _inputs(call):
        definition = {**item, "hasUniqueValue": False, "modificationMetadata": {"readOnlyValue": False}}
        if not store.define_property(_stored(object_type), definition):
            return 409, {
                "status": "error",
                "message": f"Property {item.get('name')} already exists",
                "category": "CONFLICT",
            }
        created.append(definition)
    return 201, {"status": "COMPLETE", "results": created}


def batch_records(store: HubSpotStore, call: Call, object_type: str, step: str) -> Answer:
    held = store.records(_stored(object_type))
    body = call.body if isinstance(call.body, dict) else {}
    results = []
    for item in _inputs(call):
        id_property = str(item.get("idProperty") or body.get("idProperty") or "hs_object_id")
        value = item.get("id", (item.get("properties") or {}).get(id_property))
        found = _find(held, id_property, value)
        if step == "read" or (step == "update" and found is None):
            if found is not None:
                results.append(_result(found, held[found], id_property))
            continue
        if step == "create" and found is not None:
            return 409, {
                "status": "error",
                "message": f"A record with {id_property}={value} exists",
                "category": "CONFLICT",
            }
        record_id = store.write_record(_stored(object_type), found, dict(item.get("properties") or {}))
        if record_id is not None:
            results.append(_result(record_id, held[record_id], id_property))
    return 200, {"status": "COMPLETE", "results": results}


def batch_links(store: HubSpotStore, call: Call, from_type: str, to_type: str) -> Answer:
    for item in _inputs(call):
        from_id, to_id = str((item.get("from") or {}).get("id")), str((item.get("to") or {}).get("id"))
        if not store.link(_stored(from_type), from_id, _stored(to_type), to_id, item.get("types") or []):
            return 400, {
                "status": "error",
                "message": f"No record {from_id} or {to_id}",
                "category": "VALIDATION_ERROR",
            }
    return 201, {"status": "COMPLETE", "results": []}


_O = "/crm/v3/objects/([^/]+)/batch"
OBJECT_ROUTES: list[tuple[str, re.Pattern[str], Callable[..., Answer]]] = [
    ("GET", re.compile("^/crm/v3/properties/([^/]+)$"), read_properties),
    ("POST", re.compile("^/crm/v3/properties/([^/]+)/batch/create$"), create_properties),
    ("POST", re.compile(f"^{_O}/(read|create|update|upsert)$"), batch_records),
    ("POST", re.compile("^/crm/v4/associations/([^/]+)/([^/]+)/batch/create$"), batch_links),
]
