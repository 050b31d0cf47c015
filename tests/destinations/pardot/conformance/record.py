"""Record what Segment's own Pardot destination sends for generated cases, into ``cases.jsonl``.

CI has no node, so the comparison is split in two: this script (run by hand where Segment's engine is
installed, ``/work/shared/peer/setup.sh``) generates cases from a fixed seed, runs each through
``segment_peer.js`` (kind ``pardot``) and stores the case with Segment's requests and result;
``test_conformance.py`` replays every stored case through our ``DestinationInstance`` with the same
replies and asserts the same requests.

    .venv/bin/python tests/destinations/pardot/conformance/record.py [--peer /tmp/segment-peer]

Cases cover: default and explicit mappings, traits vs properties, values Segment coerces (numbers,
booleans) or drops (null, ""), custom fields (overrides of standard fields, numeric keys, nulls),
missing email and missing required fields, sandbox and production, triggers that do not match, two
subscriptions, a 401 followed by a refresh (success, the two retryable refusals, other refusals), and
Pardot error replies (JSON codes, legacy XML, 5xx, 429, HTML).
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
from pathlib import Path
from typing import Any

from framework.testing.recordings import read_cases, write_recording

__all__ = ["generate_cases", "record", "main"]

HERE = Path(__file__).parent
CASES_FILE = HERE / "cases.jsonl"
SEED = 20261127
IDENTIFY = 'type = "identify"'

STANDARD_KEYS = ("email", "first_name", "last_name", "phone", "company", "title", "website")
ADDRESS_KEYS = ("city", "state", "postal_code", "country", "street")
FIELD_KEYS = ("email", "firstName", "lastName", "salutation", "phone", "company", "jobTitle", "industry",
              "city", "state", "zip", "country", "website")  # fmt: skip


def _if_exists(path: str) -> dict[str, Any]:
    return {"@if": {"exists": {"@path": f"$.traits.{path}"}, "then": {"@path": f"$.traits.{path}"},
                    "else": {"@path": f"$.properties.{path}"}}}  # fmt: skip


# Segment's default mappings for the action (what its UI pre-fills), written out independently of ours.
SEGMENT_DEFAULTS: dict[str, Any] = {
    "email": _if_exists("email"), "firstName": _if_exists("first_name"), "lastName": _if_exists("last_name"),
    "phone": _if_exists("phone"), "company": _if_exists("company"), "jobTitle": _if_exists("title"),
    "city": _if_exists("address.city"), "state": _if_exists("address.state"),
    "zip": _if_exists("address.postal_code"), "country": _if_exists("address.country"),
    "website": _if_exists("website"), "secondaryDeletedSearch": True,
}  # fmt: skip


class CaseMaker:
    """Builds one random but reproducible case at a time."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)

    # -- values --------------------------------------------------------------------------------------

    def text(self) -> str:
        return self.rng.choice(
            [
                "Ann",
                "Bob",
                "Zoë",
                "O'Neil",
                "李",
                "Dream Builder",
                "Krusty Krab",
                "x" * 40,
                "multi word value",
                "  padded  ",
                "Ünïcödé ☃",
                "tab\tand\nnewline",
            ]
        )

    def email(self) -> str:
        return self.rng.choice(
            [
                "ann@example.com",
                "Bob.Smith@Example.org",
                "sponge@seamail.com",
                "zoë@exämple.de",
                "a+tag@sub.example.co.uk",
                "UPPER@EXAMPLE.COM",
            ]
        )

    def scalar(self, key: str) -> Any:
        roll = self.rng.random()
        if roll < 0.70:
            return self.email() if key == "email" else self.text()
        if roll < 0.80:
            return self.rng.choice([42, 0, -7, 3.5, 1e21, 12345678])
        if roll < 0.87:
            return self.rng.choice([True, False])
        if roll < 0.94:
            return None
        return ""

    def bag(self, keys: tuple[str, ...], chance: float) -> dict[str, Any]:
        return {key: self.scalar(key) for key in keys if self.rng.random() < chance}

    def profile(self, chance: float) -> dict[str, Any]:
        values = self.bag(STANDARD_KEYS, chance)
        if self.rng.random() < chance:
            values["address"] = self.bag(ADDRESS_KEYS, 0.7)
        return values

    # -- events, settings, mappings ---------------------------------------------------------------------

    def event(self, kind: str = "identify") -> dict[str, Any]:
        event: dict[str, Any] = {
            "type": kind, "messageId": f"m-{self.rng.randrange(10**9)}", "userId": "user-1",
            "timestamp": "2026-11-27T12:00:00.000Z", "traits": self.profile(self.rng.choice([0.0, 0.5, 0.9])),
            "properties": self.profile(self.rng.choice([0.0, 0.5, 0.9])),
            "context": {"traits": self.profile(0.5)},
        }  # fmt: skip
        if kind == "track":
            event["event"] = self.rng.choice(["Signed Up", "Order Completed"])
        if self.rng.random() < 0.75:
            event["traits"]["email"] = self.email()  # most real identifies carry an address
        if self.rng.random() < 0.6:
            event["properties"]["sds"] = self.rng.choice([True, False, "false", 1, None])
        return event

    def settings(self) -> dict[str, Any]:
        unit = "0Uv" + "".join(self.rng.choice("ABCDEFGHJK0123456789") for _ in range(15))
        settings: dict[str, Any] = {"businessUnitID": unit, "accountID": str(self.rng.randrange(10**6))}
        sandbox = self.rng.choice([True, False, False, None])
        if sandbox is not None:
            settings["isSandbox"] = sandbox
        return settings

    def oauth(self) -> dict[str, Any]:
        return {"access_token": f"access-{self.rng.randrange(10**6)}", "refresh_token": "refresh-1",
                "clientId": "client-id", "clientSecret": "client-secret"}  # fmt: skip

    def path(self, key: str) -> dict[str, Any]:
        root = self.rng.choice(["traits", "properties", "context.traits"])
        return {"@path": f"$.{root}.{key}"}

    def explicit_mapping(self) -> dict[str, Any]:
        mapping: dict[str, Any] = {"email": self.rng.choice([self.path("email"), _if_exists("email")])}
        sources = {
            "firstName": "first_name",
            "lastName": "last_name",
            "phone": "phone",
            "company": "company",
            "jobTitle": "title",
            "website": "website",
            "city": "address.city",
            "zip": "address.postal_code",
        }
        for field, source in sources.items():
            if self.rng.random() < 0.5:
                mapping[field] = self.path(source)
        if self.rng.random() < 0.3:
            mapping["salutation"] = self.rng.choice(["Dr.", "Ms.", {"@path": "$.traits.salutation"}])
        if self.rng.random() < 0.3:
            mapping["industry"] = self.rng.choice(["Retail", {"@template": "{{traits.company}} industry"}])
        mapping["secondaryDeletedSearch"] = self.rng.choice([True, False, True, "true", {"@path": "$.properties.sds"}])
        return mapping

    def custom_fields(self) -> dict[str, Any]:
        keys = self.rng.sample(["Tier__c", "Score__c", "email", "salutation", "firstName", "10", "2", "A", "zip",
                                "Nested__c", "industry"], self.rng.randint(1, 4))  # fmt: skip
        return {key: self.custom_value(key) for key in keys}

    def custom_value(self, key: str) -> Any:
        return self.rng.choice([
            f"{key}-literal", 7, None, True, {"@path": "$.traits.plan"}, {"@path": "$.traits.first_name"},
            {"@path": "$.properties.missing"}, {"@template": "{{traits.email}}"}, {"a": 1, "b": [1, 2]},
        ])  # fmt: skip


