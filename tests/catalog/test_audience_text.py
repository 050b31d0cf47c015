"""What ``describe`` and the catalog page say of a destination's audiences and user deletion, by its definition."""

from __future__ import annotations

from typing import Any

import pytest

from framework.catalog.audience_text import audience_facts, has_audiences
from framework.definition import ActionDefinition, AudienceConfig, AudienceMode, DestinationDefinition, InputField


def _noop(request: Any, data: Any) -> None:
    return None


def _definition(**parts: Any) -> DestinationDefinition:
    actions = {"sync": ActionDefinition(title="Sync", perform=_noop)}
    return DestinationDefinition(name="Lists", slug="actions-lists", actions=actions, **parts)


@pytest.mark.parametrize(
    ("mode", "text"),
    [
        (AudienceMode(type="realtime"), "realtime (each audience entered or exited event as it happens)"),
        (AudienceMode(type="synced", full_audience_sync=True), "synced, full audience sync (each run sends the whole audience)"),
        (AudienceMode(type="synced", full_audience_sync=False), "synced (each run sends the changes, not a full audience sync)"),
    ],
)  # fmt: skip
def test_the_mode_says_how_segment_feeds_the_audience(mode: AudienceMode, text: str) -> None:
    config = AudienceConfig(mode=mode, create_audience=_noop, get_audience=_noop)
    assert audience_facts(_definition(audience_config=config))[0] == ("Audience mode", text)


def test_a_destination_with_both_functions_creates_audiences_and_one_with_on_delete_handles_deletion() -> None:
    config = AudienceConfig(mode=AudienceMode(type="realtime"), create_audience=_noop, get_audience=_noop)
    facts = dict(audience_facts(_definition(audience_config=config, on_delete=_noop)))
    assert facts["Audiences"] == "created and checked by the destination (create_audience, get_audience)"
    assert facts["User deletion"] == "handled (on_delete)"


def test_a_config_that_only_declares_the_mode_does_not_create_audiences() -> None:
    facts = dict(audience_facts(_definition(audience_config=AudienceConfig(mode=AudienceMode(type="realtime")))))
    assert facts["Audiences"] == "not created by the destination (no create_audience, get_audience)"
    assert "User deletion" not in facts


def test_a_destination_without_audiences_or_deletion_has_no_facts() -> None:
    plain = _definition()
    assert audience_facts(plain) == [] and not has_audiences(plain)
    fields = {"listId": InputField(label="List Id", type="string")}
    mode_only = AudienceConfig(mode=AudienceMode(type="realtime"))
    assert has_audiences(_definition(audience_fields=fields, audience_config=mode_only))
