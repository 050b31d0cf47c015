"""Regenerates ``segment_requests.jsonl``: request-client cases and the request Segment's client sent.

Run from the repository root after ``../shared/peer/setup.sh``::

    .venv/bin/python tests/http/conformance/record.py
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
from pathlib import Path
from typing import Any

from framework.testing.recordings import write_recording

HERE = Path(__file__).parent
PEER = Path(os.environ.get("PEER_DIR", "/tmp/segment-peer"))  # where record_segment.js finds Segment's engine


def _peer_from_arguments() -> Path:
    """``--peer DIR`` (default ``$PEER_DIR`` or /tmp/segment-peer), passed on to record_segment.js."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--peer", type=Path, default=PEER)
    peer: Path = parser.parse_args().peer
    os.environ["PEER_DIR"] = str(peer)
    return peer


CASES: list[dict[str, Any]] = [
    {
        "id": "json-body",
        "layers": [],
        "url": "/a",
        "call": {"method": "post", "json": {"a": 1, "b": "é", "c": [True, None]}},
    },
    {
        "id": "json-integral-float",
        "layers": [],
        "url": "/a",
        "call": {"method": "POST", "json": {"score": 5.0, "r": 0.25}},
    },
    {"id": "json-null", "layers": [], "url": "/a", "call": {"method": "POST", "json": None}},
    {
        "id": "json-overrides-content-type",
        "layers": [{"headers": {"Content-Type": "text/plain"}}],
        "url": "/a",
        "call": {"method": "POST", "json": {"a": 1}},
    },
    {
        "id": "form-body",
        "layers": [],
        "url": "/token",
        "call": {
            "method": "POST",
            "form": {"grant_type": "refresh_token", "refresh_token": "r/1+2 3~*", "flag": "true"},
        },
    },
    {
        "id": "headers-merge-case-insensitive",
        "layers": [{"headers": {"Authorization": "Bearer a", "X-One": "1"}}],
        "url": "/h",
        "call": {"headers": {"x-one": "2", "X-Two": "3"}},
    },
    {
        "id": "header-null-deletes",
        "layers": [{"headers": {"Authorization": "Bearer a", "X-Keep": "k"}}],
        "url": "/h",
        "call": {"headers": {"authorization": None}},
    },
    {
        "id": "layers-later-wins",
        "layers": [{"headers": {"X-A": "1"}}, {"headers": {"x-a": "2", "X-B": "b"}}],
        "url": "/h",
        "call": {},
    },
    {"id": "basic-auth", "layers": [{"username": "user", "password": "p@ss:word"}], "url": "/b", "call": {}},
    {"id": "basic-auth-username-only", "layers": [], "url": "/b", "call": {"username": "u"}},
    {"id": "basic-auth-password-only", "layers": [], "url": "/b", "call": {"password": "p"}},
    {
        "id": "search-params-on-plain-url",
        "layers": [],
        "url": "/s",
        "call": {"searchParams": {"fields": "id,email", "n": 2}},
    },
    {"id": "search-params-replace-query", "layers": [], "url": "/s?x=1", "call": {"searchParams": {"y": "2"}}},
    {"id": "method-lowercase", "layers": [], "url": "/m", "call": {"method": "patch", "json": {}}},
    {"id": "delete", "layers": [], "url": "/m", "call": {"method": "DELETE"}},
]


def main() -> None:
    peer_dir = _peer_from_arguments()
    peer = subprocess.run(
        ["node", str(HERE / "record_segment.js")],
        input="\n".join(map(json.dumps, CASES)),
        capture_output=True,
        text=True,
        check=True,
    )
    answers = {a["id"]: a for a in map(json.loads, peer.stdout.splitlines())}
    lines = [{**case, "segment": {k: v for k, v in answers[case["id"]].items() if k != "id"}} for case in CASES]
    write_recording(
        HERE / "segment_requests.jsonl", lines, generator="tests/http/conformance/record.py", seed=None, peer=peer_dir
    )  # hand-written cases: nothing random
    print(f"recorded {len(CASES)} cases")


if __name__ == "__main__":
    main()
