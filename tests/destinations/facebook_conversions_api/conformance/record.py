"""Record what Segment's Facebook Conversions API destination sends for generated cases, into ``cases.jsonl``.

Run where Segment's engine is installed (``make record`` runs every recorder). The peer reads the
system user token from ``ACTIONS_FB_CAPI_SYSTEM_USER_TOKEN``; the recorder sets a fake one, and the
replay sets the same (``FAKE_TOKEN``). ``now`` is frozen in every case.

    .venv/bin/python tests/destinations/facebook_conversions_api/conformance/record.py [--peer /tmp/segment-peer]

Cases, for each of the seven actions (``purchase``, ``custom``, ``pageView``, ``addToCart``,
``viewContent``, ``initiateCheckout``, ``search``): Segment's default mapping over varied events
(missing optional fields, unicode, numbers as strings, already-hashed identifiers, state and country
names, products arrays), custom mappings (app data, data processing options, test event codes,
custom data), settings with and without a test event code, and error replies (400, 401, 429, 500).
Then the same for their ``*2`` forms (``purchase2`` …), mapped with the sync mode ``add`` as Segment's
UI saves it.
"""

from __future__ import annotations

import json
import os
import random
import sys
from pathlib import Path
from typing import Any

from framework.testing.peer_destinations import recorder_main

__all__ = ["FAKE_TOKEN", "generate_cases", "main"]

HERE = Path(__file__).parent
CASES_FILE = HERE / "cases.jsonl"
SEED = 20261206
NOW = 1796558400000  # 2026-12-06T12:00:00Z, frozen Date.now
FAKE_TOKEN = "fake-system-user-token"
ACTIONS = ["purchase", "custom", "pageView", "addToCart", "viewContent", "initiateCheckout", "search"]

# Segment's default mapping of each action, as its UI pre-fills it (written out from its published
# definition, independently of ours).
_P = "@path"
USER_DEFAULT = {
    "externalId": {"@if": {"exists": {_P: "$.userId"}, "then": {_P: "$.userId"}, "else": {_P: "$.anonymousId"}}},
    "email": {_P: "$.context.traits.email"}, "phone": {_P: "$.context.traits.phone"},
    "dateOfBirth": {_P: "$.context.traits.birthday"}, "lastName": {_P: "$.context.traits.lastName"},
    "firstName": {_P: "$.context.traits.firstName"}, "city": {_P: "$.context.traits.address.city"},
    "state": {_P: "$.context.traits.address.state"}, "zip": {_P: "$.context.traits.address.postalCode"},
    "client_ip_address": {_P: "$.context.ip"}, "client_user_agent": {_P: "$.context.userAgent"},
    "fbc": {_P: "$.properties.fbc"}, "fbp": {_P: "$.properties.fbp"},
}  # fmt: skip
APP_DEFAULT = {
    "application_tracking_enabled": {_P: "$.context.device.adTrackingEnabled"},
    "packageName": {_P: "$.context.app.namespace"}, "longVersion": {_P: "$.context.app.version"},
    "osVersion": {_P: "$.context.os.version"}, "deviceName": {_P: "$.context.device.model"},
    "locale": {_P: "$.context.locale"}, "carrier": {_P: "$.context.network.carrier"},
    "width": {_P: "$.context.screen.width"}, "height": {_P: "$.context.screen.height"},
    "density": {_P: "$.context.screen.density"}, "deviceTimezone": {_P: "$.context.timezone"},
    "madId": {_P: "$.context.madId"},
}  # fmt: skip
PRODUCT = {"id": {_P: "$.product_id"}, "quantity": {_P: "$.quantity"}, "item_price": {_P: "$.price"}}
COMMON_DEFAULT = {"event_time": {_P: "$.timestamp"}, "user_data": USER_DEFAULT, "app_data_field": APP_DEFAULT,
                  "event_id": {_P: "$.messageId"}, "event_source_url": {_P: "$.context.page.url"}}  # fmt: skip
