"""Record what Segment's own Webhook destination sends for generated cases, into ``cases.jsonl``.

Run where Segment's engine is installed (``/work/shared/peer/setup.sh``; ``make record`` runs every
recorder): cases come from a fixed seed, go through ``segment_peer.js`` (kind ``destination``,
``webhook``) and are stored with Segment's requests and result; ``test_conformance.py`` replays them.

    .venv/bin/python tests/destinations/webhook/conformance/record.py [--peer /tmp/segment-peer]

Cases: the default mapping (the whole event as data) over varied events (missing optional fields,
unicode, numbers as strings, nested objects, arrays), with and without a shared secret; custom
mappings (methods, headers, data objects and templates); invalid URLs, methods and headers; error
replies (400, 401, 404, 429, 500, 503); batches of up to 5 events (Segment's ``onBatch``).
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
SEED = 20261206
# Segment's default mapping for ``send`` (what its UI pre-fills), written out independently of ours.
SEGMENT_DEFAULTS: dict[str, Any] = {"method": "POST", "batch_size": 0, "data": {"@path": "$."},
                                    "batch_keys": ["url", "method", "headers"]}  # fmt: skip
TEXTS = ["Ann", "Zoë", "李", "Ünïcödé ☃", "tab\tand\nnewline", "  padded  ", "", "emoji 🎉", 'quote " and \\']
NUMBERISH = ["42", "0", "-7", "3.50", "1e21", "007"]


class CaseMaker:
    """Random but reproducible events, mappings and settings."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)

    def value(self, depth: int = 0) -> Any:
        roll = self.rng.random()
        if roll < 0.35:
            return self.rng.choice(TEXTS)
        if roll < 0.5:
            return self.rng.choice(NUMBERISH)
        if roll < 0.62:
            return self.rng.choice([42, 0, -7, 3.5, 1e21, 12345678901, 2.0])
        if roll < 0.7:
            return self.rng.choice([True, False, None])
        if roll < 0.85 and depth < 2:
            return {self.rng.choice(["a", "b", "10", "2", "ключ", "z"]): self.value(depth + 1) for _ in range(3)}
        if depth < 2:
            return [self.value(depth + 1) for _ in range(self.rng.randint(0, 3))]
        return "leaf"

    def event(self) -> dict[str, Any]:
        kind = self.rng.choice(["track", "identify", "page", "group"])
        event: dict[str, Any] = {"type": kind, "messageId": f"m-{self.rng.randrange(10**9)}",
                                 "timestamp": "2026-12-06T12:00:00.000Z"}  # fmt: skip
        if self.rng.random() < 0.8:
            event["userId"] = self.rng.choice(["user-1", "ü-2", "42"])
        if self.rng.random() < 0.5:
            event["anonymousId"] = f"anon-{self.rng.randrange(1000)}"
        if kind == "track":
            event["event"] = self.rng.choice(["Order Completed", "Signed Up", "Émoji 🎉"])
        bag = "traits" if kind in ("identify", "group") else "properties"
        event[bag] = {key: self.value() for key in self.rng.sample(["plan", "total", "items", "nested", "name",
                                                                      "tags", "email"], self.rng.randint(0, 5))}  # fmt: skip
        if self.rng.random() < 0.5:
            event["context"] = {"ip": "203.0.113.9", "library": {"name": "analytics.js", "version": "2.11.1"}}
        return event

    def settings(self) -> dict[str, Any]:
        return self.rng.choice([{}, {"sharedSecret": "s3cret"}, {"sharedSecret": "ключ-🔑"}, {"sharedSecret": ""}])

    def url(self) -> str:
        return self.rng.choice(["https://hooks.example.com/segment", "http://127.0.0.1:8080/in?x=1&y=%C3%BC",
                                "https://example.org/a/b/", "https://ünïcode.example/path"])  # fmt: skip

    def custom_mapping(self) -> dict[str, Any]:
        mapping: dict[str, Any] = {"url": self.url(), "method": self.rng.choice(["POST", "PUT", "PATCH"])}
        if self.rng.random() < 0.6:
            mapping["headers"] = self.rng.choice([
                {"Authorization": "Bearer abc", "X-Custom": "1"}, {"X-User": {"@path": "$.userId"}},
                {"Content-Type": "application/vnd.api+json"}, {},
            ])  # fmt: skip
        mapping["data"] = self.rng.choice([
            {"@path": "$."}, {"@path": "$.properties"}, {"@path": "$.traits"},
            {"user": {"@path": "$.userId"}, "what": {"@path": "$.event"}, "literal": 5, "list": [1, "two", None]},
            {"greeting": {"@template": "Hi {{traits.name}} ({{userId}})"}},
            {"nested": {"deep": {"@path": "$.properties.nested"}}},
        ])  # fmt: skip
        return mapping


