"""Request parity with Segment's Facebook Conversions API destination, case by case (``record.py``).

Each stored case is replayed through ``DestinationInstance.from_settings`` with the same replies in
the same order, the system user token in the environment as the recorder gave it to Segment. The
test asserts the same requests (method, URL, headers, the body byte for byte) and the same outcome.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from framework.testing.peer_destinations import replay_case
from framework.testing.recordings import read_cases

from .record import FAKE_TOKEN

CASES = read_cases(Path(__file__).with_name("cases.jsonl"))


@pytest.fixture(autouse=True)
def _segment_token(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ACTIONS_FB_CAPI_SYSTEM_USER_TOKEN", FAKE_TOKEN)


@pytest.mark.parametrize("line", CASES, ids=[line["case"]["id"] for line in CASES])
def test_same_requests_as_segment(line: dict[str, Any]) -> None:
    replayed = replay_case(line, "actions-facebook-conversions-api")
    assert replayed.ours == replayed.segment
    assert replayed.our_outcome == replayed.segment_outcome, line["segment"].get("error")


def test_the_recording_covers_what_parity_must_cover() -> None:
    ids = " ".join(line["case"]["id"] for line in CASES)
    assert len(CASES) >= 1000
    firsts = ("purchase", "custom", "pageView", "addToCart", "viewContent", "initiateCheckout", "search")
    for action in (*firsts, *(f"{first}2" for first in firsts)):
        for scenario in ("defaults-ok", "custom-ok", "-400", "-401", "-429", "-500"):
            assert f"{action}-" in ids and any(action in i and scenario in i for i in ids.split()), (action, scenario)
    bodies = [r["body"] for line in CASES for r in line["segment"]["requests"]]
    assert any('"test_event_code"' in body for body in bodies)
    assert any('"test_event_code"' not in body for body in bodies)
    assert any('"contents":[' in body for body in bodies)
