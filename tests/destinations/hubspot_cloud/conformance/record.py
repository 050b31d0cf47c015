"""Record what Segment's own HubSpot Cloud Mode (Actions) destination sends, into ``cases.jsonl``.

Run where Segment's engine is installed (``/work/shared/peer/setup.sh``; ``make record`` runs every
recorder): cases come from a fixed seed, go through ``segment_peer.js`` (kind ``destination``,
``hubspot``) and are stored with Segment's requests and result; ``test_conformance.py`` replays them.

    .venv/bin/python tests/destinations/hubspot_cloud/conformance/record.py [--peer /tmp/segment-peer]

Cases, per action: its default mapping and custom mappings over varied events (missing optional
fields, unicode, padded text, numbers as strings, nested objects and arrays in ``properties``,
lifecycle stages), the Hub ID setting set or not, and replies: success, not found (create), a
lifecycle stage HubSpot did not take, the missing ``segment_group_id`` property, company searches
with none, one or two matches, 400, 401 (then the token refresh, answered or refused), 429 and 500
at each step; ``upsertContact`` batches of several contacts, found, missing and mixed.
"""

from __future__ import annotations

import json
import random
import sys
from pathlib import Path
from typing import Any

from framework.testing.peer_destinations import recorder_main

__all__ = ["generate_cases", "main"]

HERE = Path(__file__).parent
CASES_FILE = HERE / "cases.jsonl"
SEED = 20261207
TEXTS = ["Ann", "Zoë", "李", "Ünïcödé ☃", "  padded  ", "emoji 🎉", 'quote " and \\']
NUMBERISH = ["42", "0", "3.50", "007"]
EMAILS = [
    "ann@example.com",
    "Ann.Upper@Example.com",
    "li+tag@example.cn",
    "o'brien@example.ie",
    "ann@example.com",
    "Zoë@Exämple.org",
]  # the last is not an email address: refused before any request
STAGES = ["lead", "Customer", " MarketingQualifiedLead ", "subscriber"]
OAUTH = {"access_token": "access-old", "refresh_token": "refresh-1", "clientId": "client-id",
         "clientSecret": "client-secret"}  # fmt: skip


def _either(first: str, second: str) -> dict[str, Any]:
    return {"@if": {"exists": {"@path": first}, "then": {"@path": first}, "else": {"@path": second}}}


# Segment's defaults, written out independently of ours (what its UI pre-fills).
CONTACT_DEFAULTS: dict[str, Any] = {
    "email": {"@path": "$.traits.email"}, "company": {"@path": "$.traits.company"},
    "firstname": _either("$.traits.first_name", "$.traits.firstName"),
    "lastname": _either("$.traits.last_name", "$.traits.lastName"), "phone": {"@path": "$.traits.phone"},
    "address": {"@path": "$.traits.address.street"}, "city": {"@path": "$.traits.address.city"},
    "state": {"@path": "$.traits.address.state"}, "country": {"@path": "$.traits.address.country"},
    "zip": _either("$.traits.address.postalCode", "$.traits.address.postal_code"),
    "website": {"@path": "$.traits.website"}, "enable_batching": False,
}  # fmt: skip
COMPANY_DEFAULTS: dict[str, Any] = {
    "groupid": _either("$.groupId", "$.context.groupId"), "createNewCompany": True, "associateContact": True,
    "name": {"@path": "$.traits.name"}, "description": {"@path": "$.traits.description"},
    "address": {"@path": "$.traits.address.street"}, "city": {"@path": "$.traits.address.city"},
    "state": {"@path": "$.traits.address.state"},
    "zip": _either("$.traits.address.postalCode", "$.traits.address.postal_code"),
    "domain": {"@path": "$.traits.website"}, "phone": {"@path": "$.traits.phone"},
    "numberofemployees": {"@path": "$.traits.employees"}, "industry": {"@path": "$.traits.industry"},
}  # fmt: skip
EVENT_DEFAULTS: dict[str, Any] = {
    "occurredAt": {"@path": "$.timestamp"},
    "email": _either("$.properties.email", "$.context.traits.email"),
}

