"""Record what Segment's own Salesforce (Actions) destination sends for generated cases, into ``cases.jsonl``.

Run where Segment's engine is installed (``/work/shared/peer/setup.sh``; ``make record`` runs every
recorder): cases come from a fixed seed, go through ``segment_peer.js`` (kind ``destination``,
``salesforce``) and are stored with Segment's requests and result; ``test_conformance.py`` replays them.

    .venv/bin/python tests/destinations/salesforce/conformance/record.py [--peer /tmp/segment-peer]

Mappings start from Segment's own defaults, read from its published definition when recording (so
they are not ours). Cases, per action (V1 and V2): every operation / sync mode over identify, group
and track events (missing fields, unicode, quotes, numbers as strings, nested objects), record
matchers (an ``Id``, one field, several with AND, numbers and booleans), ``customFields``, settings
(instance URL with and without its slash, sandbox, an invalid or empty one), Salesforce's answers
(created, found, none, several, a malformed lookup, 400, 401 then a refresh, refused refreshes, 429,
500 at each step), and Bulk API batches (insert, update, upsert, delete, each step failing).
"""

from __future__ import annotations

import json
import random
import subprocess
import sys
from pathlib import Path
from typing import Any

from framework.testing.peer_destinations import recorder_main

__all__ = ["generate_cases", "main"]

HERE = Path(__file__).parent
CASES_FILE = HERE / "cases.jsonl"
SEED = 20261207
PEER = Path("/tmp/segment-peer")
TEXTS = ["Ann", "Zoë", "李", "O'Brien", 'say "hi"', "emoji 🎉", "comma, inside"]
NUMBERISH = ["42", "0", "3.50", "007"]
V1 = ["lead", "contact", "account", "opportunity", "cases", "customObject"]
MODES = {"create": "add", "update": "update", "upsert": "upsert", "delete": "delete"}
INSTANCE = "https://acme.my.salesforce.com"

CREATED = {"status": 201, "body": {"id": "00Q000000000001", "success": True, "errors": []}}
NO_CONTENT = {"status": 204, "body": ""}
FOUND = {"status": 200, "body": {"totalSize": 1, "done": True, "records": [{"attributes": {"type": "X"}, "Id": "00Q000000000009"}]}}  # fmt: skip
NONE = {"status": 200, "body": {"totalSize": 0, "done": True, "records": []}}
SEVERAL = {"status": 200, "body": {"totalSize": 2, "done": True, "records": [{"Id": "a"}, {"Id": "b"}]}}
MALFORMED = {"status": 200, "body": {"done": True}}
BAD = {"status": 400, "body": [{"message": "Required fields are missing: [LastName]", "errorCode": "REQUIRED_FIELD_MISSING", "fields": ["LastName"]}]}  # fmt: skip
EXPIRED = {"status": 401, "body": [{"message": "Session expired or invalid", "errorCode": "INVALID_SESSION_ID"}]}
SLOW = {"status": 429, "body": [{"message": "Too many requests", "errorCode": "REQUEST_LIMIT_EXCEEDED"}], "headers": {"content-type": "application/json", "retry-after": "3"}}  # fmt: skip
BOOM = {"status": 500, "body": [{"message": "An unexpected error occurred.", "errorCode": "UNKNOWN_EXCEPTION"}]}
TOKEN = {"status": 200, "body": {"access_token": "access-refreshed", "instance_url": INSTANCE, "token_type": "Bearer"}}
BUSY = {
    "status": 400,
    "body": {"error": "invalid_grant", "error_description": "token request is already being processed"},
}
REVOKED = {"status": 400, "body": {"error": "invalid_grant", "error_description": "expired access/refresh token"}}
ERRORS = [("400", BAD), ("429", SLOW), ("500", BOOM)]
JOB = {"status": 200, "body": {"id": "7500000000000001", "state": "Open", "object": "Lead"}}
UPLOADED = {"status": 201, "body": ""}
CLOSED = {"status": 200, "body": {"id": "7500000000000001", "state": "UploadComplete"}}


def _from_either(key: str) -> dict[str, Any]:
    """``traits.<key>`` on identify and group events, ``properties.<key>`` on tracks."""
    return {"@if": {"exists": {"@path": f"$.traits.{key}"}, "then": {"@path": f"$.traits.{key}"},
                    "else": {"@path": f"$.properties.{key}"}}}  # fmt: skip


