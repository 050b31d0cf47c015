"""fixtures/instances: the TOML form and Segment's settings JSON are the same instance."""

from __future__ import annotations

import tomllib
from pathlib import Path

from framework.events import EventRecord, read_events
from framework.instance import DestinationInstance

ROOT = Path(__file__).resolve().parents[2]


def _resolved(instance: DestinationInstance, event: dict) -> list[tuple]:
    return [
        (e.subscription, e.matched, tuple((t.field, t.present, repr(t.value)) for t in e.fields))
        for e in instance.explain(event)
    ]


def test_toml_and_segment_json_resolve_every_fixture_event_the_same() -> None:
    toml = DestinationInstance.from_file(ROOT / "fixtures/instances/pardot.toml")
    segment = DestinationInstance.from_file(ROOT / "fixtures/instances/pardot.json")
    events = [item.event for item in read_events([ROOT / "fixtures/events"]) if isinstance(item, EventRecord)]
    assert len(events) > 10
    for event in events:
        assert _resolved(toml, event) == _resolved(segment, event), event.get("messageId")


def test_the_toml_instance_has_no_endpoint_and_fake_credentials() -> None:
    config = tomllib.loads((ROOT / "fixtures/instances/pardot.toml").read_text(encoding="utf-8"))
    assert "endpoint" not in config
    assert all("emulator" in str(value) for value in config["auth"].values())
