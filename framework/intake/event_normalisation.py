"""What Segment's tracking API adds to an accepted event: messageId, receivedAt and a skew-corrected timestamp.

* ``messageId`` is filled when absent (``api-`` and a random UUID), so every stored event has one;
* ``receivedAt`` is the server's clock when the request arrived, the same for a whole batch;
* ``sentAt`` is the event's own, else the batch's;
* ``timestamp`` is corrected for the client's clock skew as Segment does: the client's time of the
  event (its ``timestamp``) is kept as ``originalTimestamp``, and when the request says when it was
  sent, ``timestamp = receivedAt - (sentAt - originalTimestamp)``. Without ``sentAt`` the client's
  timestamp is kept as sent; without any timestamp it is ``receivedAt``.

Times written here are ISO-8601 in UTC with milliseconds (``2024-05-01T12:00:00.000Z``), the form
Segment's own libraries send. A timestamp that is not an ISO-8601 date refuses the request (400).
"""

from __future__ import annotations

import uuid
from datetime import datetime, timezone
from typing import Any

from framework.intake.request_rules import RequestRejected
from framework.jsvalues import json_type_phrase

__all__ = ["normalise_events", "iso_utc"]


def normalise_events(events: list[dict[str, Any]], received_at: datetime, batch_sent_at: Any = None,
                     *, batch: bool = True) -> None:
    """Normalise a request's events in place; RequestRejected names the first unreadable date."""
    received_text = iso_utc(received_at)
    batch_sent = _parsed_time(batch_sent_at, "the batch's sentAt") if batch_sent_at is not None else None
    for index, event in enumerate(events):
        where = f"batch[{index}]" if batch else f"the {event.get('type')} call"
        _fill_message_id(event)
        event["receivedAt"] = received_text
        sent_at = batch_sent
        if event.get("sentAt") is not None:
            sent_at = _parsed_time(event["sentAt"], f"{where}: sentAt")
        elif batch_sent_at is not None:
            event["sentAt"] = batch_sent_at
        _correct_timestamp(event, received_at, received_text, sent_at, where)


def iso_utc(moment: datetime) -> str:
    """``2024-05-01T12:00:00.000Z``: ISO-8601, UTC, milliseconds."""
    utc = moment.astimezone(timezone.utc)
    return f"{utc:%Y-%m-%dT%H:%M:%S}.{utc.microsecond // 1000:03d}Z"


def _fill_message_id(event: dict[str, Any]) -> None:
    message_id = event.get("messageId")
    if message_id is None or message_id == "":
        event["messageId"] = f"api-{uuid.uuid4()}"


def _correct_timestamp(event: dict[str, Any], received_at: datetime, received_text: str,
                       sent_at: datetime | None, where: str) -> None:
    client_text = event.get("timestamp")
    if client_text is None:
        client_text = event.get("originalTimestamp")
    if client_text is None:
        event["timestamp"] = received_text
        return
    client_time = _parsed_time(client_text, f"{where}: timestamp")
    event.setdefault("originalTimestamp", client_text)
    if sent_at is not None:
        event["timestamp"] = iso_utc(received_at - (sent_at - client_time))
    else:
        event["timestamp"] = client_text


def _parsed_time(value: Any, where: str) -> datetime:
    """An ISO-8601 date (a time without a zone is UTC), or the 400 that names the field."""
    if isinstance(value, str):
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            pass
        else:
            return moment if moment.tzinfo is not None else moment.replace(tzinfo=timezone.utc)
    shown = repr(value) if isinstance(value, str) else json_type_phrase(value)
    raise RequestRejected(400, "invalid_timestamp", f"{where} should be an ISO-8601 date such as "
                                                    f'"2024-05-01T12:00:00.000Z" but it is {shown}')
