"""Record what Segment's own Slack destination sends for generated cases, into ``cases.jsonl``.

Run where Segment's engine is installed (``make record`` runs every recorder); ``test_conformance.py``
replays the stored cases through ours.

    .venv/bin/python tests/destinations/slack/conformance/record.py [--peer /tmp/segment-peer]

Cases: Segment's default mapping (only ``username`` and ``icon_url`` have defaults, so every case maps
``url`` and ``text``) over varied events; ``@template`` and ``@liquid`` (filters, conditions, loops) in text, channel and username reading missing
values, unicode, numbers as strings, nested objects and arrays; channel left out; URLs Segment's check
refuses; error replies (400 ``invalid_payload``, 403, 404 ``channel_not_found``, 429, 500).
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
SEGMENT_DEFAULTS: dict[str, Any] = {"username": "Segment", "icon_url": "https://logo.clearbit.com/segment.com"}
HOOK = "https://hooks.slack.com/services/T0001/B0001/abcDEF123"
TEXTS = ["Ann", "Zoë", "李", "Ünïcödé ☃", "line\nbreak", "", "emoji 🎉", "*bold* <https://x.io|link>", "42", "3.50"]
TEMPLATES = [
    "New signup: {{traits.name}}", "{{userId}} did {{event}}", "Total {{properties.total}} for {{properties.items}}",
    "Nested {{properties.nested}}", "Missing {{properties.nope}}!", "{{event}}", "plain text, no template",
    "{{ properties.total }} spaced", "{{traits.email}} / {{context.ip}}",
]  # fmt: skip
LIQUID = [
    "{{ traits.name | upcase }} signed up", "{% if properties.total %}Total: {{ properties.total }}{% else %}no total{% endif %}",
    "{{ event | default: 'unknown' }} by {{ userId }}", "{% for i in properties.items %}[{{ i }}]{% endfor %}",
    "{{ properties.total | plus: 1 }}", "{{ properties.nested.a | escape }}", "{{ userId | size }} chars",
]  # fmt: skip
URLS = [HOOK, HOOK, HOOK, "https://hooks.slack.com/services/T0001/B0001/with-dash", "https://example.com/hook",
        "http://hooks.slack.com/services/T/B/x", "https://hooksXslack.com/services/T/B/x",
        "https://hooks.slack.com/services/T/B/x?y=1"]  # fmt: skip
REPLIES: list[tuple[float, str, list[dict[str, Any]]]] = [
    (55, "ok", [{"status": 200, "body": "ok", "headers": {"content-type": "text/html"}}]),
    (8, "400", [{"status": 400, "body": "invalid_payload", "headers": {"content-type": "text/html"}}]),
    (5, "403", [{"status": 403, "body": "action_prohibited", "headers": {"content-type": "text/html"}}]),
    (6, "404", [{"status": 404, "body": "channel_not_found", "headers": {"content-type": "text/html"}}]),
    (8, "429", [{"status": 429, "body": "rate_limited", "headers": {"content-type": "text/html", "retry-after": "1"}}]),
    (8, "500", [{"status": 500, "body": "rollup_error", "headers": {"content-type": "text/html"}}]),
]  # fmt: skip


def _value(rng: random.Random, depth: int = 0) -> Any:
    roll = rng.random()
    if roll < 0.5:
        return rng.choice(TEXTS)
    if roll < 0.65:
        return rng.choice([42, 0, -7, 3.5, 1e21, 2.0, True, False, None])
    if depth < 1 and roll < 0.82:
        return {"a": _value(rng, 1), "b": _value(rng, 1)}
    if depth < 1:
        return [_value(rng, 1) for _ in range(rng.randint(0, 3))]
    return "leaf"


def _event(rng: random.Random) -> dict[str, Any]:
    kind = rng.choice(["track", "identify"])
    event: dict[str, Any] = {
        "type": kind,
        "messageId": f"m-{rng.randrange(10**9)}",
        "userId": rng.choice(["u-1", "ü-2", "42"]),
    }
    if kind == "track":
        event["event"] = rng.choice(["Signed Up", "Order Completed", "Émoji 🎉"])
    bag = "properties" if kind == "track" else "traits"
    event[bag] = {
        key: _value(rng) for key in rng.sample(["name", "email", "total", "items", "nested"], rng.randint(0, 5))
    }
    if rng.random() < 0.3:
        event["context"] = {"ip": "203.0.113.9"}
    return event


def _mapping(rng: random.Random) -> dict[str, Any]:
    mapping: dict[str, Any] = {**SEGMENT_DEFAULTS, "url": rng.choice(URLS)}
    mapping["text"] = rng.choice([{"@template": rng.choice(TEMPLATES)}, {"@liquid": rng.choice(LIQUID)},
                                  rng.choice(TEXTS[:4]), {"@path": "$.event"}])  # fmt: skip
    if rng.random() < 0.6:
        mapping["channel"] = rng.choice(["general", "sales-alerts", {"@template": "{{properties.name}}"}, "频道"])
    if rng.random() < 0.3:
        mapping["username"] = rng.choice(["Bot", {"@template": "{{userId}}"}, {"@path": "$.properties.total"}])
    if rng.random() < 0.2:
        mapping.pop("icon_url")
    return mapping


def generate_cases(count: int = 300, seed: int = SEED) -> list[dict[str, Any]]:
    """``count`` random cases (a subscription each, an event, replies), reproducible from ``seed``."""
    rng = random.Random(seed)
    cases = []
    for index in range(count):
        _, reply, replies = rng.choices(REPLIES, [w for w, _, _ in REPLIES])[0]
        cases.append({
            "id": f"{index:04d}-{reply}", "kind": "destination", "destination": "slack", "settings": {},
            "subscriptions": [{"subscribe": 'type = "track" or type = "identify"', "partnerAction": "postToChannel",
                               "mapping": _mapping(rng)}],
            "event": _event(rng), "replies": json.loads(json.dumps(replies)),
        })  # fmt: skip
    special: list[tuple[str, dict[str, Any] | None, dict[str, Any]]] = [
        ("not subscribed", {"type": "page"}, {}),
        ("no text", None, {"text": None}),
        ("text a number", None, {"text": {"@path": "$.properties.total"}}),
        ("no url", None, {"url": None}),
    ]
    for offset, (name, event, patch) in enumerate(special):
        mapping: dict[str, Any] = {**SEGMENT_DEFAULTS, "url": HOOK, "text": "hello", **patch}
        event = event or {"type": "track", "event": "Signed Up", "userId": "u-1", "properties": {"total": "9.99"}}
        cases.append({"id": f"{count + offset:04d}-{name.replace(' ', '_')}", "kind": "destination",
                      "destination": "slack", "settings": {}, "event": event, "replies": [],
                      "subscriptions": [{"subscribe": 'type = "track"', "partnerAction": "postToChannel",
                                         "mapping": {k: v for k, v in mapping.items() if v is not None}}]})  # fmt: skip
    return cases


def main(argv: list[str] | None = None) -> int:
    """Generate, record and write ``cases.jsonl`` (run from the project folder)."""
    description = (__doc__ or "").splitlines()[0]
    return recorder_main(argv, description=description, generate=generate_cases, cases_file=CASES_FILE, seed=SEED)


if __name__ == "__main__":
    sys.exit(main())