# -- scenarios: (weight, builder) -------------------------------------------------------------------------------

Reply = dict[str, Any]
API_OK: Reply = {"status": 201, "body": {"id": 1}}
TOKEN_OK: Reply = {"status": 200, "body": {"access_token": "fresh-token", "token_type": "Bearer"}}
JSON_401: Reply = {"status": 401, "body": {"code": 184, "message": "access_token is invalid, unknown, or malformed"}}


def _json_error(status: int, code: int, message: str) -> Reply:
    return {"status": status, "body": {"code": code, "message": message}}


def _xml(status: int) -> Reply:
    return {
        "status": status,
        "body": '<?xml version="1.0"?><rsp stat="fail" version="1.0"><err code="49">Access Denied</err></rsp>',
        "headers": {"content-type": "text/xml; charset=utf-8"},
    }


REPLY_SCENARIOS: list[tuple[float, str, list[Reply]]] = [
    (40, "default", []),
    (5, "200 with id", [{"status": 200, "body": {"id": 5, "email": "x@example.com"}}]),
    (8, "401 then refresh", [JSON_401, TOKEN_OK, API_OK]),
    (
        3,
        "401 then concurrent refresh (252)",
        [
            JSON_401,
            {
                "status": 400,
                "body": {"error": "invalid_grant", "error_description": "token request is already being processed"},
            },
        ],
    ),
    (
        3,
        "401 then concurrent refresh (250)",
        [
            JSON_401,
            {"status": 400, "body": {"error": "invalid_grant", "error_description": "expired authorization code"}},
        ],
    ),
    (
        3,
        "401 then refresh revoked",
        [
            JSON_401,
            {"status": 400, "body": {"error": "invalid_grant", "error_description": "expired access/refresh token"}},
        ],
    ),
    (
        2,
        "401 then refresh 401",
        [
            JSON_401,
            {"status": 401, "body": {"error": "invalid_grant", "error_description": "Failed to refresh access token"}},
        ],
    ),
    (
        2,
        "401 then refresh 500 text",
        [JSON_401, {"status": 500, "body": "oops", "headers": {"content-type": "text/plain"}}],
    ),
    (2, "401 twice", [JSON_401, TOKEN_OK, JSON_401, TOKEN_OK]),
    (2, "401 xml then refresh", [{**_xml(401)}, TOKEN_OK, API_OK]),
    (3, "code 4", [_json_error(400, 4, "Invalid prospect email address")]),
    (2, "code 180", [_json_error(400, 180, "One or more of the specified fields are invalid")]),
    (2, "code 66", [_json_error(400, 66, "You have exceeded your concurrent request limit")]),
    (2, "code 122", [_json_error(429, 122, "Daily API rate limit met")]),
    (2, "xml 400", [_xml(400)]),
    (2, "xml 403", [_xml(403)]),
    (2, "json 500", [_json_error(500, 183, "Internal error")]),
    (2, "text 503", [{"status": 503, "body": "unavailable", "headers": {"content-type": "text/plain"}}]),
    (2, "html 404", [{"status": 404, "body": "<html>nope</html>", "headers": {"content-type": "text/html"}}]),
    (
        1,
        "429 text",
        [{"status": 429, "body": "slow down", "headers": {"content-type": "text/plain", "retry-after": "3"}}],
    ),
]