REPLIES: list[tuple[float, str, list[dict[str, Any]]]] = [
    (50, "ok", []),
    (5, "201 text", [{"status": 201, "body": "created", "headers": {"content-type": "text/plain"}}]),
    (6, "400", [{"status": 400, "body": {"error": "bad"}}]),
    (5, "401", [{"status": 401, "body": {"error": "unauthorized"}}]),
    (3, "404", [{"status": 404, "body": "nope", "headers": {"content-type": "text/plain"}}]),
    (6, "429", [{"status": 429, "body": "slow", "headers": {"content-type": "text/plain", "retry-after": "2"}}]),
    (6, "500", [{"status": 500, "body": {"error": "boom"}}]),
    (3, "503", [{"status": 503, "body": "unavailable", "headers": {"content-type": "text/plain"}}]),
]

# Hand-shaped cases: a mapping (over Segment's defaults) and optional settings/event/replies.
SPECIAL: list[tuple[str, dict[str, Any]]] = [
    ("missing url", {"mapping": {"url": None}}),
    ("url not a uri", {"mapping": {"url": "not a url"}}),
    ("method not allowed", {"mapping": {"method": "DELETE"}}),
    ("lower-case method", {"mapping": {"method": "post"}}),
    ("non-ascii header", {"mapping": {"headers": {"X-Name": "Zoë"}}}),
    ("header from event", {"mapping": {"headers": {"X-Plan": {"@path": "$.properties.plan"}}}}),
    ("no data", {"mapping": {"data": None}}),
    ("data from a missing path", {"mapping": {"data": {"@path": "$.properties.missing"}}}),
    ("data a string", {"mapping": {"data": {"@path": "$.userId"}}}),
    ("empty data object with secret", {"mapping": {"data": {}}, "settings": {"sharedSecret": "s3cret"}}),
    ("signed unicode", {"mapping": {"data": {"name": "李 ☃", "n": "007"}}, "settings": {"sharedSecret": "s3cret"}}),
    ("not subscribed", {"subscribe": 'type = "alias"'}),
    ("secret with 500", {"settings": {"sharedSecret": "s3cret"}, "replies": [{"status": 500, "body": {}}]}),
]  # fmt: skip


def _case(maker: CaseMaker, index: int, name: str, mapping: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"id": f"{index:04d}-{name.replace(' ', '_')}", "kind": "destination", "destination": "webhook",
            "subscriptions": [{"subscribe": extra.get("subscribe", 'type = "track" or type = "identify" or '
                                                      'type = "page" or type = "group"'),
                               "partnerAction": "send", "mapping": mapping}],
            "settings": extra.get("settings", maker.settings()), "replies": extra.get("replies", [])}  # fmt: skip


def _replies(maker: CaseMaker) -> tuple[str, list[dict[str, Any]]]:
    _, name, replies = maker.rng.choices(REPLIES, [w for w, _, _ in REPLIES])[0]
    return name, json.loads(json.dumps(replies))


def generate_cases(count: int = 300, seed: int = SEED) -> list[dict[str, Any]]:
    """``count`` single-event cases, a fifth of that as batches, and the hand-shaped ones."""
    maker = CaseMaker(seed)
    cases: list[dict[str, Any]] = []
    for index in range(count):
        style = maker.rng.choice(["defaults", "custom"])
        mapping = {**SEGMENT_DEFAULTS, "url": maker.url()} if style == "defaults" else maker.custom_mapping()
        reply, replies = _replies(maker)
        case = _case(maker, index, f"{style}-{reply}", mapping, replies=replies)
        case["event"] = maker.event()
        cases.append(case)
    for index in range(count, count + count // 5):
        mapping = {**SEGMENT_DEFAULTS, **maker.custom_mapping(), "enable_batching": True}
        reply, replies = _replies(maker)
        case = _case(maker, index, f"batch-{reply}", mapping, replies=replies)
        case["events"] = [maker.event() for _ in range(maker.rng.randint(1, 5))]
        cases.append(case)
    start = count + count // 5
    for offset, (name, patch) in enumerate(SPECIAL):
        mapping = {**SEGMENT_DEFAULTS, "url": "https://hooks.example.com/segment", **patch.get("mapping", {})}
        mapping = {key: value for key, value in mapping.items() if value is not None}
        extra = {key: patch[key] for key in ("settings", "replies", "subscribe") if key in patch}
        case = _case(maker, start + offset, name, mapping, **extra)
        case["event"] = {"type": "track", "event": "Signed Up", "userId": "user-1", "messageId": "m-special",
                         "properties": {"plan": "pro", "total": "9.99"}}  # fmt: skip
        cases.append(case)
    return cases


def main(argv: list[str] | None = None) -> int:
    """Generate, record and write ``cases.jsonl`` (run from the project folder)."""
    description = (__doc__ or "").splitlines()[0]
    return recorder_main(argv, description=description, generate=generate_cases, cases_file=CASES_FILE, seed=SEED)


if __name__ == "__main__":
    sys.exit(main())