OK_CONTACT = {"status": 200, "body": {"id": "501", "properties": {"lifecyclestage": "lead"}}}
CREATED = {"status": 201, "body": {"id": "601", "properties": {}}}
NOT_FOUND = {
    "status": 404,
    "body": {"status": "error", "message": "resource not found", "category": "OBJECT_NOT_FOUND"},
}
BAD = {"status": 400, "body": {"status": "error", "message": "Property values were not valid: [{\"isValid\":false,\"message\":\"Email address is invalid\",\"error\":\"INVALID_EMAIL\",\"name\":\"email\"}]", "category": "VALIDATION_ERROR"}}  # fmt: skip
UNAUTHORIZED = {"status": 401, "body": {"status": "error", "message": "Authentication credentials not found.", "category": "INVALID_AUTHENTICATION"}}  # fmt: skip
TOKEN = {"status": 200, "body": {"access_token": "access-new", "expires_in": 1800, "refresh_token": "refresh-1"}}
TOKEN_REFUSED = {"status": 400, "body": {"status": "BAD_REFRESH_TOKEN", "message": "missing or unknown refresh token"}}
SLOW = {"status": 429, "body": {"status": "error", "message": "You have reached your secondly limit.", "category": "RATE_LIMITS"}, "headers": {"content-type": "application/json", "retry-after": "2"}}  # fmt: skip
BOOM = {"status": 500, "body": {"status": "error", "message": "internal error", "category": "INTERNAL_ERROR"}}
NO_GROUP_PROPERTY = {"status": 400, "body": {"status": "error", "message": "Property values were not valid: [{\"isValid\":false,\"message\":\"Property \\\"segment_group_id\\\" does not exist\",\"error\":\"PROPERTY_DOESNT_EXIST\",\"name\":\"segment_group_id\"}]", "category": "VALIDATION_ERROR"}}  # fmt: skip
ERRORS = [("400", [BAD]), ("401-refreshed", [UNAUTHORIZED, TOKEN, OK_CONTACT]), ("401-refresh-refused", [UNAUTHORIZED, TOKEN_REFUSED]),
          ("429", [SLOW]), ("500", [BOOM])]  # fmt: skip
COMPANY_OK = {"status": 200, "body": {"id": "901"}}
SEARCH_NONE = {"status": 200, "body": {"total": 0, "results": []}}
SEARCH_ONE = {"status": 200, "body": {"total": 1, "results": [{"id": "902", "properties": {"name": "Acme"}}]}}
SEARCH_TWO = {"status": 200, "body": {"total": 2, "results": [{"id": "902"}, {"id": "903"}]}}
REPLIES: dict[str, list[tuple[str, list[dict[str, Any]]]]] = {
    "upsertContact": [("updated", [OK_CONTACT]), ("created", [NOT_FOUND, CREATED]), ("updated", [OK_CONTACT]),
                      ("stage-not-taken", [{"status": 200, "body": {"id": "501", "properties": {"lifecyclestage": "subscriber"}}}, OK_CONTACT, OK_CONTACT]),
                      ("not-found-then-500", [NOT_FOUND, BOOM]), *ERRORS],
    "upsertCompany": [("updated", [COMPANY_OK]), ("search-none", [NOT_FOUND, SEARCH_NONE, COMPANY_OK]),
                      ("search-one", [NOT_FOUND, SEARCH_ONE, COMPANY_OK]), ("search-two", [NOT_FOUND, SEARCH_TWO]),
                      ("search-400", [NOT_FOUND, BAD]), ("no-group-property", [NO_GROUP_PROPERTY, {"status": 201, "body": {}}]),
                      ("create-no-group-property", [NOT_FOUND, SEARCH_NONE, NO_GROUP_PROPERTY, {"status": 409, "body": {}}, COMPANY_OK]),
                      *ERRORS],
    "sendCustomBehavioralEvent": [("sent", [{"status": 204, "body": ""}])] * 4 + ERRORS,
}  # fmt: skip