def _mapping_for(maker: CaseMaker, style: str) -> dict[str, Any]:
    if style == "defaults":
        return json.loads(json.dumps(SEGMENT_DEFAULTS))
    if style == "defaults+custom":
        return {**json.loads(json.dumps(SEGMENT_DEFAULTS)), "customFields": maker.custom_fields()}
    if style == "explicit+custom":
        return {**maker.explicit_mapping(), "customFields": maker.custom_fields()}
    mapping = maker.explicit_mapping()
    if style == "no secondaryDeletedSearch":
        mapping.pop("secondaryDeletedSearch")
    return mapping


def _base_case(maker: CaseMaker, index: int, style: str) -> dict[str, Any]:
    return {
        "id": f"{index:04d}-{style}", "kind": "pardot", "event": maker.event(),
        "subscriptions": [{"subscribe": IDENTIFY, "partnerAction": "prospects", "mapping": _mapping_for(maker, style)}],
        "settings": maker.settings(), "oauth": maker.oauth(), "replies": [],
    }  # fmt: skip


def _with_replies(maker: CaseMaker, case: dict[str, Any]) -> dict[str, Any]:
    weights = [w for w, _, _ in REPLY_SCENARIOS]
    _, name, replies = maker.rng.choices(REPLY_SCENARIOS, weights)[0]
    case["id"] += f"-{name.replace(' ', '_')}"
    case["replies"] = json.loads(json.dumps(replies))
    if name != "default":
        case["event"]["traits"]["email"] = maker.email()  # so the request is actually sent
    return case


SPONGEBOB = {
    "email": "sponge@seamail.com", "company": "Krusty Krab", "phone": "8888888888", "title": "Dream Builder",
    "website": "test.segment.com", "last_name": "Bob", "first_name": "Sponge",
    "address": {"city": "Bikini Bottom", "postal_code": "12345", "country": "The Ocean", "street": "Pineapple Ln",
                "state": "Water"},
}  # fmt: skip
SEGMENT_EVENT = {"traits": {}, "properties": SPONGEBOB}

