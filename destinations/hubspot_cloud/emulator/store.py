"""The emulated HubSpot account's state: contacts by email, companies, associations, custom events.

Plain objects behind one lock (the server is threaded). What it keeps, and how it behaves where the
destination's logic depends on it:

* contacts are keyed by lower-cased email; an update by email of an unknown contact is ``None``
  (HubSpot's 404), a create of a known email a conflict;
* a lifecycle stage only moves forwards (HubSpot's rule), so the destination's clear-then-set path
  is exercised; setting ``""`` clears it;
* companies are found by id or by the unique ``segment_group_id`` property, which must have been
  created first (``group_id_property=False`` starts without it, as a new portal does);
* property definitions (per object type, sensitive or not) are what ``upsertObject`` reads and creates;
* custom event definitions are named ``pe<portal>_<name>``; sent events are kept in arrival order.
"""

from __future__ import annotations

import itertools
import threading
from dataclasses import dataclass, field
from typing import Any

__all__ = ["LIFECYCLE_STAGES", "HubSpotStore", "Conflict"]

LIFECYCLE_STAGES = ("subscriber", "lead", "marketingqualifiedlead", "salesqualifiedlead", "opportunity", "customer",
                    "evangelist", "other")  # fmt: skip


class Conflict(Exception):
    """The record already exists (HubSpot's 409); ``existing`` is its id."""

    def __init__(self, existing: str) -> None:
        super().__init__(existing)
        self.existing = existing


def _stage_allowed(current: str | None, wanted: Any) -> bool:
    if wanted == "" or not current or current not in LIFECYCLE_STAGES or wanted not in LIFECYCLE_STAGES:
        return True
    return LIFECYCLE_STAGES.index(wanted) >= LIFECYCLE_STAGES.index(current)


def _apply(record: dict[str, Any], properties: dict[str, Any]) -> None:
    for key, value in properties.items():
        if key == "lifecyclestage" and not _stage_allowed(record.get(key), value):
            continue
        record[key] = value


