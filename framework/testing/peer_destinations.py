"""Recorded conformance for any destination: run cases through Segment's engine, replay them through ours.

A destination's recorder (``tests/destinations/<name>/conformance/record.py``) builds cases of kind
``destination`` (see the peer's README) and calls :func:`record_with_peer`; its test replays each
stored case with :func:`replay_case`, which answers our requests with the same replies in the same
order and returns what both sides sent and how each ended, in one comparable shape.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import requests

from framework.instance import DestinationInstance
from framework.testing.recordings import write_recording
from framework.testing.transport import MockTransport, Reply

__all__ = ["Replayed", "comparable", "record_with_peer", "recorder_main", "replay_case", "replying", "segment_side"]

DEFAULT_REPLY: dict[str, Any] = {"status": 200, "body": {}}  # the peer's answer when replies run out
IGNORED_HEADERS = frozenset({"host", "content-length", "user-agent", "accept-encoding", "connection", "accept"})


def record_with_peer(cases: list[dict[str, Any]], peer: Path) -> list[dict[str, Any]]:
    """Run ``cases`` through ``segment_peer.js`` under ``peer``; each line is ``{"case", "segment"}``."""
    stdin = "".join(json.dumps(case) + "\n" for case in cases)
    done = subprocess.run(["node", str(peer / "segment_peer.js")], input=stdin, capture_output=True, text=True,
                          cwd=peer, check=True, timeout=600)  # fmt: skip
    outputs = {out["id"]: out for out in map(json.loads, done.stdout.splitlines())}
    return [{"case": case, "segment": outputs[case["id"]]} for case in cases]


def recorder_main(
    argv: list[str] | None,
    *,
    description: str,
    generate: Callable[[int, int], list[dict[str, Any]]],
    cases_file: Path,
    seed: int,
    count: int = 300,
) -> int:
    """A recorder's command line: ``--peer``, ``--count``, ``--seed``; generate, record, write ``cases_file``."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--peer", type=Path, default=Path("/tmp/segment-peer"))
    parser.add_argument("--count", type=int, default=count)
    parser.add_argument("--seed", type=int, default=seed)
    args = parser.parse_args(argv)
    lines = record_with_peer(generate(args.count, args.seed), args.peer)
    generator = str(cases_file.parent.resolve().relative_to(Path.cwd().resolve()) / "record.py")
    write_recording(cases_file, lines, generator=generator, seed=args.seed, peer=args.peer)
    print(f"recorded {len(lines)} cases into {cases_file}", file=sys.stderr)
    return 0


def replying(replies: list[dict[str, Any]]) -> MockTransport:
    """A transport answering every request with the next stored reply, then the peer's default."""
    queue = list(replies)

    def answer(request: requests.PreparedRequest) -> Reply:
        reply = queue.pop(0) if queue else DEFAULT_REPLY
        headers = reply.get("headers") or {"content-type": "application/json"}
        body = reply["body"] if isinstance(reply["body"], str) else json.dumps(reply["body"])
        return Reply(status=reply["status"], body=body, headers=headers)

    return MockTransport(answer)


def comparable(method: str, url: str, headers: dict[str, Any], body: str | bytes | None) -> dict[str, Any]:
    """One request as parity sees it: method, URL, headers (lower-cased, transport ones left out), body text."""
    text = body.decode("utf-8") if isinstance(body, bytes) else body
    kept = {name.lower(): (value[0] if isinstance(value, list) else str(value)) for name, value in headers.items()}
    return {
        "method": method.upper(),
        "url": url,
        "headers": {name: kept[name] for name in sorted(kept) if name not in IGNORED_HEADERS},
        "body": text or None,
    }


@dataclass
class Replayed:
    """What one case did on both sides: requests sent and the outcome (delivered/filtered/invalid/failed)."""

    ours: list[dict[str, Any]]
    our_outcome: list[str]
    segment: list[dict[str, Any]]
    segment_outcome: list[str]


def segment_side(segment: dict[str, Any]) -> tuple[list[dict[str, Any]], list[str]]:
    """Segment's requests and outcome from a recorded answer."""
    sent = [comparable(r["method"], r["url"], r["headers"], r["body"]) for r in segment["requests"]]
    if "error" in segment:
        invalid = segment["error"]["name"] in ("AggregateAjvError", "PayloadValidationError", "ValidationError")
        return sent, ["invalid" if invalid else "failed"]
    multistatus = [item for result in segment["results"] for item in result.get("multistatus", [])]
    if multistatus:  # a batch: one outcome per event
        return sent, [_item_outcome(item) for item in multistatus]
    outcome = []
    for result in segment["results"]:
        output = result.get("output")
        if output == "not subscribed":
            outcome.append("filtered")
        elif output == "Action Executed" or "multistatus" in result or result.get("ok"):
            outcome.append("delivered")
    return sent, [s for s in outcome if s != "filtered"][:1] or outcome[:1]


def _item_outcome(item: dict[str, Any]) -> str:
    """One event of a batch, from Segment's multistatus entry."""
    if 200 <= int(item.get("status") or 0) < 300:
        return "delivered"
    return "invalid" if item.get("errortype") == "PAYLOAD_VALIDATION_FAILED" else "failed"


def replay_case(line: dict[str, Any], slug: str) -> Replayed:
    """Replay a recorded case (one event, or ``events`` as one batch) through our ``slug`` destination."""
    case = line["case"]
    settings = {
        **case["settings"],
        "subscriptions": case["subscriptions"],
        **({"oauth": case["oauth"]} if case.get("oauth") else {}),
    }
    transport = replying(case.get("replies") or [])
    with DestinationInstance.from_settings(settings, slug, session=transport.session()) as instance:
        if "events" in case:
            run = instance.send_batch(instance.subscriptions[0].index, case["events"])
            batch = [r.status.value for r in run.results if r is not None]
        else:
            statuses = [r.status.value for r in instance.send(case["event"])]
    ours = [comparable(r.method, r.url, dict(r.headers), r.body) for r in transport.requests]
    if "events" in case:  # a batch Segment threw for failed as a whole: compare one outcome
        our_outcome = sorted(set(batch)) if "error" in line["segment"] else batch
    else:
        interesting = [s for s in statuses if s != "filtered"]
        our_outcome = interesting[:1] if interesting else statuses[:1]
    sent, outcome = segment_side(line["segment"])
    return Replayed(ours, our_outcome, sent, outcome)