DEFAULTS: dict[str, dict[str, Any]] = {
    "purchase": {**COMMON_DEFAULT, "currency": {_P: "$.properties.currency"}, "value": {_P: "$.properties.revenue"},
                 "contents": {"@arrayPath": ["$.properties.products", PRODUCT]}},
    "custom": {**COMMON_DEFAULT, "event_name": {_P: "$.event"}},
    "pageView": dict(COMMON_DEFAULT),
    "addToCart": {**COMMON_DEFAULT, "currency": {_P: "$.properties.currency"}, "value": {_P: "$.properties.price"},
                  "contents": {"@arrayPath": ["$.properties", PRODUCT]}},
    "viewContent": {**COMMON_DEFAULT, "currency": {_P: "$.properties.currency"}, "value": {_P: "$.properties.price"},
                    "content_ids": {_P: "$.properties.product_id"},
                    "contents": {"@arrayPath": ["$.properties", PRODUCT]}},
    "initiateCheckout": {**COMMON_DEFAULT, "currency": {_P: "$.properties.currency"},
                         "value": {_P: "$.properties.revenue"},
                         "contents": {"@arrayPath": ["$.properties.products", PRODUCT]}},
    "search": {**COMMON_DEFAULT, "currency": {_P: "$.properties.currency"}, "search_string": {_P: "$.properties.query"},
               "contents": {"@arrayPath": ["$.properties", PRODUCT]}},
}  # fmt: skip
SUBSCRIBE = 'type = "track" or type = "page" or type = "identify"'
SYNC_MODE = "__segment_internal_sync_mode"
SECOND_VERSION_COUNT = 280  # 40 per ``*2`` action, after the 700 of the first versions

DIGEST = "a" * 40 + "0123456789abcdef0123ABCD"
TEXTS = ["Ann", "Zoë", "李", "  padded  ", "", "emoji 🎉", "Mary Ann", "O'Brien"]
EMAILS = [" John.Doe@Example.COM ", "zoë@exämple.org", DIGEST, DIGEST.upper(), "", "a b@c.d"]
PHONES = ["+1 (650) 555-1212", "0044 20 7946 0958", DIGEST, "", "call me", "16505551212"]
STATES = ["CA", "California", "new york", "C A", "Bavaria", "", "Zürich"]
COUNTRIES = ["US", "United States", "germany", "U S", "Atlantis", ""]
CURRENCIES = ["USD", "EUR", "JPY", "USD", "GBP", "EUR", "usd", "XYZ"]
AMOUNTS: list[Any] = [19.99, "19.99", 0, "0", 1e21, "007", -5, "not a number", 12345678901]
USER_AGENTS = ["Mozilla/5.0 (X11; Linux x86_64)", "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) 🎉"]

REPLIES: list[tuple[float, str, list[dict[str, Any]]]] = [
    (60, "ok", [{"status": 200, "body": {"events_received": 1, "fbtrace_id": "AbC"}}]),
    (8, "400", [{"status": 400, "body": {"error": {"message": "Invalid parameter", "code": 100}}}]),
    (6, "401", [{"status": 401, "body": {"error": {"message": "Invalid OAuth access token", "code": 190}}}]),
    (6, "429", [{"status": 429, "body": {"error": {"code": 4}}, "headers": {"content-type": "application/json",
                                                                            "retry-after": "3"}}]),
    (6, "500", [{"status": 500, "body": {"error": {"message": "Unknown error", "code": 1}}}]),
]  # fmt: skip


