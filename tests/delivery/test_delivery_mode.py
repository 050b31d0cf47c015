"""``actions explain`` says how the engine will deliver each matching subscription: merged, batched or per event."""

from __future__ import annotations

from typing import Any

import pytest

from framework.cli import main
from framework.delivery.delivery_mode import delivery_mode_text
from framework.instance import DestinationInstance


def instance(mapping: dict[str, Any], **delivery: Any) -> DestinationInstance:
    subscription = {
        "name": "prospects",
        "subscribe": 'type = "identify"',
        "partnerAction": "prospects",
        "mapping": {"email": {"@path": "$.traits.email"}, "secondaryDeletedSearch": True, **mapping},
    }
    built = DestinationInstance.from_settings(
        {
            "businessUnitID": "0Uv000000000001AAA",
            "accountID": "1",
            "subscriptions": [subscription],
            "oauth": {"access_token": "t", "refresh_token": "r"},
        }
    )
    built.delivery = built.delivery.model_copy(update=delivery)
    return built


def test_each_way_of_delivering_reads_as_one_sentence() -> None:
    merged = instance({})
    assert delivery_mode_text(merged, merged.subscriptions[0]) == (
        "merged: a user's queued updates of one record (same email) go as one call, never across a change of "
        "customFields.email"
    )
    off = instance({}, merge_updates=False)
    assert "merging is switched off" in delivery_mode_text(off, off.subscriptions[0])
    batched = instance({"enable_batching": True, "batch_size": 500})
    assert delivery_mode_text(batched, batched.subscriptions[0]).startswith("batched: up to 500 queued events")


def test_explain_prints_the_delivery_of_matching_subscriptions(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(
        [
            "explain",
            "--instance",
            "fixtures/instances/pardot.toml",
            "--event",
            "fixtures/events/identify.ndjson",
            "--line",
            "1",
        ]
    )
    out = capsys.readouterr().out
    assert code == 0
    assert "delivery: merged: a user's queued updates of one record (same email) go as one call" in out
