"""Request parity with Segment's Klaviyo (Actions) destination, case by case (recorded by ``record.py``).

Each stored case is replayed through ``DestinationInstance.from_settings`` with the same replies in
the same order. The test asserts the same requests (method, URL, every header but the transport's,
the body byte for byte) and the same outcome. Differences kept on purpose are in ``DIVERGENCES``
and docs/divergences.md.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from framework.testing.peer_destinations import replay_case
from framework.testing.recordings import read_cases

CASES = read_cases(Path(__file__).with_name("cases.jsonl"))
# Case id → our outcome where it differs from Segment's on purpose (docs/divergences.md, Klaviyo).
DIVERGENCES: dict[str, list[str]] = {
    # A lookup answer without "data" (200 {}): Segment throws a TypeError (failed, retried); here it
    # finds no profile, which is the payload's "No profiles found" (invalid).
    "0215-removeProfileFromList-none-found": ["invalid"],
}


def brackets_as_segment_writes_them(requests: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Our URLs with ``%5B``/``%5D`` as the ``[``/``]`` Segment's fetch leaves raw (the same URL to Klaviyo).

    requests percent-encodes brackets in a query, WHATWG URL parsing keeps them; a server decodes both
    to the same filter (docs/divergences.md, "Klaviyo profile lookups: brackets in the query").
    """
    return [{**sent, "url": sent["url"].replace("%5B", "[").replace("%5D", "]")} for sent in requests]


_UUID = re.compile(rb'"unique_id":"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"')


def random_ids_blanked(requests: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """orderCompleted's product events carry a fresh random UUID each (Segment's too): compared blanked."""
    blanked = []
    for sent in requests:
        body = sent.get("body")
        if isinstance(body, str):
            body = _UUID.sub(b'"unique_id":"<uuid4>"', body.encode()).decode()
        elif isinstance(body, bytes):
            body = _UUID.sub(b'"unique_id":"<uuid4>"', body)
        blanked.append({**sent, "body": body})
    return blanked


@pytest.mark.parametrize("line", CASES, ids=[line["case"]["id"] for line in CASES])
def test_same_requests_as_segment(line: dict[str, Any]) -> None:
    replayed = replay_case(line, "actions-klaviyo")
    ours = random_ids_blanked(brackets_as_segment_writes_them(replayed.ours))
    assert ours == random_ids_blanked(replayed.segment)
    expected = DIVERGENCES.get(line["case"]["id"], replayed.segment_outcome)
    assert batch_items_as_segment_counts_them(line, replayed.our_outcome, expected) == expected, line["segment"].get(
        "error"
    )


def batch_items_as_segment_counts_them(line: dict[str, Any], ours: list[str], segment: list[str]) -> list[str]:
    """Our per-item batch outcomes as Segment would count them (docs/divergences.md, "Klaviyo batches").

    Here an item the checks refuse (no identifier, a phone number that cannot be converted) is
    ``invalid`` by itself. Segment counts it ``failed`` with the rest when the whole batch throws, and
    (un)subscribe batches leave it out of the job silently and count it ``delivered``.
    """
    case = line["case"]
    if "events" not in case:
        return ours
    if segment == ["failed"]:
        return sorted(set(ours) - {"invalid"}) or ours
    if case["subscriptions"][0]["partnerAction"] in ("subscribeProfile", "unsubscribeProfile") and len(ours) == len(
        segment
    ):
        return [
            theirs if (mine, theirs) == ("invalid", "delivered") else mine
            for mine, theirs in zip(ours, segment, strict=True)
        ]
    return ours


def test_the_recording_covers_what_parity_must_cover() -> None:
    ids = " ".join(line["case"]["id"] for line in CASES)
    assert len(CASES) >= 400
    assert len(CASES) >= 600
    for scenario in ("orderCompleted-accepted", "subscribeProfile-accepted", "unsubscribeProfile-accepted",
                     "removeProfile-found", "national-US", "upsertProfile-batch-imported", "addProfileToList-batch-",
                     "removeProfileFromList-batch-found", "removeProfile-batch-", "trackEvent-batch-pointed",
                     "subscribeProfile-batch-", "unsubscribeProfile-batch-"):  # fmt: skip
        assert scenario in ids, scenario
    for scenario in ("upsertProfile-created", "upsertProfile-duplicate", "addProfileToList-duplicate",
                     "removeProfileFromList-none-found", "trackEvent-accepted", "-400", "-401", "-429", "-500", "hook-list",
                     "not-subscribed"):  # fmt: skip
        assert scenario in ids, scenario
