"""Merged upserts leave Pardot exactly as one upsert per payload in order: two emulators, every field."""

import random
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
import requests

from destinations.pardot.emulator import DEFAULT_ACCESS_TOKEN, DEFAULT_BUSINESS_UNIT, UPSERT_PATH, PardotEmulator
from destinations.pardot.upsert_prospect import MERGING, upsert_body
from framework.delivery.merging import merge_payloads

CUSTOM = ["Tier__c", "Score__c"]
MOMENT = datetime(2026, 1, 1, tzinfo=UTC)
HEADERS = {"Authorization": f"Bearer {DEFAULT_ACCESS_TOKEN}", "Pardot-Business-Unit-Id": DEFAULT_BUSINESS_UNIT}


@pytest.fixture
def emulators() -> Iterator[tuple[PardotEmulator, PardotEmulator]]:
    with (
        PardotEmulator(custom_fields=CUSTOM, clock=lambda: MOMENT) as one,
        PardotEmulator(custom_fields=CUSTOM, clock=lambda: MOMENT) as other,
    ):
        yield one, other


def generated_payloads(seed: int, count: int) -> list[dict[str, Any]]:
    """Updates of a few people: standard and custom fields, nulls, overlay collisions, email changes."""
    rng = random.Random(seed)
    emails = [f"p{i}@example.com" for i in range(6)]
    values = ["x", "y", "", None]
    payloads = []
    for _ in range(count):
        payload: dict[str, Any] = {"email": rng.choice(emails), "secondaryDeletedSearch": rng.random() < 0.9}
        for name in rng.sample(["firstName", "lastName", "city", "company"], rng.randint(0, 3)):
            payload[name] = rng.choice(values)
        custom = {name: rng.choice(values) for name in rng.sample(CUSTOM + ["firstName"], rng.randint(0, 2))}
        if rng.random() < 0.08:
            custom["email"] = rng.choice(emails)  # an email change (maybe onto an address in use)
        if custom or rng.random() < 0.3:
            payload["customFields"] = custom
        payloads.append(payload)
    return payloads


def send(emulator: PardotEmulator, payloads: list[dict[str, Any]]) -> None:
    with requests.Session() as session:
        for payload in payloads:
            response = session.post(emulator.base_url + UPSERT_PATH, json=upsert_body(payload), headers=HEADERS)
            assert response.status_code == 200, response.text


@pytest.mark.parametrize("seed", range(8))
def test_merged_and_per_payload_delivery_leave_the_same_prospects(
    emulators: tuple[PardotEmulator, PardotEmulator], seed: int
) -> None:
    per_payload, merged = emulators
    payloads = generated_payloads(seed, 80)
    groups = merge_payloads(payloads, MERGING)
    send(per_payload, payloads)
    send(merged, [group.payload for group in groups])
    assert merged.prospects() == per_payload.prospects()
    assert sorted(i for group in groups for i in group.indexes) == list(range(len(payloads)))
    assert len(groups) < len(payloads)  # merging saved calls, or this test proves nothing


def test_the_generator_covers_the_hard_cases() -> None:
    payloads = [p for seed in range(8) for p in generated_payloads(seed, 80)]
    custom = [p.get("customFields", {}) for p in payloads]
    assert any("email" in c for c in custom) and any(None in c.values() for c in custom)
    assert any("firstName" in c for c in custom) and any(p.get("city", 0) is None for p in payloads)