class CaseMaker:
    """Random but reproducible events and mappings."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)

    def maybe(self, value: Any, chance: float = 0.6) -> Any:
        return value if self.rng.random() < chance else None

    def custom(self) -> dict[str, Any]:
        return {"plan": self.rng.choice(TEXTS), "score": self.rng.choice([*NUMBERISH, 7, 2.5, 1e21]),
                "nested": {"a": [1, "two", {"b": None}], "ключ": True}, "tags": ["x", 2, None, [3, 4], {"k": "v"}],
                "nothing": None, "flag": self.rng.choice([True, False])}  # fmt: skip

    def address(self) -> dict[str, Any]:
        key = self.rng.choice(["postalCode", "postal_code"])
        return {"street": self.rng.choice(TEXTS), "city": self.rng.choice(TEXTS), "state": "CA", "country": "USA",
                key: self.rng.choice(NUMBERISH)}  # fmt: skip

    def identify(self) -> dict[str, Any]:
        traits: dict[str, Any] = {"email": self.maybe(self.rng.choice(EMAILS), 0.95)}
        for key in self.rng.sample(["first_name", "firstName", "last_name", "lastName", "company", "phone", "website"],
                                   self.rng.randint(0, 5)):  # fmt: skip
            traits[key] = self.rng.choice(TEXTS + NUMBERISH)
        if self.rng.random() < 0.5:
            traits["address"] = self.address()
        if self.rng.random() < 0.4:
            traits.update(self.custom())
        return {"type": "identify", "userId": self.rng.choice(["user-1", "ü-2"]), "messageId": f"m-{self.rng.randrange(10**9)}",
                "traits": {k: v for k, v in traits.items() if v is not None}, "timestamp": "2026-12-06T12:00:00.000Z"}  # fmt: skip

    def group(self) -> dict[str, Any]:
        traits: dict[str, Any] = {}
        for key in self.rng.sample(["name", "description", "website", "phone", "industry"], self.rng.randint(0, 5)):
            traits[key] = self.rng.choice(TEXTS)
        if self.rng.random() < 0.5:
            traits["employees"] = self.rng.choice([12, 250, 3])
        if self.rng.random() < 0.5:
            traits["address"] = self.address()
        event: dict[str, Any] = {"type": "group", "userId": "user-1", "messageId": f"m-{self.rng.randrange(10**9)}",
                                 "traits": traits, "timestamp": "2026-12-06T12:00:00.000Z"}  # fmt: skip
        if self.rng.random() < 0.85:
            event["groupId"] = self.rng.choice(["grp-1", "gruppe ü", "42"])
        else:
            event["context"] = {"groupId": "ctx-grp"}
        return event

    def track(self) -> dict[str, Any]:
        event: dict[str, Any] = {"type": "track", "event": self.rng.choice(["Order Completed", "Signed.Up  Now", "Émoji 🎉"]),
                                 "userId": "user-1", "messageId": f"m-{self.rng.randrange(10**9)}",
                                 "properties": self.custom(), "timestamp": self.rng.choice(
                                     ["2026-12-06T12:00:00.000Z", "2026-12-06T13:30:05+01:30"])}  # fmt: skip
        if self.rng.random() < 0.5:
            event["properties"]["email"] = self.rng.choice(EMAILS)
        if self.rng.random() < 0.6:
            event["context"] = {"traits": {"email": self.rng.choice(EMAILS)}}
        return event

    def contact_mapping(self) -> dict[str, Any]:
        mapping = json.loads(json.dumps(CONTACT_DEFAULTS))
        if self.rng.random() < 0.4:
            mapping["lifecyclestage"] = self.rng.choice(STAGES)
        if self.rng.random() < 0.4:
            mapping["properties"] = self.rng.choice(
                [
                    {
                        "plan": {"@path": "$.traits.plan"},
                        "tags": {"@path": "$.traits.tags"},
                        "nested": {"@path": "$.traits.nested"},
                        "company": "Override Co",
                    },
                    {"score": {"@path": "$.traits.score"}, "flag": {"@path": "$.traits.flag"}},
                ]
            )
        return mapping

    def company_mapping(self) -> dict[str, Any]:
        mapping = json.loads(json.dumps(COMPANY_DEFAULTS))
        mapping["associateContact"] = self.rng.random() < 0.15
        if self.rng.random() < 0.2:
            mapping["createNewCompany"] = False
        if self.rng.random() < 0.5:
            mapping["companysearchfields"] = self.rng.choice(
                [{"domain": {"@path": "$.traits.website"}}, {"name": "Acme", "domain": "acme.example"}]
            )
        if self.rng.random() < 0.3:
            mapping["lifecyclestage"] = self.rng.choice(STAGES)
        if self.rng.random() < 0.2:
            mapping["properties"] = self.rng.choice(
                [{"tier": "gold", "segment_group_id": "sneaky"}, {"tier": {"@path": "$.traits.name"}}]
            )
        return mapping

    def event_mapping(self) -> dict[str, Any]:
        mapping = json.loads(json.dumps(EVENT_DEFAULTS))
        mapping["eventName"] = self.rng.choice(
            [
                "pe123_Order Completed",
                "pe123_signed.up",
                "pe999_other",
                "no_prefix",
                {"@template": "pe123_{{event}}"},
                "pe123_checkout",
            ]
        )
        if self.rng.random() < 0.5:
            mapping["properties"] = {
                "plan": {"@path": "$.properties.plan"},
                "tags": {"@path": "$.properties.tags"},
                "nested": {"@path": "$.properties.nested"},
                "score": {"@path": "$.properties.score"},
            }
        if self.rng.random() < 0.2:
            mapping["utk"] = "utk-abc"
        if self.rng.random() < 0.2:
            mapping["objectId"] = {"@path": "$.userId"}
        return mapping


def _case(index: int, name: str, action: str, mapping: dict[str, Any], settings: dict[str, Any],
          replies: list[dict[str, Any]], *, event: Any = None, events: Any = None) -> dict[str, Any]:  # fmt: skip
    case: dict[str, Any] = {"id": f"{index:04d}-{action}-{name}", "kind": "destination", "destination": "hubspot",
                            "subscriptions": [{"subscribe": 'type = "identify" or type = "group" or type = "track"',
                                               "partnerAction": action, "mapping": mapping}],
                            "settings": settings, "oauth": dict(OAUTH), "replies": json.loads(json.dumps(replies))}  # fmt: skip
    if events is not None:
        case["events"] = events
    else:
        case["event"] = event
    return case


def _batch_cases(maker: CaseMaker, start: int) -> list[dict[str, Any]]:
    """``upsertContact`` batches: every contact found, none found, mixed, with stages to retry."""
    cases = []
    for offset in range(24):
        events = [maker.identify() for _ in range(maker.rng.randint(2, 5))]
        for event in events:
            event["traits"]["email"] = maker.rng.choice(
                ["a@example.com", "B@Example.com", "c@example.com", "d@example.com"]
            )
        mapping = {**maker.contact_mapping(), "enable_batching": True, "batch_size": 100}
        emails = list(dict.fromkeys(e["traits"]["email"].lower() for e in events))
        found = [email for email in emails if maker.rng.random() < 0.5]
        missing = [email for email in emails if email not in found]
        read = {"status": 207 if missing else 200, "body": {
            "status": "COMPLETE", "results": [{"id": f"7{n}", "properties": {"email": email, "lifecyclestage": "lead"}}
                                              for n, email in enumerate(found)],
            **({"numErrors": 1, "errors": [{"status": "error", "category": "OBJECT_NOT_FOUND", "message": "not found",
                                           "context": {"ids": missing}}]} if missing else {})}}  # fmt: skip
        updated = {
            "status": 200,
            "body": {
                "status": "COMPLETE",
                "results": [
                    {"id": f"7{n}", "properties": {"lifecyclestage": maker.rng.choice(["lead", "customer"])}}
                    for n, _ in enumerate(found)
                ],
            },
        }
        name = maker.rng.choice(["ok", "ok", "ok", "read-500", "read-429", "read-401", "create-400"])
        written: list[dict[str, Any]] = [read, {"status": 201, "body": {}}, updated] if missing else [read, updated]
        by_name: dict[str, list[dict[str, Any]]] = {"ok": written, "read-500": [BOOM], "read-429": [SLOW], "read-401": [UNAUTHORIZED, TOKEN, *written],
                   "create-400": [read, BAD]}  # fmt: skip
        replies = by_name[name]
        if name == "create-400" and not missing:
            name, replies = "ok", [read, updated]
        cases.append(_case(start + offset, f"batch-{name}", "upsertContact", mapping, {}, replies, events=events))
    return cases


CUSTOM_EVENT_NAMES = ["Order Completed", "signup-done", "Émoji 🎉", "pe123_order_completed"]
CUSTOM_PROPERTIES: dict[str, list[Any]] = {
    "Plan Name": ["pro", "  padded  ", "TRUE", "false"],
    "score": ["42", 7, 2.5, "", "0x1F", None, "abc"],
    "when": ["2026-12-06T12:00:00Z", "2026-12-06", "2026-13-45"],
    "nested": [{"a": [1, 2]}, [3], [], ["x", "y"]],
    "flag": [True, False, "true"],
}


def _cleaned(name: str, allowed: str) -> str:
    """HubSpot's spelling of a name (as its own answers would carry it), written out independently."""
    return "".join(char if char in allowed else "_" for char in name.lower())