def segment_defaults(peer: Path = PEER) -> dict[str, dict[str, Any]]:
    """Each action's default mapping as Segment's published definition has it (read, not written out)."""
    script = ("const d=require('@segment/action-destinations/dist/destinations/salesforce').default;"
              "const out={};for(const [k,a] of Object.entries(d.actions)){out[k]={};"
              "for(const [f,x] of Object.entries(a.fields)){if(x.default!==undefined)out[k][f]=x.default}}"
              "console.log(JSON.stringify(out))")  # fmt: skip
    done = subprocess.run(["node", "-e", script], capture_output=True, text=True, cwd=peer, check=True, timeout=60)
    return dict(json.loads(done.stdout))


class CaseMaker:
    """Random but reproducible events, mappings and settings."""

    def __init__(self, seed: int, defaults: dict[str, dict[str, Any]]) -> None:
        self.rng = random.Random(seed)
        self.defaults = defaults

    def maybe(self, value: Any, chance: float = 0.6) -> Any:
        return value if self.rng.random() < chance else None

    def traits(self) -> dict[str, Any]:
        bag: dict[str, Any] = {}
        for key in ("first_name", "last_name", "email", "company", "name", "phone", "website", "description"):
            chance = 0.9 if key in ("last_name", "email", "name") else 0.6
            value = self.maybe(
                self.rng.choice(TEXTS) if key != "email" else f"ann{self.rng.randrange(99)}@example.com", chance
            )
            if value is not None:
                bag[key] = value
        if self.rng.random() < 0.5:
            bag["address"] = {"city": self.rng.choice(TEXTS), "postal_code": self.rng.choice(NUMBERISH),
                              "street": "1 Main St", "state": "CA", "country": self.rng.choice(["US", "Deutschland"])}  # fmt: skip
        if self.rng.random() < 0.5:
            bag["employees"] = self.rng.choice([12, "250", 0, 3.0])
        if self.rng.random() < 0.4:
            bag["plan"] = self.rng.choice(["pro", "Zoë's plan", 7, True])
        return bag

    def event(self, action: str) -> dict[str, Any]:
        kind = (
            "group"
            if action.startswith("account") and self.rng.random() < 0.7
            else self.rng.choice(["identify", "track"])
        )
        bag = self.traits()
        event: dict[str, Any] = {"type": kind, "userId": self.rng.choice(["user-1", "ü-2", "42"]),
                                 "messageId": f"m-{self.rng.randrange(10**9)}", "timestamp": "2026-12-06T12:00:00.000Z"}  # fmt: skip
        if kind == "track":
            event["event"] = self.rng.choice(["Signed Up", "Order Completed"])
            event["properties"] = bag
        else:
            event["traits"] = bag
        if kind == "group":
            event["groupId"] = self.rng.choice(["grp-1", "1234", "Ünïcode"])
        return event

    def matchers(self, action: str) -> tuple[dict[str, Any], str | None]:
        """Record matchers and their operator (None: the default)."""
        roll = self.rng.random()
        if roll < 0.2:
            return {"Id": "00Q000000000077"}, None
        if roll < 0.55:
            return {"Email": _from_either("email")}, None
        if roll < 0.75:
            return {"Email": _from_either("email"), "External_Id__c": {"@path": "$.userId"}}, "AND"
        if roll < 0.85:
            return {"NumberOfEmployees": {"@path": "$.traits.employees"}, "Active__c": True}, "OR"
        return {"Last-Name!": {"@path": "$.traits.last_name"}}, self.rng.choice([None, "OR"])

    def mapping(self, action: str, mode: str) -> dict[str, Any]:
        mapping = json.loads(json.dumps(self.defaults[action]))
        v2 = action.endswith("2")
        if v2:
            mapping["__segment_internal_sync_mode"] = MODES[mode]
        else:
            mapping["operation"] = mode
        if mode != "create" or self.rng.random() < 0.2:
            traits, operator = self.matchers(action)
            mapping["traits"] = traits
            if operator:
                mapping["recordMatcherOperator"] = operator
        if self.rng.random() < 0.5 or action.startswith("customObject"):
            mapping["customFields"] = {"Plan__c": {"@path": "$.traits.plan"}, "Source__c": "segment"}
            if self.rng.random() < 0.3:
                mapping["customFields"]["Nested__c"] = {"@path": "$.traits.address"}
        if action.startswith("customObject"):
            mapping["customObjectName"] = self.rng.choice(["Order__c", "Account", "Ünï__c"])
            if self.rng.random() < 0.1:
                mapping.pop("customFields")
        if action.startswith("opportunity") and self.rng.random() < 0.7:
            mapping.update({"close_date": "2026-12-31", "name": {"@path": "$.traits.name"}, "stage_name": "Prospecting",
                            "amount": self.rng.choice(["1000", {"@path": "$.traits.employees"}])})  # fmt: skip
        if action.startswith("contact") and self.rng.random() < 0.4:
            mapping["account_id"] = "0018c00002CDThnAAH"
        if action.startswith("account") and self.rng.random() < 0.3:
            mapping["shipping_city"] = {"@path": "$.traits.address.city"}
        return mapping

    def settings(self) -> dict[str, Any]:
        roll = self.rng.random()
        if roll < 0.6:
            return {"instanceUrl": INSTANCE}
        if roll < 0.75:
            return {"instanceUrl": INSTANCE + "/", "isSandbox": False}
        if roll < 0.92:
            return {"instanceUrl": "https://acme--test.sandbox.my.salesforce.com", "isSandbox": True}
        return {"instanceUrl": self.rng.choice(["http://acme.my.salesforce.com", "https://evil.example.com", ""])}

    def oauth(self) -> dict[str, Any]:
        return {"access_token": f"access-{self.rng.randrange(10**6)}", "refresh_token": "refresh-1",
                "clientId": "client-id", "clientSecret": "client-secret"}  # fmt: skip


