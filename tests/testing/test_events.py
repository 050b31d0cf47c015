"""create_test_event gives Segment's default test event, with overrides merged shallowly."""

import re
import uuid

from framework.testing import create_test_event

ISO_MS = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$")


def test_default_event_has_segments_exact_fields() -> None:
    event = create_test_event()
    assert sorted(event) == sorted(
        [
            "anonymousId",
            "context",
            "event",
            "messageId",
            "properties",
            "receivedAt",
            "sentAt",
            "timestamp",
            "traits",
            "type",
            "userId",
        ]
    )
    assert (event["type"], event["event"], event["userId"], event["anonymousId"]) == (
        "track",
        "Test Event",
        "user1234",
        "anonId1234",
    )
    assert event["properties"] == {} and event["traits"] == {}
    context = event["context"]
    assert context["ip"] == "8.8.8.8"
    assert context["library"] == {"name": "analytics.js", "version": "2.11.1"}
    assert context["locale"] == "en-US"
    assert context["location"] == {
        "city": "San Francisco",
        "country": "United States",
        "latitude": 40.2964197,
        "longitude": -76.9411617,
        "speed": 0,
    }
    assert context["page"] == {
        "path": "/academy/",
        "referrer": "",
        "search": "",
        "title": "Analytics Academy",
        "url": "https://segment.com/academy/",
    }
    assert context["timezone"] == "Europe/Amsterdam"
    assert context["userAgent"].startswith("Mozilla/5.0 (iPhone; CPU iPhone OS 9_1 like Mac OS X)")
    assert context["userAgent"].endswith("Version/9.0 Mobile/13B143 Safari/601.1")


def test_timestamps_are_javascript_iso_strings_and_message_id_a_uuid4() -> None:
    event = create_test_event()
    for key in ("receivedAt", "sentAt", "timestamp"):
        assert ISO_MS.match(event[key]), event[key]
    assert uuid.UUID(event["messageId"]).version == 4
    assert create_test_event()["messageId"] != event["messageId"]


def test_overrides_replace_top_level_keys_wholesale() -> None:
    event = create_test_event({"context": {"ip": "1.1.1.1"}}, type="identify", traits={"email": "a@b.co"})
    assert event["context"] == {"ip": "1.1.1.1"}
    assert event["type"] == "identify" and event["traits"] == {"email": "a@b.co"}
    assert event["event"] == "Test Event"


def test_keyword_overrides_win_over_the_dict_and_events_do_not_share_state() -> None:
    first = create_test_event({"userId": "a"}, userId="b")
    assert first["userId"] == "b"
    first["context"]["page"]["path"] = "/changed"
    assert create_test_event()["context"]["page"]["path"] == "/academy/"