def _definition(maker: CaseMaker, event_name: str, properties: dict[str, Any], share: float) -> dict[str, Any]:
    name = _cleaned(event_name, "abcdefghijklmnopqrstuvwxyz0123456789_-")
    known = [{"name": _cleaned(key, "abcdefghijklmnopqrstuvwxyz0123456789_"),
              "type": maker.rng.choice(["string"] * 5 + ["number", "enumeration", "datetime"])}
             for key in properties if maker.rng.random() < share]  # fmt: skip
    return {"status": 200, "body": {"name": name, "fullyQualifiedName": f"pe123_{name}", "archived": maker.rng.random() < 0.05,
                                    "properties": known}}  # fmt: skip


def _custom_event_cases(maker: CaseMaker, start: int, count: int) -> list[dict[str, Any]]:
    """``customEvent``: definitions matching, missing properties, missing entirely, per sync mode; errors."""
    cases = []
    sent = {"status": 204, "body": ""}
    for offset in range(count):
        event = maker.track()
        event["event"] = maker.rng.choice(CUSTOM_EVENT_NAMES)
        keys = maker.rng.sample(sorted(CUSTOM_PROPERTIES), maker.rng.randint(0, 4))
        event["properties"] = {key: maker.rng.choice(CUSTOM_PROPERTIES[key]) for key in keys}
        if maker.rng.random() < 0.05:
            event["properties"]["2fast"] = "x"  # a property name HubSpot cannot take
        object_type = maker.rng.choice(["contact", "contact", "company", "2-123"])
        record: dict[str, Any] = {
            "object_type": object_type,
            "email": _either("$.properties.email", "$.context.traits.email"),
        }
        if object_type != "contact" or maker.rng.random() < 0.3:
            record["object_id"] = maker.rng.choice([101, 7, 55.0, 101, {"@path": "$.userId"}])
        if maker.rng.random() < 0.2:
            record["utk"] = "utk-abc"
        mapping: dict[str, Any] = {
            "event_name": {"@path": "$.event"},
            "record_details": record,
            "properties": {"@path": "$.properties"},
            "occurred_at": {"@path": "$.timestamp"},
        }
        mode = maker.rng.choice(["upsert", "add", "update"])  # Segment's UI always saves one
        mapping["__segment_internal_sync_mode"] = mode
        name = maker.rng.choice(
            ["full", "missing", "none", "none", "get-500", "get-429", "get-401", "get-403", "create-409", "send-400"]
        )
        full = _definition(maker, event["event"], event["properties"], 1.0)
        partial = _definition(maker, event["event"], event["properties"], 0.4)
        created = {"status": 201, "body": {"fullyQualifiedName": "pe123_created"}}
        replies = {"full": [full, sent], "missing": [partial, {"status": 201, "body": {}}, sent],
                   "none": [NOT_FOUND, created, sent], "get-500": [BOOM], "get-429": [SLOW],
                   "get-401": [UNAUTHORIZED, TOKEN, NOT_FOUND, created, sent], "get-403": [{"status": 403, "body": {"message": "scopes"}}],
                   "create-409": [NOT_FOUND, {"status": 409, "body": {"message": "Event pe123_x already exists"}}],
                   "send-400": [full, BAD]}[name]  # fmt: skip
        cases.append(_case(start + offset, f"{name}-{mode}", "customEvent", mapping, {}, replies, event=event))
    # A mapping without a sync mode: Segment's engine passes none (and creates), ours takes the default.
    event = {
        "type": "track",
        "event": "Order Completed",
        "userId": "user-1",
        "properties": {"plan": "pro"},
        "context": {"traits": {"email": "ann@example.com"}},
        "timestamp": "2026-12-06T12:00:00.000Z",
    }
    mapping = {"event_name": {"@path": "$.event"}, "record_details": {"object_type": "contact", "email": {"@path": "$.context.traits.email"}},
               "properties": {"@path": "$.properties"}}  # fmt: skip
    replies = [NOT_FOUND, {"status": 201, "body": {"fullyQualifiedName": "pe123_order_completed"}}, sent]
    cases.append(_case(start + count, "none-no-sync-mode", "customEvent", mapping, {}, replies, event=event))
    return cases


