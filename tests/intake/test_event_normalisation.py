"""What the tracking API adds to an event: messageId, receivedAt, sentAt and the skew-corrected timestamp."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

import pytest

from framework.intake import RequestRejected, iso_utc, normalise_events

RECEIVED = datetime(2024, 5, 1, 12, 0, 0, 250_000, tzinfo=timezone.utc)


def normalised(event: dict[str, Any], sent_at: Any = None) -> dict[str, Any]:
    events = [dict(event)]
    normalise_events(events, RECEIVED, sent_at)
    return events[0]


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
    event = normalised({"timestamp": "2024-05-01T14:00:00+02:00", "sentAt": "2024-05-01T14:00:01+02:00"},
                       sent_at="2030-01-01T00:00:00Z")
    assert event["timestamp"] == "2024-05-01T11:59:59.250Z"


def test_without_sentat_the_clients_timestamp_is_kept_as_sent() -> None:
    event = normalised({"timestamp": "2024-04-30T08:00:00Z"})
    assert event["timestamp"] == event["originalTimestamp"] == "2024-04-30T08:00:00Z"


def test_a_messageid_is_filled_when_absent_and_kept_when_given() -> None:
    filled = normalised({"messageId": ""})["messageId"]
    assert filled.startswith("api-") and len(filled) == 40
    assert normalised({"messageId": "m-1"})["messageId"] == "m-1"
    assert normalised({})["messageId"] != filled


@pytest.mark.parametrize(("event", "sent_at", "says"), [
    ({"timestamp": "yesterday"}, None, "batch[0]: timestamp should be an ISO-8601 date"),
    ({"timestamp": 1714564800}, None, "batch[0]: timestamp should be an ISO-8601 date such as "
                                      '"2024-05-01T12:00:00.000Z" but it is a number'),
    ({}, "soon", "the batch's sentAt should be an ISO-8601 date"),
])
def test_an_unreadable_date_refuses_the_request(event: dict[str, Any], sent_at: Any, says: str) -> None:
    with pytest.raises(RequestRejected) as caught:
        normalised(event, sent_at)
    assert caught.value.status == 400 and says in caught.value.message


def test_iso_utc_writes_milliseconds_and_z() -> None:
    assert iso_utc(datetime(2024, 1, 2, 3, 4, 5, 6_789)).endswith(".006Z")