def _replies(mode: str, maker: CaseMaker, mapping: dict[str, Any]) -> tuple[str, list[dict[str, Any]]]:
    """A named sequence of Salesforce answers for one event."""
    by_id = bool((mapping.get("traits") or {}).get("Id")) and mode in ("update", "delete")
    write = CREATED if mode == "create" else NO_CONTENT
    options: list[tuple[str, list[dict[str, Any]]]] = [("ok", [write] if by_id or mode == "create" else [FOUND, write])]
    if mode in ("update", "upsert", "delete") and not by_id:
        options += [("none", [NONE, CREATED]), ("several", [SEVERAL]), ("malformed", [MALFORMED]),
                    *[(f"lookup-{name}", [reply]) for name, reply in ERRORS]]  # fmt: skip
    first = [] if by_id or mode == "create" else [FOUND]
    options += [(f"write-{name}", [*first, reply]) for name, reply in ERRORS]
    options += [("401-refresh", [*first, EXPIRED, TOKEN, write]), ("401-busy", [*first, EXPIRED, BUSY]),
                ("401-revoked", [*first, EXPIRED, REVOKED])]  # fmt: skip
    name, replies = options[0] if maker.rng.random() < 0.35 else maker.rng.choice(options)
    return name, json.loads(json.dumps(replies))


def _case(index: int, name: str, action: str, maker: CaseMaker, **parts: Any) -> dict[str, Any]:
    return {"id": f"{index:04d}-{action}-{name}", "kind": "destination", "destination": "salesforce",
            "settings": maker.settings(), "oauth": maker.oauth(), **parts}  # fmt: skip


def _subscription(action: str, mapping: dict[str, Any]) -> list[dict[str, Any]]:
    subscribe = 'type = "identify" or type = "track" or type = "group"'
    return [{"subscribe": subscribe, "partnerAction": action, "mapping": mapping}]