def _custom_object_cases(maker: CaseMaker, start: int, count: int) -> list[dict[str, Any]]:
    """``upsertCustomObjectRecord``: none, one or two found; with and without an association to find."""
    cases = []
    none, one, two = SEARCH_NONE, SEARCH_ONE, SEARCH_TWO
    created = {"status": 201, "body": {"id": "801", "properties": {}}}
    for offset in range(count):
        event = maker.track()
        event["properties"].update({"deal": maker.rng.choice(TEXTS), "amount": maker.rng.choice(NUMBERISH)})
        mapping: dict[str, Any] = {"objectType": maker.rng.choice(["deals", "tickets", "2-4711"]),
                                   "properties": {"dealname": {"@path": "$.properties.deal"}, "amount": {"@path": "$.properties.amount"},
                                                  "tags": {"@path": "$.properties.tags"}, "nested": {"@path": "$.properties.nested"}}}  # fmt: skip
        if maker.rng.random() < 0.8:
            mapping["customObjectSearchFields"] = maker.rng.choice([{"dealname": {"@path": "$.properties.deal"}},
                                                                   {"dealname": "Renewal", "amount": "1200"}])  # fmt: skip
        if maker.rng.random() < 0.2:
            mapping["createNewCustomRecord"] = False
        associate = maker.rng.random() < 0.5
        if associate:
            mapping.update(toObjectType=maker.rng.choice(["contacts", "companies"]),
                           associationLabel=maker.rng.choice(["HUBSPOT_DEFINED:3", "USER_DEFINED:42", "HUBSPOT_DEFINED:x"]),
                           searchFieldsToAssociateCustomObjects={"email": {"@path": "$.properties.email"}})  # fmt: skip
        searched = "customObjectSearchFields" in mapping
        first = [maker.rng.choice([none, one, two])] if searched else []
        partner = [maker.rng.choice([none, one, two])] if associate else []
        name = maker.rng.choice(["ok", "ok", "ok", "search-400", "search-500", "partner-400", "write-429", "write-401"])
        write = [created, {"status": 200, "body": {}}]
        by_name = {"ok": first + partner + write, "search-400": [BAD], "search-500": [BOOM],
                   "partner-400": first + [BAD], "write-429": first + partner + [SLOW],
                   "write-401": first + partner + [UNAUTHORIZED, TOKEN, *write]}  # fmt: skip
        if name == "partner-400" and not associate:
            name = "ok"
        if name in ("search-400", "search-500") and not searched:
            name = "ok"
        cases.append(_case(start + offset, name, "upsertCustomObjectRecord", mapping, {}, by_name[name], event=event))
    return cases


