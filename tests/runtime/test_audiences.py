"""framework.audiences: Engage and Reverse ETL events read as add/remove, by Segment's rules."""

from __future__ import annotations

from types import MappingProxyType
from typing import Any

import pytest

from framework.audiences import engage_audience, resolve_audience_membership


def _engage(type_: str, value: Any, computation_class: str = "audience", **personas: Any) -> dict[str, Any]:
    holder = "traits" if type_ == "identify" else "properties"
    context = {"personas": {"computation_class": computation_class, "computation_key": "vips", **personas}}
    return {"type": type_, "event": "Audience Entered", holder: {"vips": value}, "context": context}


@pytest.mark.parametrize(
    ("event", "sync_mode", "expected"),
    [
        (_engage("identify", True), None, True),
        (_engage("identify", False), None, False),
        (_engage("track", False), None, False),  # the property decides, whatever the event's name
        (_engage("track", True, "journey_step"), None, True),
        (_engage("identify", True, "computed_trait"), None, None),  # not an audience
        (_engage("identify", "true"), None, None),  # a string is not a membership
        (_engage("identify", 1), None, None),
        ({"type": "identify", "traits": {"vips": True}}, None, None),  # no personas
        ({"type": "identify", "traits": {"vips": True}, "context": {"personas": {"audience_key": "vips"}}}, None, None),
        ({"type": "identify", "context": "not an object"}, None, None),
        ({"type": "identify", "traits": {"vips": True}, "context": {"ip": "1.2.3.4"}}, "add", None),
        # a context that is a mapping but not a dict is read as one
        ({**_engage("identify", True), "context": MappingProxyType(_engage("identify", True)["context"])}, None, True),
        # Reverse ETL rows: the event name read with the sync mode
        ({"type": "track", "event": "new"}, "add", True),
        ({"type": "track", "event": "updated"}, "add", None),
        ({"type": "track", "event": "updated"}, "update", True),
        ({"type": "track", "event": "new"}, "upsert", True),
        ({"type": "track", "event": "deleted"}, "upsert", None),
        ({"type": "track", "event": "deleted"}, "delete", False),
        ({"type": "track", "event": "deleted"}, "mirror", False),
        ({"type": "track", "event": "deleted", "context": {"ip": "1.2.3.4"}}, "delete", False),
        ({"type": "track", "event": "updated"}, "mirror", True),
        ({"type": "track", "event": "new"}, None, None),
        ({"type": "identify", "event": "new"}, "add", None),
        # Engage wins over the RETL reading
        ({**_engage("track", False), "event": "new"}, "add", False),
    ],
)
def test_membership_is_read_as_segment_reads_it(event: dict[str, Any], sync_mode: str | None, expected: Any) -> None:
    assert resolve_audience_membership(event, sync_mode) is expected


def test_engage_audience_keeps_the_names_and_ids() -> None:
    audience = engage_audience(_engage("identify", True, computation_id="aud_1", external_audience_id="L7"))
    assert audience is not None
    assert (audience.audience_key, audience.computation_class, audience.computation_id) == ("vips", "audience", "aud_1")
    assert audience.external_audience_id == "L7" and audience.member is True
