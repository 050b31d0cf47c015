"""Record what Segment's own Klaviyo (Actions) destination sends for generated cases, into ``cases.jsonl``.

Run where Segment's engine is installed (``/work/shared/peer/setup.sh``; ``make record`` runs every
recorder): cases come from a fixed seed, go through ``segment_peer.js`` (kind ``destination``,
``klaviyo``) and are stored with Segment's requests and result; ``test_conformance.py`` replays them.
Then ``record_audiences.py`` records the destination-level calls (createAudience, getAudience, onDelete).

    .venv/bin/python tests/destinations/klaviyo/conformance/record.py [--peer /tmp/segment-peer]

Cases, per action: its default mapping (for the list actions, Segment's presets, which are the
defaults) over varied events (missing identifiers, unicode, numbers as strings, nested properties,
phone numbers valid and not, over-long external ids), Engage audience entered/exited events,
``trackEvent`` over track events (times in several ISO spellings and offsets, value, anonymous ids),
a list from the mapping, the event or the hook, and replies: success, 409 duplicate profile (with
the existing id), no profile found, 400, 401, 429 and 500 at each step.
"""

from __future__ import annotations

import argparse
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
SEED = 20261206
TEXTS = ["Ann", "Zoë", "李", "Ünïcödé ☃", "  padded  ", "emoji 🎉", 'quote " and \\']
NUMBERISH = ["42", "0", "3.50", "007"]
EMAILS = ["ann@example.com", "zoë@exämple.org", "li+tag@example.cn"]
PHONES = ["+14155550100", "+447700900123", "4155550100", "+0123", "not a phone"]
# Segment's defaults, written out independently of ours (what its UI pre-fills).
ADDRESS = {"city": "city", "region": "state", "zip": "postal_code", "address1": "street", "country": "country"}


def _profile_defaults(bag: str) -> dict[str, Any]:
    return {"first_name": {"@path": f"$.{bag}.firstName"}, "last_name": {"@path": f"$.{bag}.lastName"},
            "organization": {"@path": f"$.{bag}.company.name"}, "title": {"@path": f"$.{bag}.title"},
            "image": {"@path": f"$.{bag}.avatar"},
            "location": {key: {"@path": f"$.{bag}.address.{source}"} for key, source in ADDRESS.items()}}  # fmt: skip


LIST_DEFAULT = {"@if": {"exists": {"@path": "$.context.personas.audience_settings.listId"},
                        "then": {"@path": "$.context.personas.audience_settings.listId"},
                        "else": {"@path": "$.context.personas.external_audience_id"}}}  # fmt: skip
DEFAULTS: dict[str, dict[str, Any]] = {
    "upsertProfile": {"email": {"@path": "$.traits.email"}, "phone_number": {"@path": "$.context.traits.phone"},
                      **_profile_defaults("traits"), "properties": {"@path": "$.properties"},
                      "override_list_id": {"@path": "$.integrations.Klaviyo.listId"}, "batch_size": 10000,
                      "batch_keys": ["list_id", "override_list_id"]},
    "addProfileToList": {"email": {"@path": "$.context.traits.email"}, "phone_number": {"@path": "$.context.traits.phone"},
                         "list_id": LIST_DEFAULT, "enable_batching": True, "batch_size": 10000,
                         **_profile_defaults("properties"), "properties": {"@path": "$.properties.properties"},
                         "batch_keys": ["list_id"]},
    "removeProfileFromList": {"email": {"@path": "$.context.traits.email"}, "list_id": LIST_DEFAULT,
                              "phone_number": {"@path": "$.context.traits.phone"}, "enable_batching": True,
                              "batch_size": 1000, "batch_keys": ["list_id"]},
}  # fmt: skip
TRACK_DEFAULTS: dict[str, Any] = {
    "profile": {"email": {"@path": "$.context.traits.email"}, "phone_number": {"@path": "$.context.traits.phone"},
                "external_id": {"@path": "$.userId"}, "anonymous_id": {"@path": "$.anonymousId"}},
    "metric_name": {"@path": "$.event"}, "properties": {"@path": "$.properties"}, "time": {"@path": "$.timestamp"},
    "unique_id": {"@path": "$.messageId"}, "enable_batching": True, "batch_size": 1000,
}  # fmt: skip
TIMES = ["2026-12-06T12:00:00.000Z", "2026-12-06T12:00:00Z", "2026-12-06T13:30:05.123+01:30", "2026-01-01T00:00:00.5Z"]
CREATED = {"status": 201, "body": {"data": {"type": "profile", "id": "01PROFILE"}}}
DUPLICATE = {"status": 409, "body": {"errors": [{"status": 409, "code": "duplicate_profile", "detail": "A profile already exists with one of these identifiers.", "meta": {"duplicate_profile_id": "01EXISTING"}}]}}  # fmt: skip
FOUND = {"status": 200, "body": {"data": [{"type": "profile", "id": "01FOUND"}]}}
NONE_FOUND = {"status": 200, "body": {"data": []}}
NO_CONTENT = {"status": 204, "body": ""}
BAD = {"status": 400, "body": {"errors": [{"status": 400, "detail": "Invalid input.", "source": {"pointer": "/data"}}]}}
UNAUTHORIZED = {"status": 401, "body": {"errors": [{"status": 401, "detail": "Incorrect authentication credentials."}]}}
SLOW = {"status": 429, "body": {"errors": [{"status": 429, "detail": "Request was throttled."}]}, "headers": {"retry-after": "3"}}  # fmt: skip
BOOM = {"status": 500, "body": {"errors": [{"status": 500, "detail": "Something went wrong."}]}}
ERRORS = [("400", BAD), ("401", UNAUTHORIZED), ("429", SLOW), ("500", BOOM)]
TRACK_REPLIES: list[tuple[str, list[dict[str, Any]]]] = [("accepted", [{"status": 202, "body": ""}]),
                                                         *[(name, [reply]) for name, reply in ERRORS]]  # fmt: skip
