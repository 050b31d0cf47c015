"""Request parity with Segment's Webhook destination, case by case (cases recorded by ``record.py``).

Each stored case is replayed through ``DestinationInstance.from_settings`` (a batch case through the
runtime's ``run_batch``) with the same replies in the same order. The test asserts the same requests
(method, URL, every header but the transport's, the body byte for byte, so ``X-Signature`` too) and
the same outcome. Differences kept on purpose are listed in ``DIVERGENCES`` and docs/divergences.md.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from framework.testing.peer_destinations import replay_case
from framework.testing.recordings import read_cases

CASES = read_cases(Path(__file__).with_name("cases.jsonl"))
DIVERGENCES: dict[str, str] = {}


@pytest.mark.parametrize("line", CASES, ids=[line["case"]["id"] for line in CASES])
def test_same_requests_as_segment(line: dict[str, Any]) -> None:
    replayed = replay_case(line, "actions-webhook")
    assert replayed.ours == replayed.segment
    assert replayed.our_outcome == replayed.segment_outcome, line["segment"].get("error")


def test_the_recording_covers_what_parity_must_cover() -> None:
    ids = " ".join(line["case"]["id"] for line in CASES)
    assert len(CASES) >= 350
    for scenario in ("defaults-ok", "custom-ok", "batch-ok", "-400", "-401", "-429", "-500", "missing_url",
                     "non-ascii_header", "signed_unicode", "not_subscribed"):  # fmt: skip
        assert scenario in ids, scenario
    signed = [line for line in CASES if line["case"]["settings"].get("sharedSecret")]
    assert any("x-signature" in r["headers"] for line in signed for r in line["segment"]["requests"])