OBJECT_DEFAULTS: dict[str, Any] = {
    "association_sync_mode": "upsert", "timestamp": {"@path": "$.timestamp"},
    "list_details": {"connected_to_engage_audience": False, "should_create_list": True},
    "enable_batching": True, "batch_size": 100, "batch_keys": ["list_details"],
    "traits_or_props": _either("$.properties", "$.traits"),
    "computation_key": {"@path": "$.context.personas.computation_key"},
    "computation_class": {"@path": "$.context.personas.computation_class"},
}  # fmt: skip
OBJECT_PROPERTIES: dict[str, list[Any]] = {
    "plan": ["pro", "  padded  ", "TRUE", "Zoë"], "score": [42, "42", 2.5, 0], "flag": [True, False, "false"],
    "when": ["2026-12-06T12:00:00Z", "2026-12-06", "not a date"], "nested": [{"a": [1, 2]}, ["x", "y"]],
    "gone": [None],
}  # fmt: skip
# What HubSpot says each property is, as (type, fieldType): matching, a text area, a select, or another type.
HUBSPOT_KINDS = [("string", "text"), ("number", "number"), ("enumeration", "booleancheckbox"), ("datetime", "date"),
                 ("date", "date"), ("string", "textarea"), ("enumeration", "select")]  # fmt: skip
LINK_TARGETS = [("company", "domain", "$.properties.company_domain", "HUBSPOT_DEFINED:280"),
                ("deal", "deal_key", "$.properties.deal_key", "USER_DEFINED:77"),
                ("company", "domain", "$.properties.company_domain", "HUBSPOT_DEFINED"),
                ("2-4711", "external_id", "$.properties.userId", "HUBSPOT_DEFINED:9")]  # fmt: skip