REPLIES: dict[str, list[tuple[str, list[dict[str, Any]]]]] = {
    "upsertProfile": [("created", [CREATED, NO_CONTENT]), ("duplicate", [DUPLICATE, {"status": 200, "body": CREATED["body"]}, NO_CONTENT]),
                      *[(name, [reply]) for name, reply in ERRORS],
                      *[(f"duplicate-then-{name}", [DUPLICATE, reply]) for name, reply in ERRORS[2:]]],
    "addProfileToList": [("created", [CREATED, NO_CONTENT]), ("duplicate", [DUPLICATE, NO_CONTENT]),
                         *[(f"list-{name}", [CREATED, reply]) for name, reply in ERRORS]],
    "removeProfileFromList": [("found", [FOUND, FOUND, NO_CONTENT]), ("none-found", [NONE_FOUND, NONE_FOUND]),
                              *[(name, [reply]) for name, reply in ERRORS],
                              *[(f"delete-{name}", [FOUND, FOUND, reply]) for name, reply in ERRORS[2:]]],
}  # fmt: skip


class CaseMaker:
    """Random but reproducible events and mappings."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)

    def maybe(self, value: Any, chance: float = 0.6) -> Any:
        return value if self.rng.random() < chance else None

    def person(self) -> dict[str, Any]:
        traits = {"email": self.maybe(self.rng.choice(EMAILS), 0.75), "phone": self.maybe(self.rng.choice(PHONES), 0.4)}
        return {key: value for key, value in traits.items() if value is not None}

    def attributes(self) -> dict[str, Any]:
        bag: dict[str, Any] = {}
        for key in self.rng.sample(["firstName", "lastName", "title", "avatar"], self.rng.randint(0, 4)):
            bag[key] = self.rng.choice(TEXTS)
        if self.rng.random() < 0.5:
            bag["company"] = {"name": self.rng.choice(TEXTS)}
        if self.rng.random() < 0.5:
            bag["address"] = {"city": self.rng.choice(TEXTS), "postal_code": self.rng.choice(NUMBERISH),
                              "street": "1 Main St", "state": "CA"}  # fmt: skip
        return bag

    def custom(self) -> dict[str, Any]:
        return {"plan": self.rng.choice(TEXTS), "score": self.rng.choice([*NUMBERISH, 7, 2.5]),
                "nested": {"a": [1, "two", {"b": None}], "ключ": True}}  # fmt: skip

    def identify(self) -> dict[str, Any]:
        traits = {**self.attributes(), **self.person()}
        event: dict[str, Any] = {"type": "identify", "userId": self.rng.choice(["user-1", "ü-2", "42"]),
                                 "messageId": f"m-{self.rng.randrange(10**9)}", "traits": traits,
                                 "timestamp": "2026-12-06T12:00:00.000Z"}  # fmt: skip
        if self.rng.random() < 0.4 and "phone" in traits:
            event["context"] = {"traits": {"phone": traits["phone"]}}
        if self.rng.random() < 0.3:
            event["properties"] = self.custom()
        if self.rng.random() < 0.2:
            event["integrations"] = {"Klaviyo": {"listId": "LstFromEvent"}}
        return event

    def audience(self, entered: bool) -> dict[str, Any]:
        key = self.rng.choice(["vip_users", "churn_risk_ü"])
        personas: dict[str, Any] = {"computation_key": key, "computation_class": "audience",
                                    "external_audience_id": self.rng.choice(["XyZ123", "AbC999"])}  # fmt: skip
        if self.rng.random() < 0.3:
            personas["audience_settings"] = {"listId": "LstSettings"}
        properties: dict[str, Any] = {key: entered, "audience_key": key, **self.attributes()}
        if self.rng.random() < 0.5:
            properties["properties"] = self.custom()
        return {"type": "track", "event": "Audience Entered" if entered else "Audience Exited",
                "userId": self.rng.choice(["user-1", "ü-2"]), "messageId": f"m-{self.rng.randrange(10**9)}",
                "properties": properties, "context": {"personas": personas, "traits": self.person()},
                "timestamp": "2026-12-06T12:00:00.000Z"}  # fmt: skip

    def mapping(self, action: str) -> dict[str, Any]:
        mapping = json.loads(json.dumps(DEFAULTS[action]))
        roll = self.rng.random()
        if roll < 0.25:
            mapping["external_id"] = {"@path": "$.userId"}
        elif roll < 0.3:
            mapping["external_id"] = "x" * 256
        if action == "upsertProfile" and self.rng.random() < 0.3:
            mapping["list_id"] = "LstMapping"
        return mapping


def _case(
    index: int,
    name: str,
    action: str,
    mapping: dict[str, Any],
    event: dict[str, Any],
    replies: list[dict[str, Any]],
    subscribe: str = 'type = "identify" or type = "track"',
) -> dict[str, Any]:
    return {"id": f"{index:04d}-{action}-{name}", "kind": "destination", "destination": "klaviyo", "event": event,
            "subscriptions": [{"subscribe": subscribe, "partnerAction": action, "mapping": mapping}],
            "settings": {"api_key": "pk_test_not_a_real_key"}, "replies": json.loads(json.dumps(replies))}  # fmt: skip


def generate_cases(count: int = 300, seed: int = SEED) -> list[dict[str, Any]]:
    """``count`` cases spread over the three actions, then hand-shaped ones."""
    maker = CaseMaker(seed)
    cases: list[dict[str, Any]] = []
    actions = list(DEFAULTS)
    for index in range(count):
        action = actions[index % len(actions)]
        name, replies = maker.rng.choice(REPLIES[action])
        if action == "upsertProfile":
            event = maker.identify()
        else:
            event = maker.audience(entered=action == "addProfileToList")
        cases.append(_case(index, name, action, maker.mapping(action), event, replies))
    track = CaseMaker(seed + 1)
    for offset in range(count // 3):
        event = track.identify()
        event.update({"type": "track", "event": track.rng.choice(["Order Completed", "Émoji 🎉", "42"]),
                      "properties": {**track.custom(), **track.attributes()},
                      "context": {"traits": track.person()}, "timestamp": track.rng.choice(TIMES)})  # fmt: skip
        if track.rng.random() < 0.3:
            event.pop("userId")
        if track.rng.random() < 0.4:
            event["anonymousId"] = f"anon-{track.rng.randrange(1000)}"
        mapping = json.loads(json.dumps(TRACK_DEFAULTS))
        if track.rng.random() < 0.3:
            mapping["value"] = {"@path": "$.properties.score"}
        if track.rng.random() < 0.2:
            mapping["profile"]["first_name"] = {"@path": "$.properties.firstName"}
        name, replies = track.rng.choice(TRACK_REPLIES)
        cases.append(_case(1000 + offset, name, "trackEvent", mapping, event, replies))
    special = [
        ("hook-list", "upsertProfile", {"retlOnMappingSave": {"inputs": {}, "outputs": {"id": "LstHook", "name": "Hook"}}},
         [CREATED, NO_CONTENT]),
        ("not-subscribed", "addProfileToList", {}, []),
    ]  # fmt: skip
    for offset, (name, action, extra, replies) in enumerate(special):
        event = {"type": "identify", "userId": "user-1", "traits": {"email": "ann@example.com"}, "messageId": "m-s"}
        mapping = {**DEFAULTS[action], **extra}
        subscribe = 'type = "alias"' if name == "not-subscribed" else 'type = "identify"'
        cases.append(_case(count + offset, name, action, mapping, event, replies, subscribe))
    return cases + more_cases(CaseMaker(seed + 2))


# -- the actions and paths added second: orderCompleted, (un)subscribe, removeProfile, batches, phones ---------

CONTACT = {"@if": {"exists": {"@path": "$.traits.{0}"}, "then": {"@path": "$.traits.{0}"},
                   "else": {"@path": "$.context.traits.{0}"}}}  # fmt: skip
NATIONAL = [("4155550100", "US"), ("(415) 555-0100", "US"), ("030 123456", "DE"), ("07700 900123", "GB"),
            ("123", "US"), ("+14155550100", "FR")]  # fmt: skip


def _contact(name: str) -> dict[str, Any]:
    return json.loads(json.dumps(CONTACT).replace("{0}", name))


MORE_DEFAULTS: dict[str, dict[str, Any]] = {
    "orderCompleted": {"properties": {"@path": "$.properties"}, "time": {"@path": "$.timestamp"},
                       "unique_id": {"@path": "$.messageId"}, "event_name": "Order Completed",
                       "product_event_name": "Ordered Product"},
    "subscribeProfile": {"email": _contact("email"), "phone_number": _contact("phone"), "custom_source": "-59",
                         "historical_import": False, "consented_at": {"@path": "$.timestamp"},
                         "batch_keys": ["list_id", "custom_source", "historical_import"], "batch_size": 1000},
    "unsubscribeProfile": {"email": _contact("email"), "phone_number": _contact("phone"), "batch_keys": ["list_id"],
                           "batch_size": 100},
    "removeProfile": {"email": {"@path": "$.traits.email"}, "enable_batching": True, "batch_size": 1000,
                      "phone_number": {"@path": "$.traits.phone"}, "batch_keys": ["list_id"]},
}  # fmt: skip
ACCEPTED = {"status": 202, "body": ""}
JOB = {"status": 202, "body": {"data": {"type": "job", "id": "JOB1"}}}


def _subscriber(maker: CaseMaker, index: int) -> dict[str, Any]:
    traits = maker.person()
    event: dict[str, Any] = {"type": "track", "event": maker.rng.choice(["User Subscribed", "User Unsubscribed"]),
                             "userId": f"user-{index}", "messageId": f"m-{maker.rng.randrange(10**9)}",
                             "timestamp": maker.rng.choice(TIMES)}  # fmt: skip
    if maker.rng.random() < 0.5:
        event["traits"] = traits
    else:
        event["context"] = {"traits": traits}
    return event


def _consent_mapping(maker: CaseMaker, action: str) -> dict[str, Any]:
    mapping = json.loads(json.dumps(MORE_DEFAULTS[action]))
    if maker.rng.random() < 0.4:
        mapping["list_id"] = maker.rng.choice(["LstA", "LstB"])
    if action == "subscribeProfile":
        if maker.rng.random() < 0.3:
            mapping["historical_import"] = True
        if maker.rng.random() < 0.2:
            mapping["custom_source"] = maker.rng.choice(["Marketing Event", ""])
    if maker.rng.random() < 0.2:
        phone, country = maker.rng.choice(NATIONAL)
        mapping["phone_number"], mapping["country_code"] = phone, country
    return mapping


def _order(maker: CaseMaker) -> dict[str, Any]:
    event = maker.identify()
    products = [{"product_id": f"p-{n}", "price": maker.rng.choice([*NUMBERISH, 9.99]), "name": maker.rng.choice(TEXTS)}
                for n in range(maker.rng.randint(0, 3))]  # fmt: skip
    event.update({"type": "track", "event": "Order Completed", "timestamp": maker.rng.choice(TIMES),
                  "properties": {"order_id": "o-1", "total": maker.rng.choice([*NUMBERISH, 30]), "products": products},
                  "context": {"traits": maker.person()}})  # fmt: skip
    return event


def _order_mapping(maker: CaseMaker) -> dict[str, Any]:
    mapping = json.loads(json.dumps(MORE_DEFAULTS["orderCompleted"]))
    if maker.rng.random() < 0.9:
        mapping["profile"] = {"email": {"@path": "$.traits.email"}, "external_id": {"@path": "$.userId"},
                              "phone_number": {"@path": "$.context.traits.phone"}}  # fmt: skip
        if maker.rng.random() < 0.2:
            mapping["profile"]["country_code"] = "US"
    if maker.rng.random() < 0.8:
        mapping["products"] = {"@path": "$.properties.products"}
    if maker.rng.random() < 0.3:
        mapping["value"] = {"@path": "$.properties.total"}
    if maker.rng.random() < 0.2:
        mapping["event_name"], mapping["product_event_name"] = "Placed Order", "Bought Item"
    return mapping


def _batch_case(index: int, name: str, action: str, mapping: dict[str, Any], events: list[dict[str, Any]],
                replies: list[dict[str, Any]]) -> dict[str, Any]:  # fmt: skip
    case = _case(index, name, action, mapping, events[0], replies, 'type = "identify" or type = "track"')
    case.pop("event")
    case["events"] = events
    return case


def more_cases(maker: CaseMaker) -> list[dict[str, Any]]:
    """orderCompleted, subscribeProfile, unsubscribeProfile and removeProfile per event, national phone
    numbers, then batches of every action that has one."""
    cases: list[dict[str, Any]] = []
    order_replies = [("accepted", [ACCEPTED, ACCEPTED, ACCEPTED, ACCEPTED]), *[(n, [r]) for n, r in ERRORS],
                     ("product-500", [ACCEPTED, BOOM, ACCEPTED, ACCEPTED])]  # fmt: skip
    for offset in range(40):
        name, replies = maker.rng.choice(order_replies)
        cases.append(_case(2000 + offset, name, "orderCompleted", _order_mapping(maker), _order(maker), replies))
    consent_replies = [("accepted", [JOB]), *[(n, [r]) for n, r in ERRORS]]
    for offset in range(80):
        action = ("subscribeProfile", "unsubscribeProfile")[offset % 2]
        name, replies = maker.rng.choice(consent_replies)
        cases.append(
            _case(2100 + offset, name, action, _consent_mapping(maker, action), _subscriber(maker, offset), replies)
        )
    for offset in range(30):
        mapping = {**MORE_DEFAULTS["removeProfile"], "list_id": "LstMapping"}
        if maker.rng.random() < 0.3:
            mapping["external_id"] = {"@path": "$.userId"}
        name, replies = maker.rng.choice(REPLIES["removeProfileFromList"])
        cases.append(_case(2200 + offset, name, "removeProfile", mapping, maker.identify(), replies))
    for offset, (phone, country) in enumerate(NATIONAL * 2):
        action = ("upsertProfile", "addProfileToList")[offset % 2]
        mapping = {**DEFAULTS[action], "phone_number": phone, "country_code": country}
        event = maker.identify() if action == "upsertProfile" else maker.audience(entered=True)
        cases.append(_case(2300 + offset, f"national-{country}", action, mapping, event, [CREATED, NO_CONTENT]))
    cases.extend(_batches(maker))
    return cases


def _batches(maker: CaseMaker) -> list[dict[str, Any]]:
    """Batches (Segment's onBatch): every batch action, valid and refused items mixed, success and errors."""
    cases: list[dict[str, Any]] = []
    pointed = {"status": 400, "body": {"errors": [{"status": 400, "code": "invalid", "detail": "Bad metric.",
                                                   "source": {"pointer": "/data/attributes/events-bulk-create/data/1"}}]}}  # fmt: skip
    plans: list[tuple[str, list[tuple[str, list[dict[str, Any]]]]]] = [
        ("upsertProfile", [("imported", [JOB]), *[(n, [r]) for n, r in ERRORS]]),
        ("addProfileToList", [("imported", [JOB]), *[(n, [r]) for n, r in ERRORS]]),
        ("removeProfileFromList", [("found", [FOUND, FOUND, FOUND, NO_CONTENT]), ("none-found", [NONE_FOUND] * 3),
                                   *[(n, [r]) for n, r in ERRORS]]),
        ("removeProfile", [("found", [FOUND, FOUND, FOUND, NO_CONTENT]), *[(n, [r]) for n, r in ERRORS]]),
        ("trackEvent", [("accepted", [JOB]), ("pointed", [pointed]), *[(n, [r]) for n, r in ERRORS]]),
        ("subscribeProfile", [("accepted", [JOB]), *[(n, [r]) for n, r in ERRORS]]),
        ("unsubscribeProfile", [("accepted", [JOB]), *[(n, [r]) for n, r in ERRORS]]),
    ]  # fmt: skip
    index = 3000
    for action, replies_of in plans:
        for round_ in range(10):
            # The first two rounds take the first two kinds of reply (success, then the action's own case).
            name, replies = replies_of[round_] if round_ < 2 else maker.rng.choice(replies_of)
            events, mapping = _batch_events(maker, action)
            cases.append(_batch_case(index, f"batch-{name}", action, mapping, events, replies))
            index += 1
    # More than one job: 130 profiles of one list go as jobs of 100 and 30.
    for action in ("subscribeProfile", "unsubscribeProfile"):
        events = [{"type": "track", "event": "User Subscribed", "userId": f"u-{n}", "messageId": f"m-{n}",
                   "traits": {"email": f"user{n}@example.com"}, "timestamp": TIMES[0]} for n in range(130)]  # fmt: skip
        mapping = {**MORE_DEFAULTS[action], "list_id": "LstA", "enable_batching": True}
        cases.append(_batch_case(index, "batch-two-jobs", action, mapping, events, [JOB, JOB]))
        index += 1
    return cases


def _batch_events(maker: CaseMaker, action: str) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """A batch's events and mapping: most events identifiable (an email), some not, one phone in five national."""
    events, mapping = _raw_batch(maker, action, maker.rng.randint(1, 5))
    for event in events:
        bag = event.get("traits") if action in ("upsertProfile", "removeProfile") else None
        if bag is None:
            bag = event.setdefault("context", {}).setdefault("traits", {}) if action != "trackEvent" else None
        if bag is not None and maker.rng.random() < 0.8:
            bag.setdefault("email", maker.rng.choice(EMAILS))
    if maker.rng.random() < 0.2 and action not in ("trackEvent",):
        mapping["country_code"] = "US"
    return events, mapping


def _raw_batch(maker: CaseMaker, action: str, size: int) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    if action == "trackEvent":
        mapping = json.loads(json.dumps(TRACK_DEFAULTS))
        events = []
        for _ in range(size):
            event = maker.identify()
            event.update({"type": "track", "event": "Viewed", "properties": maker.custom(), "timestamp": maker.rng.choice(TIMES),
                          "context": {"traits": maker.person()}})  # fmt: skip
            if maker.rng.random() < 0.2:
                event.pop("userId")
            events.append(event)
        return events, mapping
    if action in ("subscribeProfile", "unsubscribeProfile"):
        mapping = {**_consent_mapping(maker, action), "enable_batching": True}
        mapping.pop("country_code", None)
        mapping["phone_number"] = _contact("phone")
        return [_subscriber(maker, n) for n in range(size)], mapping
    if action == "removeProfile":
        mapping = {**MORE_DEFAULTS["removeProfile"], "list_id": "LstMapping", "external_id": {"@path": "$.userId"}}
        return [maker.identify() for _ in range(size)], mapping
    mapping = {**maker.mapping(action), "enable_batching": True}
    if maker.rng.random() < 0.7:
        mapping["external_id"] = {"@path": "$.userId"}
    if action == "upsertProfile":
        return [maker.identify() for _ in range(size)], mapping
    return [maker.audience(entered=action == "addProfileToList") for _ in range(size)], mapping


def main(argv: list[str] | None = None) -> int:
    """Generate, record and write ``cases.jsonl``, then the audience calls' ``audience_cases.jsonl`` (run from the project folder)."""
    description = (__doc__ or "").splitlines()[0]
    status = recorder_main(argv, description=description, generate=generate_cases, cases_file=CASES_FILE, seed=SEED)
    if status:
        return status
    peer_option = argparse.ArgumentParser(add_help=False)
    peer_option.add_argument("--peer")
    peer = peer_option.parse_known_args(argv)[0].peer
    audience_calls = [sys.executable, str(HERE / "record_audiences.py"), *(["--peer", peer] if peer else [])]
    return subprocess.run(audience_calls, check=False).returncode


if __name__ == "__main__":
    sys.exit(main())
