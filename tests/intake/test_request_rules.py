"""Segment's request rules: each broken rule refuses the whole request with its own code and message."""

from __future__ import annotations

import gzip
import json
from typing import Any

import pytest

from framework.intake import MAX_BATCH_BYTES, MAX_EVENT_BYTES, RequestRejected, read_tracking_request


def body(value: Any) -> bytes:
    return json.dumps(value).encode()


def track(**extra: Any) -> dict[str, Any]:
    return {"type": "track", "event": "Clicked", "userId": "u1", **extra}


def rejected(event_type: str | None, raw: bytes, encoding: str = "") -> RequestRejected:
    with pytest.raises(RequestRejected) as caught:
        read_tracking_request(event_type, raw, encoding)
    return caught.value


@pytest.mark.parametrize(
    ("event_type", "raw", "code", "says"),
    [
        (None, b'{"batch": [', "invalid_json", "not valid JSON: unexpected end of data at line 1 column 12"),
        (None, b'{"batch": [{"type": "track", "x": NaN}]}', "invalid_json", "not valid JSON: unexpected character"),
        (None, b'{"batch": "\xff"}', "invalid_json", "not valid UTF-8"),
        (None, b"[1, 2]", "invalid_body", "should be a JSON object but it is an array"),
        (None, body({"events": []}), "invalid_body", "batch is missing"),
        (None, body({"batch": {"type": "track"}}), "invalid_body", "batch is an object"),
        (
            None,
            body({"batch": [track(), "hello"]}),
            "invalid_event",
            "batch[1] should be a JSON object (an event) but it is a string",
        ),
        (
            None,
            body({"batch": [track(type="purchase")]}),
            "invalid_event",
            'batch[0]: type should be one of alias, group, identify, page, screen, track but it is "purchase"',
        ),
        (None, body({"batch": [{"event": "x", "userId": "u"}]}), "invalid_event", "batch[0]: type should be one of"),
        (
            None,
            body({"batch": [track(userId=None)]}),
            "invalid_event",
            "batch[0]: the event has neither userId nor anonymousId",
        ),
        (
            None,
            body({"batch": [track(event="")]}),
            "invalid_event",
            'batch[0]: a track event needs its name in "event"',
        ),
        (
            None,
            body({"batch": [track(properties=[1])]}),
            "invalid_event",
            "batch[0]: the event's properties should be an object but it is an array",
        ),
        (None, body({"batch": [track()], "context": "x"}), "invalid_body", "the batch's context should be an object"),
        (
            "identify",
            body({"traits": {}}),
            "invalid_event",
            "the identify call: the event has neither userId nor anonymousId",
        ),
        ("track", body({"userId": "u"}), "invalid_event", "the track call: a track event needs its name"),
    ],
)
def test_a_malformed_request_is_refused_with_the_reason(
    event_type: str | None, raw: bytes, code: str, says: str
) -> None:
    refusal = rejected(event_type, raw)
    assert (refusal.status, refusal.code) == (400, code)
    assert says in refusal.message


def test_a_single_event_over_32_kb_is_refused_naming_the_limit() -> None:
    raw = body({"userId": "u", "traits": {"bio": "x" * MAX_EVENT_BYTES}})
    refusal = rejected("identify", raw)
    assert (refusal.status, refusal.code) == (400, "event_too_large")
    assert "32 KB (32,768 bytes) per event" in refusal.message


def test_a_batch_over_500_kb_is_refused_naming_the_limit() -> None:
    events = [track(properties={"pad": "x" * 20_000}) for _ in range(30)]
    refusal = rejected(None, body({"batch": events}))
    assert refusal.code == "batch_too_large"
    assert "500 KB (512,000 bytes) per batch" in refusal.message


def test_a_gzip_body_is_inflated_and_a_false_gzip_refused() -> None:
    raw = gzip.compress(body({"batch": [track()]}))
    assert read_tracking_request(None, raw, "gzip").events[0]["event"] == "Clicked"
    refusal = rejected(None, b"not gzip at all", "gzip")
    assert refusal.code == "invalid_gzip"
    assert rejected(None, body({"batch": []}), "br").code == "unsupported_encoding"


def test_a_gzip_body_that_inflates_past_the_limit_is_refused() -> None:
    raw = gzip.compress(body({"batch": [track(properties={"pad": "0" * MAX_BATCH_BYTES})]}))
    assert len(raw) < 10_000
    assert rejected(None, raw, "gzip").code == "batch_too_large"


def test_the_route_sets_the_type_and_the_write_key_leaves_the_event() -> None:
    request = read_tracking_request("page", body({"type": "track", "anonymousId": "a", "writeKey": "secret"}))
    assert request.events == [{"type": "page", "anonymousId": "a"}]
    assert request.write_key == "secret"


def test_a_batch_shares_its_context_and_integrations_with_each_event_whose_own_keys_win() -> None:
    events = [track(context={"ip": "10.0.0.1"}), track()]
    request = read_tracking_request(
        None,
        body(
            {
                "batch": events,
                "context": {"ip": "127.0.0.1", "library": {"name": "x"}},
                "integrations": {"All": False},
                "sentAt": "2024-05-01T12:00:00Z",
                "writeKey": "k",
            }
        ),
    )
    assert request.events[0]["context"] == {"ip": "10.0.0.1", "library": {"name": "x"}}
    assert request.events[1]["context"] == {"ip": "127.0.0.1", "library": {"name": "x"}}
    assert request.events[1]["integrations"] == {"All": False}
    assert (request.sent_at, request.write_key) == ("2024-05-01T12:00:00Z", "k")