def _object_event(maker: CaseMaker, record_id: Any) -> dict[str, Any]:
    keys = maker.rng.sample(sorted(OBJECT_PROPERTIES), maker.rng.randint(1, 5))
    properties = {key: maker.rng.choice(OBJECT_PROPERTIES[key]) for key in keys}
    properties.update(
        id=record_id,
        company_domain=maker.rng.choice(["acme.example", "", "globex.example"]),
        deal_key=maker.rng.choice(["D-1", "D-2"]),
        ssn="123-45-6789",
    )
    minute = maker.rng.randint(0, 59)
    return {"type": "track", "event": "Object Synced", "userId": "user-1", "messageId": f"m-{maker.rng.randrange(10**9)}",
            "properties": properties, "timestamp": maker.rng.choice([f"2026-12-06T12:{minute:02d}:00.000Z", "garbage"])}  # fmt: skip


def _object_mapping(maker: CaseMaker) -> dict[str, Any]:
    mapping = json.loads(json.dumps(OBJECT_DEFAULTS))
    details: dict[str, Any] = {"object_type": maker.rng.choice(["contact", "company", "deal", "2-4711"]),
                               "id_field_name": maker.rng.choice(["email", "external_id", "hs_object_id"]),
                               "id_field_value": {"@path": "$.properties.id"}}  # fmt: skip
    if maker.rng.random() < 0.7:
        details["property_group"] = "segment_properties"
    mapping["object_details"] = details
    if maker.rng.random() < 0.85:
        names = maker.rng.choice([["plan", "score", "flag", "when", "nested", "gone"], ["plan", "when"], ["score"]])
        mapping["properties"] = {maker.rng.choice([name, name.title(), f"My {name}"]): {"@path": f"$.properties.{name}"}
                                 for name in names}  # fmt: skip
        if maker.rng.random() < 0.04:
            mapping["properties"]["2fast"] = "x"  # a property name HubSpot cannot take
    if maker.rng.random() < 0.15:
        mapping["sensitive_properties"] = {"ssn": {"@path": "$.properties.ssn"}}
    if maker.rng.random() < 0.6:
        links = maker.rng.sample(LINK_TARGETS, maker.rng.randint(1, 3))
        mapping["associations"] = [{"object_type": t, "id_field_name": f, "id_field_value": {"@path": path},
                                    "association_label": label} for t, f, path, label in links]  # fmt: skip
    if maker.rng.random() < 0.3:
        mapping["association_sync_mode"] = "read"
    mapping["__segment_internal_sync_mode"] = maker.rng.choice(["upsert", "upsert", "update", "add"])
    return mapping


def _kind_of(value: Any) -> tuple[str, str]:
    """HubSpot's type for a mapped value, written out independently (for answers that agree with it)."""
    if isinstance(value, str) and value.strip().lower() in ("true", "false") or isinstance(value, bool):
        return ("enumeration", "booleancheckbox")
    if isinstance(value, (int, float)):
        return ("number", "number")
    if isinstance(value, str) and len(value) >= 10 and value[:4].isdigit() and value[4] == "-" and value[7] == "-":
        return ("date", "date") if len(value) == 10 else ("datetime", "date")
    return ("string", "text")


def _object_replies(
    maker: CaseMaker, mapping: dict[str, Any], event: dict[str, Any], ids: list[Any]
) -> list[dict[str, Any]]:
    """Plausible answers in the order the calls come (a guess: both engines get the same list anyway)."""
    replies: list[dict[str, Any]] = []
    mapped = {_cleaned(name, "abcdefghijklmnopqrstuvwxyz0123456789_"): event["properties"].get(source["@path"].split(".")[-1])
              for name, source in (mapping.get("properties") or {}).items() if isinstance(source, dict)}  # fmt: skip
    mapped = {name: value for name, value in mapped.items() if value is not None}
    sensitive = {"ssn": "123-45-6789"} if "sensitive_properties" in mapping else {}
    missing = False
    for values in [group for group in (mapped, sensitive) if group]:
        known = [{"name": name, "type": kind[0], "fieldType": kind[1]} for name, value in values.items()
                 if maker.rng.random() < 0.6
                 for kind in [_kind_of(value) if maker.rng.random() < 0.9 else maker.rng.choice(HUBSPOT_KINDS)]]  # fmt: skip
        missing = missing or len(known) < len(values)
        replies.append(
            {
                "status": 200,
                "body": {"results": known + [{"name": "hs_object_id", "type": "number", "fieldType": "number"}]},
            }
        )
    if missing and mapping["object_details"].get("property_group"):
        replies.append({"status": 201, "body": {"status": "COMPLETE", "results": []}})
    id_field = mapping["object_details"]["id_field_name"]
    found = [value for value in ids if maker.rng.random() < 0.6]
    records = {"status": 200, "body": {"status": "COMPLETE", "results": [
        {"id": f"10{n}", "properties": {id_field: value}} for n, value in enumerate(found)]}}  # fmt: skip
    mode = mapping["__segment_internal_sync_mode"]
    if mode == "upsert":
        replies.append({"status": 200, "body": {"status": "COMPLETE", "results": [
            {"id": f"10{n}", "properties": {id_field: value}} for n, value in enumerate(ids)]}})  # fmt: skip
    else:
        replies += [records, records if mode == "update" else {"status": 201, "body": {"status": "COMPLETE", "results": [
            {"id": f"20{n}", "properties": {id_field: value}} for n, value in enumerate(ids) if value not in found]}}]  # fmt: skip
    for link in mapping.get("associations") or []:
        replies.append({"status": 200, "body": {"results": [
            {"id": f"30{n}", "properties": {link["id_field_name"]: value}}
            for n, value in enumerate(["acme.example", "globex.example", "D-1", "D-2", "user-1"])
            if maker.rng.random() < 0.7]}})  # fmt: skip
    replies += [{"status": 201, "body": {"status": "COMPLETE", "results": []}}] * 3
    return replies


