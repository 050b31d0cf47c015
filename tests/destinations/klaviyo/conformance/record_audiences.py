"""Record what Segment's own Klaviyo (Actions) sends for createAudience, getAudience and onDelete, into ``audience_cases.jsonl``.

``segment_peer.js`` drives events only, so these go through ``audience_peer.js`` (beside this file),
which loads Segment's Klaviyo definition from the peer and calls ``Destination.createAudience``,
``getAudience`` and ``onDelete`` with every request intercepted and answered from the case's
replies. ``record.py`` runs this after its own cases (so ``make record`` re-records both); alone::

    .venv/bin/python tests/destinations/klaviyo/conformance/record_audiences.py [--peer /tmp/segment-peer]

Cases: audience names (unicode, quotes, blank, empty), audience settings (none, empty, a ``listId``,
an empty one, a number, an undeclared key, an object), external ids (plain, unicode, with a space),
deletions by user id, anonymous id only or both, missing settings; replies 201/200, a list with
another id, 400, 401, 404, 429 and 500.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from framework.testing.recordings import write_recording

__all__ = ["generate_cases", "main"]

HERE = Path(__file__).parent
CASES_FILE = HERE / "audience_cases.jsonl"
PEER_SCRIPT = HERE / "audience_peer.js"
SETTINGS = {"api_key": "pk_test_not_a_real_key"}


def _error(status: int, detail: str, extra: dict[str, str] | None = None) -> dict[str, Any]:
    reply: dict[str, Any] = {"status": status, "body": {"errors": [{"status": status, "detail": detail}]}}
    if extra:
        reply["headers"] = {"content-type": "application/json", **extra}
    return reply


ERRORS = [
    ("400", _error(400, "Invalid input.")),
    ("401", _error(401, "Incorrect authentication credentials.")),
    ("404", _error(404, "A list with id XyZ123 does not exist.")),
    ("429", _error(429, "Request was throttled.", {"retry-after": "3"})),
    ("500", _error(500, "Something went wrong.")),
]
NAMES = ["VIP users", "Zoë ☃ 🎉", 'quote " and \\', "  padded  ", "x" * 300]
AUDIENCE_SETTINGS: list[tuple[str, dict[str, Any] | None]] = [
    ("no-settings", None),
    ("empty-settings", {}),
    ("list-id", {"listId": "LstSettings"}),
    ("empty-list-id", {"listId": ""}),
    ("number-list-id", {"listId": 123}),
    ("undeclared-key", {"listId": "LstSettings", "other": "x"}),
    ("object-list-id", {"listId": {"a": 1}}),
]
EXTERNAL_IDS = ["XyZ123", "AbC999", "Lïst-ü", "a b"]
PERSONAS = {"computation_id": "aud_1", "computation_key": "vip_users", "namespace": "spa_1"}


def _create(name: str, settings: dict[str, Any], replies: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
    return {"call": "createAudience", "settings": settings, "replies": replies, **extra}


def generate_cases() -> list[dict[str, Any]]:
    """Every case, each with an id naming what it covers."""
    created = {"status": 201, "body": {"data": {"type": "list", "id": "LstNew", "attributes": {"name": "x"}}}}
    cases: list[tuple[str, dict[str, Any]]] = []
    for index, name in enumerate(NAMES):
        cases.append((f"create-name-{index}", _create(name, SETTINGS, [created], audienceName=name, personas=PERSONAS)))
    for label, audience_settings in AUDIENCE_SETTINGS:
        extra: dict[str, Any] = {"audienceName": "VIP users"}
        if audience_settings is not None:
            extra["audienceSettings"] = audience_settings
        cases.append((f"create-{label}", _create("VIP users", SETTINGS, [created], **extra)))
    for label, reply in ERRORS:
        cases.append((f"create-{label}", _create("VIP users", SETTINGS, [reply], audienceName="VIP users")))
    cases.append(("create-empty-name", _create("", SETTINGS, [created], audienceName="")))
    cases.append(("create-no-api-key", _create("VIP users", {}, [created], audienceName="VIP users")))
    cases.append(
        ("create-no-data-id", _create("VIP users", SETTINGS, [{"status": 201, "body": {}}], audienceName="VIP users"))
    )
    for external_id in EXTERNAL_IDS:
        found = {"status": 200, "body": {"data": {"type": "list", "id": external_id}}}
        cases.append((f"get-{external_id}", {"call": "getAudience", "settings": SETTINGS, "externalId": external_id,
                                             "replies": [found]}))  # fmt: skip
    same = {"status": 200, "body": {"data": {"type": "list", "id": "LstSettings"}}}
    other = {"status": 200, "body": {"data": {"type": "list", "id": "SomeOtherList"}}}
    cases += [
        ("get-list-id-setting", {"call": "getAudience", "settings": SETTINGS, "externalId": "XyZ123",
                                 "audienceSettings": {"listId": "LstSettings"}, "replies": [same]}),
        ("get-not-owned", {"call": "getAudience", "settings": SETTINGS, "externalId": "XyZ123", "replies": [other]}),
        ("get-500-no-detail", {"call": "getAudience", "settings": SETTINGS, "externalId": "XyZ123",
                               "replies": [{"status": 500, "body": {"message": "down"}}]}),
    ]  # fmt: skip
    for label, reply in ERRORS:
        cases.append((f"get-{label}", {"call": "getAudience", "settings": SETTINGS, "externalId": "XyZ123",
                                       "replies": [reply]}))  # fmt: skip
    accepted = {"status": 202, "body": ""}
    events = [("user-id", {"type": "identify", "userId": "01PROFILE"}), ("unicode-user-id", {"userId": "ü-2"}),
              ("anonymous-only", {"anonymousId": "anon-1"}), ("both", {"userId": "u-1", "anonymousId": "anon-1"})]  # fmt: skip
    for label, event in events:
        cases.append(
            (f"delete-{label}", {"call": "onDelete", "settings": SETTINGS, "event": event, "replies": [accepted]})
        )
    for label, reply in ERRORS:
        cases.append((f"delete-{label}", {"call": "onDelete", "settings": SETTINGS, "event": {"userId": "u-1"},
                                          "replies": [reply]}))  # fmt: skip
    cases.append(
        ("delete-no-settings", {"call": "onDelete", "settings": {}, "event": {"userId": "u-1"}, "replies": []})
    )
    return [
        {"id": f"{index:03d}-{label}", "destination": "klaviyo", **case} for index, (label, case) in enumerate(cases)
    ]


def record(cases: list[dict[str, Any]], peer: Path) -> list[dict[str, Any]]:
    """Run ``cases`` through ``audience_peer.js``; each line is ``{"case", "segment"}``."""
    stdin = "".join(json.dumps(case) + "\n" for case in cases)
    done = subprocess.run(["node", str(PEER_SCRIPT)], input=stdin, capture_output=True, text=True, check=True,
                          timeout=300, env={**os.environ, "PEER_DIR": str(peer)})  # fmt: skip
    outputs = {out["id"]: out for out in map(json.loads, done.stdout.splitlines())}
    return [{"case": case, "segment": outputs[case["id"]]} for case in cases]


def main(argv: list[str] | None = None) -> int:
    """Generate, record and write ``audience_cases.jsonl`` (run from the project folder)."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--peer", type=Path, default=Path(os.environ.get("PEER_DIR", "/tmp/segment-peer")))
    args = parser.parse_args(argv)
    lines = record(generate_cases(), args.peer)
    # The folder's recorder, record.py, is what ``make record`` runs (it runs this one), so it is named.
    generator = str(HERE.resolve().relative_to(Path.cwd().resolve()) / "record.py")
    write_recording(CASES_FILE, lines, generator=generator, seed=None, peer=args.peer)
    print(f"recorded {len(lines)} cases into {CASES_FILE}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