@dataclass
class HubSpotStore:
    """One portal's records; every method takes the lock."""

    portal_id: str = "123"
    group_id_property: bool = True
    contacts: dict[str, dict[str, Any]] = field(default_factory=dict)  # id → properties
    companies: dict[str, dict[str, Any]] = field(default_factory=dict)
    associations: set[tuple[str, str]] = field(default_factory=set)  # (company id, contact id)
    # Any other object type (deals, tickets, custom objects): type → id → properties.
    objects: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)
    # Associations between records of any types, v4: (from type, from id, to type, to id, type ids).
    links: list[tuple[str, str, str, str, tuple[Any, ...]]] = field(default_factory=list)
    definitions: dict[str, dict[str, Any]] = field(default_factory=dict)  # full name → definition
    # Property definitions per (object type, sensitive?): name → definition (upsertObject's schema check).
    schemas: dict[tuple[str, bool], dict[str, dict[str, Any]]] = field(default_factory=dict)
    events: list[dict[str, Any]] = field(default_factory=list)
    # Every contact write, in arrival order: (lower-cased email, the properties written); order tests read it.
    contact_writes: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1001))
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def _contact_id(self, email: str) -> str | None:
        wanted = email.lower()
        return next(
            (key for key, props in self.contacts.items() if str(props.get("email", "")).lower() == wanted), None
        )

    def update_contact_by_email(self, email: str, properties: dict[str, Any]) -> tuple[str, dict[str, Any]] | None:
        """The contact updated (id, properties), or None when no contact has this email."""
        with self._lock:
            found = self._contact_id(email)
            if found is None:
                return None
            _apply(self.contacts[found], properties)
            self.contact_writes.append((email.lower(), dict(properties)))
            return found, dict(self.contacts[found])

    def update_contact(self, contact_id: str, properties: dict[str, Any]) -> dict[str, Any] | None:
        with self._lock:
            if contact_id not in self.contacts:
                return None
            _apply(self.contacts[contact_id], {k: v for k, v in properties.items() if k != "email"})
            return dict(self.contacts[contact_id])

    def create_contact(self, properties: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        with self._lock:
            existing = self._contact_id(str(properties.get("email") or ""))
            if existing is not None and properties.get("email"):
                raise Conflict(existing)
            contact_id = str(next(self._ids))
            self.contacts[contact_id] = dict(properties)
            self.contact_writes.append((str(properties.get("email") or "").lower(), dict(properties)))
            return contact_id, dict(properties)

    def find_contacts(self, emails: list[str]) -> tuple[list[tuple[str, dict[str, Any]]], list[str]]:
        """The contacts with these emails (primary or ``hs_additional_emails``) and the emails not found."""
        with self._lock:
            found, missing = [], []
            for email in emails:
                contact_id = self._contact_id(email)
                if contact_id is None:
                    missing.append(email)
                else:
                    found.append((contact_id, dict(self.contacts[contact_id])))
            return found, missing

    def company_by_group(self, group_id: str) -> str | None:
        with self._lock:
            return next(
                (key for key, props in self.companies.items() if props.get("segment_group_id") == group_id), None
            )

    def write_company(self, company_id: str | None, properties: dict[str, Any]) -> str:
        """Update the company (or create one when ``company_id`` is None); its id."""
        with self._lock:
            if company_id is None:
                company_id = str(next(self._ids))
                self.companies[company_id] = {}
            _apply(self.companies[company_id], properties)
            return company_id

    def records(self, object_type: str) -> dict[str, dict[str, Any]]:
        """The records of ``object_type`` (contacts and companies included), by id; the store's own dict."""
        if object_type == "contacts":
            return self.contacts
        if object_type == "companies":
            return self.companies
        return self.objects.setdefault(object_type, {})

    def search(self, object_type: str, filter_groups: list[dict[str, Any]]) -> list[tuple[str, dict[str, Any]]]:
        """Records of ``object_type`` matching any filter group (all of its EQ filters)."""
        with self._lock:
            held = self.records(object_type)
            return [(key, dict(props)) for key, props in held.items()
                    if any(all(str(props.get(f.get("propertyName"))) == str(f.get("value")) for f in group.get("filters") or [])
                           for group in filter_groups)]  # fmt: skip

    def write_record(self, object_type: str, record_id: str | None, properties: dict[str, Any]) -> str | None:
        """Update the record (None when there is no such id) or, without an id, create one; its id."""
        with self._lock:
            held = self.records(object_type)
            if record_id is None:
                record_id = str(next(self._ids))
                held[record_id] = {}
            elif record_id not in held:
                return None
            _apply(held[record_id], properties)
            return record_id

    def link(self, from_type: str, from_id: str, to_type: str, to_id: str, types: list[Any]) -> bool:
        """Associate two records (any types); False when either is unknown."""
        with self._lock:
            if from_id not in self.records(from_type) or to_id not in self.records(to_type):
                return False
            kinds = tuple(str(kind.get("associationTypeId")) for kind in types if isinstance(kind, dict))
            self.links.append((from_type, from_id, to_type, to_id, kinds))
            return True

    def property_definitions(self, object_type: str, sensitive: bool) -> list[dict[str, Any]]:
        """The type's property definitions (its sensitive ones, or the others)."""
        with self._lock:
            return list(self.schemas.get((object_type, sensitive), {}).values())

    def define_property(self, object_type: str, definition: dict[str, Any]) -> bool:
        """Add a property definition; False when the name is taken."""
        sensitive = definition.get("dataSensitivity") == "sensitive"
        with self._lock:
            held = self.schemas.setdefault((object_type, sensitive), {})
            if definition.get("name") in held:
                return False
            held[str(definition.get("name"))] = definition
            return True

    def associate(self, company_id: str, contact_id: str) -> bool:
        with self._lock:
            if company_id not in self.companies or contact_id not in self.contacts:
                return False
            self.associations.add((company_id, contact_id))
            return True

    def definition(self, name: str) -> dict[str, Any] | None:
        with self._lock:
            found = self.definitions.get(name) or self.definitions.get(f"pe{self.portal_id}_{name}")
            return None if found is None else {**found, "properties": list(found["properties"])}

    def define_event(self, body: dict[str, Any]) -> dict[str, Any]:
        with self._lock:
            full_name = f"pe{self.portal_id}_{body.get('name')}"
            if full_name in self.definitions:
                raise Conflict(full_name)
            self.definitions[full_name] = {"name": body.get("name"), "fullyQualifiedName": full_name,
                                           "labels": {"singular": body.get("label")}, "archived": False,
                                           "properties": list(body.get("propertyDefinitions") or [])}  # fmt: skip
            return dict(self.definitions[full_name])

    def add_event_property(self, full_name: str, body: dict[str, Any]) -> bool:
        with self._lock:
            found = self.definitions.get(full_name)
            if found is None:
                return False
            if any(prop.get("name") == body.get("name") for prop in found["properties"]):
                raise Conflict(str(body.get("name")))
            found["properties"].append(dict(body))
            return True

    def record_event(self, body: dict[str, Any]) -> None:
        with self._lock:
            self.events.append(dict(body))