def _object_cases(maker: CaseMaker, start: int, count: int) -> list[dict[str, Any]]:
    """``upsertObject``: sync modes, properties known, missing or typed differently, associations; batches; errors."""
    cases = []
    for offset in range(count):
        batch = offset % 3 == 2
        ids = [
            maker.rng.choice(["ann@example.com", "x-1", "77", "bob@example.com", "ann@example.com", "x-1", ""])
            for _ in range(maker.rng.randint(2, 5) if batch else 1)
        ]
        events = [_object_event(maker, record_id) for record_id in ids]
        mapping = _object_mapping(maker)
        if not batch:
            mapping["enable_batching"] = False
        replies = _object_replies(maker, mapping, events[0], list(dict.fromkeys(i for i in ids if i)))
        name = maker.rng.choice(["ok", "ok", "ok", "ok", "400", "401-refreshed", "401-refresh-refused", "429", "500"])
        if name != "ok":
            at = maker.rng.randrange(min(len(replies), 4))
            error = {"400": [BAD], "401-refreshed": [UNAUTHORIZED, TOKEN], "401-refresh-refused": [UNAUTHORIZED, TOKEN_REFUSED],
                     "429": [SLOW], "500": [BOOM]}[name]  # fmt: skip
            replies = replies[:at] + error + (replies if name == "401-refreshed" else [])
        label = f"{'batch-' if batch else ''}{mapping['__segment_internal_sync_mode']}-{name}"
        if batch:
            cases.append(_case(start + offset, label, "upsertObject", mapping, {}, replies, events=events))
        else:
            cases.append(_case(start + offset, label, "upsertObject", mapping, {}, replies, event=events[0]))
    return cases


def generate_cases(count: int = 300, seed: int = SEED) -> list[dict[str, Any]]:
    """``count`` cases spread over the three actions, then the batches and ``customEvent``."""
    maker = CaseMaker(seed)
    cases: list[dict[str, Any]] = []
    actions = list(REPLIES)
    for index in range(count):
        action = actions[index % len(actions)]
        name, replies = maker.rng.choice(REPLIES[action])
        settings = {"portalId": "123"} if maker.rng.random() < 0.5 else {}
        if action == "upsertContact":
            event, mapping = maker.identify(), maker.contact_mapping()
        elif action == "upsertCompany":
            event, mapping = maker.group(), maker.company_mapping()
        else:
            event, mapping = maker.track(), maker.event_mapping()
        cases.append(_case(index, name, action, mapping, settings, replies, event=event))
    return (
        cases
        + _batch_cases(maker, count)
        + _custom_event_cases(maker, 2000, count // 2)
        + _custom_object_cases(maker, 3000, count // 3)
        + _object_cases(maker, 4000, count // 2)
    )


def main(argv: list[str] | None = None) -> int:
    """Generate, record and write ``cases.jsonl`` (run from the project folder)."""
    description = (__doc__ or "").splitlines()[0]
    return recorder_main(argv, description=description, generate=generate_cases, cases_file=CASES_FILE, seed=SEED)


if __name__ == "__main__":
    sys.exit(main())
