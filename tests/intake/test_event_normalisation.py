"""What the tracking API adds to an event: messageId, receivedAt, sentAt and the skew-corrected timestamp."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest

from framework.intake import MAX_EVENT_BYTES, RequestRejected, iso_utc, normalise_events

RECEIVED = datetime(2024, 5, 1, 12, 0, 0, 250_000, tzinfo=UTC)


def normalised(event: dict[str, Any], sent_at: Any = None) -> dict[str, Any]:
    [accepted] = normalise_events([dict(event)], RECEIVED, sent_at)
    assert json.loads(accepted.encoded) == accepted.event  # what the queue stores is the event
    return accepted.event


def track(**extra: Any) -> dict[str, Any]:
    return {"type": "track", "event": "Clicked", "userId": "u1", **extra}


def compact_size(event: dict[str, Any]) -> int:
    return len(json.dumps(event, ensure_ascii=False, separators=(",", ":")).encode())


@pytest.mark.parametrize(
    "server_fields",
    [
        {},
        {"messageId": "m-1", "timestamp": "2024-05-01T12:00:00Z"},
        {"sentAt": "2024-05-01T12:00:00Z", "receivedAt": 7},
    ],
)
def test_an_event_of_exactly_32_kb_as_sent_is_accepted_and_one_byte_more_refused(server_fields: dict[str, Any]) -> None:
    event = {**track(properties={"pad": "é" * 100}), **server_fields}  # é: 2 bytes, 1 character
    event["properties"]["pad"] += "x" * (MAX_EVENT_BYTES - compact_size(event))
    assert compact_size(event) == MAX_EVENT_BYTES
    normalised(event)
    event["properties"]["pad"] += "x"
    with pytest.raises(RequestRejected) as caught:
        normalise_events([track(), event], RECEIVED)
    assert caught.value.code == "event_too_large"
    assert caught.value.message.startswith("batch[1] is 32,769 bytes, larger than Segment's limit of 32 KB")


def test_an_event_made_only_of_server_fields_is_encoded_whole() -> None:
    assert set(normalised({"messageId": "m"})) == {"messageId", "receivedAt", "timestamp"}


def test_receivedat_is_the_server_clock_and_a_missing_timestamp_is_receivedat() -> None:
    event = normalised({"type": "track", "receivedAt": "1999-01-01T00:00:00Z"})
    assert event["receivedAt"] == event["timestamp"] == "2024-05-01T12:00:00.250Z"
    assert "originalTimestamp" not in event


def test_a_client_clock_ten_minutes_fast_is_corrected_from_sentat() -> None:
    # The client's clock says it sent at 12:10:00 an event of 12:09:58; the server got it at 12:00:00.250.
    event = normalised({"timestamp": "2024-05-01T12:09:58.000Z"}, sent_at="2024-05-01T12:10:00.000Z")
    assert event["timestamp"] == "2024-05-01T11:59:58.250Z"  # receivedAt - (sentAt - timestamp)
    assert event["originalTimestamp"] == "2024-05-01T12:09:58.000Z"
    assert event["sentAt"] == "2024-05-01T12:10:00.000Z"


def test_an_events_own_sentat_wins_over_the_batchs_and_offsets_are_read() -> None:
    event = normalised(
        {"timestamp": "2024-05-01T14:00:00+02:00", "sentAt": "2024-05-01T14:00:01+02:00"},
        sent_at="2030-01-01T00:00:00Z",
    )
    assert event["timestamp"] == "2024-05-01T11:59:59.250Z"


def test_without_sentat_the_clients_timestamp_is_kept_as_sent() -> None:
    event = normalised({"timestamp": "2024-04-30T08:00:00Z"})
    assert event["timestamp"] == event["originalTimestamp"] == "2024-04-30T08:00:00Z"


def test_a_messageid_is_filled_when_absent_and_kept_when_given() -> None:
    filled = normalised({"messageId": ""})["messageId"]
    assert filled.startswith("api-") and len(filled) == 40
    assert normalised({"messageId": "m-1"})["messageId"] == "m-1"
    assert normalised({})["messageId"] != filled


@pytest.mark.parametrize(
    ("event", "sent_at", "says"),
    [
        ({"timestamp": "yesterday"}, None, "batch[0]: timestamp should be an ISO-8601 date"),
        (
            {"timestamp": 1714564800},
            None,
            'batch[0]: timestamp should be an ISO-8601 date such as "2024-05-01T12:00:00.000Z" but it is a number',
        ),
        ({}, "soon", "the batch's sentAt should be an ISO-8601 date"),
    ],
)
def test_an_unreadable_date_refuses_the_request(event: dict[str, Any], sent_at: Any, says: str) -> None:
    with pytest.raises(RequestRejected) as caught:
        normalised(event, sent_at)
    assert caught.value.status == 400 and says in caught.value.message


def test_iso_utc_writes_milliseconds_and_z() -> None:
    assert iso_utc(datetime(2024, 1, 2, 3, 4, 5, 6_789)).endswith(".006Z")


def test_an_event_nested_past_what_json_storage_takes_is_refused() -> None:
    deep: dict[str, Any] = {}
    inner = deep
    for _ in range(300):
        inner["a"] = {}
        inner = inner["a"]
    with pytest.raises(RequestRejected) as caught:
        normalise_events([{"type": "track", "properties": deep}], RECEIVED)
    assert caught.value.code == "invalid_event" and "cannot be stored as JSON" in caught.value.message