# Hand-shaped cases, each a patch over a default-mapping case: ``event`` and ``traits`` update the event,
# ``mapping`` and ``subscription`` the first subscription, ``also`` adds a subscription, ``settings``
# and ``replies`` replace theirs.
SPECIAL_CASES: list[tuple[str, dict[str, Any]]] = [
    ("segment default mappings", {"event": SEGMENT_EVENT}),
    ("segment custom fields", {"event": SEGMENT_EVENT, "mapping": {"customFields": {"A": "1", "B": "2", "C": "3"}}}),
    ("segment duplicate field", {"event": SEGMENT_EVENT, "mapping": {"customFields": {"email": "kevin@segment.com"}}}),
    ("segment missing email", {"event": {"traits": {}, "properties": {"first_name": "Kevin"}}}),
    ("track not subscribed", {"event": {"type": "track", "event": "Signed Up"}}),
    ("track subscribed", {"event": {"type": "track", "event": "Signed Up", "properties": SPONGEBOB},
                          "subscription": {"subscribe": 'type = "track" and event = "Signed Up"'}}),
    ("two subscriptions", {"also": {"subscribe": 'type = "identify" or type = "track"', "partnerAction": "prospects",
                                    "mapping": {"email": {"@path": "$.traits.email"}, "lastName": "Second",
                                                "secondaryDeletedSearch": False}}}),
    ("sandbox as string", {"settings": {"isSandbox": "true"}}),
    ("customFields not an object", {"mapping": {"customFields": {"@path": "$.traits.email"}}}),
    ("email object", {"traits": {"email": {"nested": "a@b.com"}}}),
    ("unknown action", {"subscription": {"partnerAction": "nothing"}}),
    ("custom fields from an event object", {
        "traits": {"extras": {"Zeta__c": "z", "10": "ten", "Alpha__c": {"b": 1, "2": 2}, "email": "swap@example.com"}},
        "mapping": {"customFields": {"@path": "$.traits.extras"}}}),
    ("context traits only", {
        "event": {"traits": {}, "properties": {},
                  "context": {"traits": {"email": "ctx@example.com", "first_name": "C"}}},
        "mapping": {"email": {"@path": "$.context.traits.email"},
                    "firstName": {"@path": "$.context.traits.first_name"}}}),
    ("sandbox refresh", {"settings": {"isSandbox": True}, "replies": [JSON_401, TOKEN_OK, API_OK]}),
    ("templated email", {"traits": {"handle": "tmpl"},
                         "mapping": {"email": {"@template": "{{traits.handle}}@example.com"}}}),
    ("empty strings and nulls", {"event": {"traits": {"email": "e@example.com", "first_name": "", "last_name": None,
                                                      "phone": 0, "company": False}}}),
    ("extra settings", {"settings": {"unexpected": "kept?", "accountID": 12345}}),
]  # fmt: skip


def _apply(case: dict[str, Any], patch: dict[str, Any]) -> None:
    patch = json.loads(json.dumps(patch))  # never share nested objects between cases
    case["event"].update(patch.get("event", {}))
    case["event"]["traits"].update(patch.get("traits", {}))
    case["subscriptions"][0]["mapping"].update(patch.get("mapping", {}))
    case["subscriptions"][0].update(patch.get("subscription", {}))
    case["subscriptions"].extend([patch["also"]] if "also" in patch else [])
    case["settings"].update(patch.get("settings", {}))
    case["replies"] = patch.get("replies", case["replies"])


def _special_cases(maker: CaseMaker, start: int) -> list[dict[str, Any]]:
    """Three variants (random settings, tokens and addresses) of every hand-shaped case."""
    cases: list[dict[str, Any]] = []
    for offset, (name, patch) in enumerate(SPECIAL_CASES):
        for variant in range(3):
            case = _base_case(maker, start + offset * 3 + variant, "defaults")
            case["id"] += f"-{name.replace(' ', '_')}"
            case["event"]["traits"].setdefault("email", maker.email())
            _apply(case, patch)
            cases.append(case)
    return cases


def generate_cases(count: int = 600, seed: int = SEED) -> list[dict[str, Any]]:
    """``count`` random cases plus the hand-shaped ones, reproducible from ``seed``."""
    maker = CaseMaker(seed)
    styles = ["defaults", "defaults+custom", "explicit", "explicit+custom", "no secondaryDeletedSearch"]
    cases = [_with_replies(maker, _base_case(maker, i, maker.rng.choices(styles, [30, 25, 25, 15, 5])[0]))
             for i in range(count)]  # fmt: skip
    return cases + _special_cases(maker, count)


def record(cases: list[dict[str, Any]], peer: Path) -> list[dict[str, Any]]:
    """Run the cases through Segment's engine; each line is ``{"case": …, "segment": …}``."""
    stdin = "".join(json.dumps(case) + "\n" for case in cases)
    done = subprocess.run(["node", str(peer / "segment_peer.js")], input=stdin, capture_output=True, text=True,
                          cwd=peer, check=True, timeout=600)  # fmt: skip
    outputs = {out["id"]: out for out in map(json.loads, done.stdout.splitlines())}
    return [{"case": case, "segment": outputs[case["id"]]} for case in cases]


def kept_cases(generated: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Cases added to the recording by hand (fuzzing finds, ``fuzz-*``): sent to Segment again, so
    regenerating the file re-records them instead of dropping them."""
    ids = {case["id"] for case in generated}
    if not CASES_FILE.exists():
        return []
    return [line["case"] for line in read_cases(CASES_FILE) if line["case"]["id"] not in ids]


def main(argv: list[str] | None = None) -> int:
    """Generate, record and write ``cases.jsonl``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--peer", type=Path, default=Path("/tmp/segment-peer"))
    parser.add_argument("--count", type=int, default=600)
    parser.add_argument("--seed", type=int, default=SEED)
    args = parser.parse_args(argv)
    cases = generate_cases(args.count, args.seed)
    lines = record(cases + kept_cases(cases), args.peer)
    write_recording(
        CASES_FILE, lines, generator="tests/destinations/pardot/conformance/record.py", seed=args.seed, peer=args.peer
    )
    print(f"recorded {len(lines)} cases into {CASES_FILE}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