def _batch_cases(maker: CaseMaker, start: int, count: int) -> list[dict[str, Any]]:
    """Bulk API batches: 1-4 events, every mode, each step of the job answered well or not."""
    cases = []
    for offset in range(count):
        action = maker.rng.choice([*V1, *[f"{key}2" for key in V1]])
        mode = maker.rng.choice(["create", "create", "update", "upsert", "delete"])
        mapping = maker.mapping(action, mode)
        mapping["enable_batching"] = maker.rng.random() < 0.9
        if mode == "upsert" and maker.rng.random() < 0.85:
            mapping["bulkUpsertExternalId"] = {
                "externalIdName": "External_Id__c",
                "externalIdValue": {"@path": "$.userId"},
            }
        if mode == "update" and maker.rng.random() < 0.85:
            mapping["bulkUpdateRecordId"] = {"@path": "$.traits.sfid"}
        events = [maker.event(action) for _ in range(maker.rng.randint(1, 4))]
        for event in events:
            (event.get("traits") or event.setdefault("properties", {}))["sfid"] = f"00Q{maker.rng.randrange(10**6):06d}"
        name, replies = maker.rng.choice([("bulk-ok", [JOB, UPLOADED, CLOSED]), ("bulk-ok", [JOB, UPLOADED, CLOSED]), ("bulk-no-id", [{"status": 200, "body": {}}]),
                                          ("bulk-create-500", [BOOM]), ("bulk-upload-400", [JOB, BAD, CLOSED]),
                                          ("bulk-upload-500-close-fails", [JOB, BOOM, BOOM]), ("bulk-close-429", [JOB, UPLOADED, SLOW]),
                                          ("bulk-401-refresh", [EXPIRED, TOKEN, JOB, UPLOADED, CLOSED])])  # fmt: skip
        cases.append(_case(start + offset, f"{mode}-{name}", action, maker, events=events,
                           subscriptions=_subscription(action, mapping), replies=json.loads(json.dumps(replies))))  # fmt: skip
    return cases


def generate_cases(count: int = 420, seed: int = SEED) -> list[dict[str, Any]]:
    """``count`` single-event cases over the twelve actions, a third as many batches, then hand-shaped ones."""
    maker = CaseMaker(seed, segment_defaults())
    actions = [*V1, *[f"{key}2" for key in V1]]
    cases: list[dict[str, Any]] = []
    for index in range(count):
        action = actions[index % len(actions)]
        mode = list(MODES)[(index // len(actions)) % len(MODES)]
        mapping = maker.mapping(action, mode)
        name, replies = _replies(mode, maker, mapping)
        cases.append(_case(index, f"{mode}-{name}", action, maker, event=maker.event(action),
                           subscriptions=_subscription(action, mapping), replies=replies))  # fmt: skip
    cases += _batch_cases(maker, 1000, count // 3)
    event = {
        "type": "identify",
        "userId": "user-1",
        "traits": {"last_name": "Ann", "email": "ann@example.com"},
        "messageId": "m-s",
    }
    special: list[tuple[str, str, dict[str, Any]]] = [
        ("no-sync-mode", "lead2", {"last_name": {"@path": "$.traits.last_name"}}),
        ("no-sync-mode", "customObject2", {"customObjectName": "Order__c", "customFields": {"A__c": "b"}}),
        ("unknown-operator", "lead", {"operation": "update", "traits": {"Email": "a@b.c"}, "recordMatcherOperator": "XOR"}),
        ("empty-matchers", "contact", {"operation": "update", "traits": {}}),
        ("comma-in-custom-field", "cases", {"operation": "create", "customFields": {"A,B": "x"}}),
        ("lead-create-no-last-name", "lead", {"operation": "create", "company": "Acme"}),
        ("lead-create-no-last-name", "lead2", {"__segment_internal_sync_mode": "add", "company": "Acme"}),
        ("object-matcher", "contact", {"operation": "delete", "traits": {"Email": {"@path": "$.traits"}}}),
    ]  # fmt: skip
    for offset, (name, action, mapping) in enumerate(special):
        cases.append(_case(2000 + offset, name, action, maker, event=event, subscriptions=_subscription(action, mapping),
                           replies=[FOUND, NO_CONTENT]))  # fmt: skip
        cases[-1]["settings"] = {"instanceUrl": INSTANCE}
    cases.append({**_case(2100, "not-subscribed", "lead", maker, event={**event, "type": "alias"},
                          subscriptions=[{"subscribe": 'type = "identify"', "partnerAction": "lead",
                                          "mapping": {"operation": "create", "last_name": "x"}}])})  # fmt: skip
    password = {"instanceUrl": INSTANCE, "username": "ann@example.com", "auth_password": "pw", "security_token": "tok"}
    cases.append({**_case(2101, "password-flow", "lead", maker, event=event, replies=[TOKEN, CREATED],
                          subscriptions=_subscription("lead", {"operation": "create", "last_name": "x"})),
                  "settings": password})  # fmt: skip
    return cases


def main(argv: list[str] | None = None) -> int:
    """Generate, record and write ``cases.jsonl`` (run from the project folder)."""
    description = (__doc__ or "").splitlines()[0]
    return recorder_main(argv, description=description, generate=generate_cases, cases_file=CASES_FILE, seed=SEED,
                         count=420)  # fmt: skip


if __name__ == "__main__":
    sys.exit(main())
