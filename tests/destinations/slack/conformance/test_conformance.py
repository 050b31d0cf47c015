"""Request parity with Segment's Slack destination, case by case (cases recorded by ``record.py``).

Each stored case is replayed through ``DestinationInstance.from_settings`` with the same replies in the
same order. The test asserts the same requests (method, URL, every header but the transport's, the
body byte for byte) and the same outcome. Differences kept on purpose are listed in ``DIVERGENCES`` and docs/divergences.md.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from framework.testing.peer_destinations import replay_case
from framework.testing.recordings import read_cases

CASES = read_cases(Path(__file__).with_name("cases.jsonl"))
# Segment's error name → the outcome we give instead (docs/divergences.md, "Webhook and Slack").
DIVERGENCES: dict[str, str] = {"ParseError": "invalid"}


@pytest.mark.parametrize("line", CASES, ids=[line["case"]["id"] for line in CASES])
def test_same_requests_as_segment(line: dict[str, Any]) -> None:
    replayed = replay_case(line, "actions-slack")
    assert replayed.ours == replayed.segment
    error = line["segment"].get("error") or {}
    expected = [DIVERGENCES[error["name"]]] if error.get("name") in DIVERGENCES else replayed.segment_outcome
    assert replayed.our_outcome == expected, error


def test_the_recording_covers_what_parity_must_cover() -> None:
    ids = " ".join(line["case"]["id"] for line in CASES)
    assert len(CASES) >= 300
    for scenario in ("-ok", "-400", "-404", "-429", "-500", "not_subscribed", "no_text", "no_url"):
        assert scenario in ids, scenario
    refused = [line for line in CASES if line["segment"].get("error", {}).get("message") == "Invalid Slack URL"]
    assert refused and all(not line["segment"]["requests"] for line in refused)