class CaseMaker:
    """Random but reproducible events, mappings and settings."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)

    def maybe(self, chance: float, choices: list[Any]) -> Any:
        return self.rng.choice(choices) if self.rng.random() < chance else None

    def traits(self) -> dict[str, Any]:
        traits = {"email": self.maybe(0.7, EMAILS), "phone": self.maybe(0.5, PHONES),
                  "firstName": self.maybe(0.5, TEXTS), "lastName": self.maybe(0.5, TEXTS),
                  "birthday": self.maybe(0.3, ["19900214", "1990-02-14", DIGEST]),
                  "address": self.maybe(0.6, [{"city": self.rng.choice(["San Francisco", "München", ""]),
                                               "state": self.rng.choice(STATES),
                                               "postalCode": self.rng.choice([" 94107 ", "SW1A 1AA", 94107])}])}  # fmt: skip
        return {key: value for key, value in traits.items() if value is not None}

    def products(self) -> list[dict[str, Any]]:
        return [{key: value for key, value in {"product_id": self.maybe(0.97, ["sku-1", "李-2", 42]),
                                                "quantity": self.maybe(0.8, [1, "2", 3]),
                                                "price": self.maybe(0.8, [9.5, "4.25", 0])}.items() if value is not None}
                for _ in range(self.rng.randint(0, 3))]  # fmt: skip

    def event(self) -> dict[str, Any]:
        kind = self.rng.choice(["track", "track", "page", "identify"])
        event: dict[str, Any] = {"type": kind, "messageId": f"m-{self.rng.randrange(10**9)}"}
        if self.rng.random() < 0.9:
            event["timestamp"] = self.rng.choice(["2026-12-06T12:00:00.000Z", "1796558400", "2026-12-06"])
        if self.rng.random() < 0.8:
            event["userId"] = self.rng.choice(["user-1", " Ü-2 ", "42", DIGEST])
        if self.rng.random() < 0.6:
            event["anonymousId"] = f"anon-{self.rng.randrange(1000)}"
        if kind == "track":
            event["event"] = self.rng.choice(["Order Completed", "Signed Up", "Émoji 🎉", "Product Added"])
        props: dict[str, Any] = {"currency": self.maybe(0.85, CURRENCIES), "revenue": self.maybe(0.85, AMOUNTS),
                                 "fbc": self.maybe(0.3, ["fb.1.1554763741205.AbCdEf"]),
                                 "fbp": self.maybe(0.3, ["fb.1.1558571054389.1098115397"]),
                                 "product_id": self.maybe(0.85, ["sku-9", "李-3", 77, ""]),
                                 "price": self.maybe(0.5, AMOUNTS), "quantity": self.maybe(0.4, [1, "2"]),
                                 "query": self.maybe(0.4, ["red shoes", "李 ☃", "", 42])}  # fmt: skip
        if self.rng.random() < 0.6:
            props["products"] = self.products()
        event["properties"] = {key: value for key, value in props.items() if value is not None}
        context: dict[str, Any] = {"traits": self.traits()}
        extras: list[tuple[str, float, list[Any]]] = [("ip", 0.6, ["203.0.113.9", "2001:db8::1"]), ("userAgent", 0.6, USER_AGENTS),
                                     ("page", 0.6, [{"url": "https://shop.example.com/checkout?x=ü"}]),
                                     ("locale", 0.3, ["en-US"]), ("timezone", 0.3, ["Europe/Berlin"]),
                                     ("app", 0.3, [{"namespace": "com.example.app", "version": "1.2.3"}]),
                                     ("device", 0.3, [{"model": "iPhone15,2", "adTrackingEnabled": True}]),
                                     ("screen", 0.3, [{"width": 1170, "height": 2532, "density": 3}])]  # fmt: skip
        for key, chance, choices in extras:
            if self.rng.random() < chance:
                context[key] = self.rng.choice(choices)
        event["context"] = context
        return event

    def settings(self) -> dict[str, Any]:
        return {"pixelId": self.rng.choice(["123456789012345", "987654321"]),
                **self.rng.choice([{}, {}, {"testEventCode": "TEST123"}, {"testEventCode": ""}])}  # fmt: skip

    def mapping(self, action: str) -> dict[str, Any]:
        mapping = json.loads(json.dumps(DEFAULTS[action]))
        mapping["action_source"] = self.rng.choice(["website", "website", "app", "email", "physical_store", "other"])
        if self.rng.random() < 0.4:
            mapping.update(self.custom_patch(action))
        return mapping

    def custom_patch(self, action: str) -> dict[str, Any]:
        patch: dict[str, Any] = {}
        if self.rng.random() < 0.4:
            patch["custom_data"] = self.rng.choice([{"plan": "pro", "n": "007", "nested": {"a": [1, "李"]}},
                                                    {"currency": "GBP", "value": 5, "extra": None},
                                                    {"@path": "$.properties"}])  # fmt: skip
        if self.rng.random() < 0.3:
            patch["test_event_code"] = self.rng.choice(["MAPPED42", ""])
        if self.rng.random() < 0.3:
            patch["data_processing_options"] = True
            patch.update(self.rng.choice([{}, {"data_processing_options_country": 1,
                                                "data_processing_options_state": 1000}]))  # fmt: skip
        if self.rng.random() < 0.3:
            patch["app_data_field"] = {**APP_DEFAULT, "use_app_data": True, "version": "i2",
                                       "advertiser_tracking_enabled": self.rng.choice([True, False])}  # fmt: skip
        if self.rng.random() < 0.3:
            patch["user_data"] = {**USER_DEFAULT, "gender": self.rng.choice(["Female", " male ", "x", ""]),
                                  "country": self.rng.choice(COUNTRIES), "leadID": self.rng.choice([12345, "678"]),
                                  "externalId": self.rng.choice([["a", " B "], [], "single", ["", DIGEST]])}  # fmt: skip
        if action not in ("custom", "pageView") and self.rng.random() < 0.3:
            patch.update({"net_revenue": self.rng.choice(AMOUNTS), "num_items": self.rng.choice([2, "3"]),
                          "content_ids": ["sku-1", "sku-2"], "content_type": "product", "content_name": "Zoë's"})  # fmt: skip
        return patch


# Hand-shaped cases: (name, action, mapping patch, event patch).
SPECIAL: list[tuple[str, str, dict[str, Any], dict[str, Any]]] = [
    ("invalid currency", "purchase", {}, {"properties": {"currency": "ABC", "revenue": 5}}),
    ("website without user agent", "purchase", {"action_source": "website"}, {"context": {}}),
    ("page website without user agent", "pageView", {"action_source": "website"}, {"context": {}}),
    ("product without id", "purchase", {}, {"properties": {"currency": "USD", "revenue": 5,
                                                          "products": [{"quantity": 1}]}}),
    ("bad delivery category", "purchase", {"contents": [{"id": "a", "delivery_category": "drone"}]}, {}),
    ("good delivery category", "purchase", {"contents": [{"id": "a", "delivery_category": "curbside"}]}, {}),
    ("no event time", "custom", {}, {"timestamp": None}),
    ("no event name", "custom", {}, {"event": None}),
    ("mapped test code over setting", "custom", {"test_event_code": "MAPPED"}, {}),
    ("numeric event time", "custom", {"event_time": 1796558400}, {}),
    ("invalid currency", "addToCart", {}, {"properties": {"currency": "ABC", "price": 5}}),
    ("no currency", "viewContent", {}, {"properties": {"price": 5, "product_id": "p"}}),
    ("website without user agent", "search", {"action_source": "website"}, {"context": {}}),
    ("product without id", "initiateCheckout", {}, {"properties": {"currency": "USD", "products": [{"price": 1}]}}),
    ("bad delivery category", "addToCart", {"contents": [{"id": "a", "delivery_category": "drone"}]}, {}),
]  # fmt: skip
SPECIAL_EVENT: dict[str, Any] = {"type": "track", "event": "Order Completed", "userId": "user-1", "messageId": "m-s",
                                 "timestamp": "2026-12-06T12:00:00.000Z",
                                 "properties": {"currency": "USD", "revenue": 10},
                                 "context": {"userAgent": USER_AGENTS[0], "traits": {"email": "a@b.c"}}}  # fmt: skip


def _case(
    index: int,
    name: str,
    action: str,
    mapping: dict[str, Any],
    settings: dict[str, Any],
    replies: list[dict[str, Any]],
    event: dict[str, Any],
) -> dict[str, Any]:
    return {"id": f"{index:04d}-{action}-{name.replace(' ', '_')}", "kind": "destination",
            "destination": "facebook-conversions-api", "now": NOW,
            "subscriptions": [{"subscribe": SUBSCRIBE, "partnerAction": action, "mapping": mapping}],
            "settings": settings, "replies": replies, "event": event}  # fmt: skip


def generate_cases(count: int = 700, seed: int = SEED) -> list[dict[str, Any]]:
    """``count`` generated cases over the three actions, then the hand-shaped ones."""
    maker = CaseMaker(seed)
    cases = []
    for index in range(count):
        action = ACTIONS[index % len(ACTIONS)]
        _, reply, replies = maker.rng.choices(REPLIES, [w for w, _, _ in REPLIES])[0]
        mapping = maker.mapping(action)
        style = "defaults" if mapping.keys() == {*DEFAULTS[action], "action_source"} else "custom"
        cases.append(_case(index, f"{style}-{reply}", action, mapping, maker.settings(),
                           json.loads(json.dumps(replies)), maker.event()))  # fmt: skip
    for offset, (name, action, patch, event_patch) in enumerate(SPECIAL):
        mapping = {**DEFAULTS[action], "action_source": "app", **patch}
        event = {key: value for key, value in {**SPECIAL_EVENT, **event_patch}.items() if value is not None}
        settings = {"pixelId": "123456789012345", "testEventCode": "SETTING"}
        cases.append(_case(count + offset, name, action, mapping, settings, [], event))
    return cases + _second_version_cases(maker, count + len(SPECIAL))


def _second_version_cases(maker: CaseMaker, first_index: int) -> list[dict[str, Any]]:
    """The ``*2`` actions: the same mappings with the mode Segment's UI saves (``add``), and the specials."""
    cases = []
    for index in range(SECOND_VERSION_COUNT):
        first = ACTIONS[index % len(ACTIONS)]
        rounds = index // len(ACTIONS)  # every reply once per action first, then at random
        pick = REPLIES[rounds] if rounds < len(REPLIES) else maker.rng.choices(REPLIES, [w for w, _, _ in REPLIES])[0]
        _, reply, replies = pick
        mapping = {**maker.mapping(first), SYNC_MODE: "add"}
        style = "defaults" if mapping.keys() == {*DEFAULTS[first], "action_source", SYNC_MODE} else "custom"
        cases.append(_case(first_index + index, f"{style}-{reply}", f"{first}2", mapping, maker.settings(),
                           json.loads(json.dumps(replies)), maker.event()))  # fmt: skip
    for offset, (name, first, patch, event_patch) in enumerate(SPECIAL):
        mapping = {**DEFAULTS[first], "action_source": "app", SYNC_MODE: "add", **patch}
        event = {key: value for key, value in {**SPECIAL_EVENT, **event_patch}.items() if value is not None}
        settings = {"pixelId": "123456789012345", "testEventCode": "SETTING"}
        cases.append(
            _case(first_index + SECOND_VERSION_COUNT + offset, name, f"{first}2", mapping, settings, [], event)
        )
    return cases


def main(argv: list[str] | None = None) -> int:
    """Generate, record and write ``cases.jsonl`` (run from the project folder)."""
    os.environ["ACTIONS_FB_CAPI_SYSTEM_USER_TOKEN"] = FAKE_TOKEN
    description = (__doc__ or "").splitlines()[0]
    return recorder_main(
        argv, description=description, generate=generate_cases, cases_file=CASES_FILE, seed=SEED, count=700
    )


if __name__ == "__main__":
    sys.exit(main())
