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

Each event is encoded to JSON once, here: the fields above are split off, the rest is encoded, and
the encoded normalised fields are appended. That one encoding gives both the event's exact size as
sent (Segment's 32 KB limit) and the JSON the queue stores, so no event is encoded twice.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from framework.intake.request_rules import MAX_EVENT_BYTES, RequestRejected, event_too_large
from framework.jsvalues import json_type_phrase

__all__ = ["normalise_events", "NormalisedEvent", "iso_utc"]

_SERVER_FIELDS = frozenset({"messageId", "receivedAt", "sentAt", "timestamp", "originalTimestamp"})
_encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode


@dataclass(frozen=True, slots=True)
class NormalisedEvent:
    """An accepted event with Segment's fields filled in, and its compact JSON (what the queue stores)."""

    event: dict[str, Any]
    encoded: str


def normalise_events(events: list[dict[str, Any]], received_at: datetime, batch_sent_at: Any = None,
                     *, batch: bool = True) -> list[NormalisedEvent]:
    """A request's events normalised and encoded; RequestRejected names the first event over 32 KB or
    the first unreadable date."""
    received_text = iso_utc(received_at)
    batch_sent = _parsed_time(batch_sent_at, "the batch's sentAt") if batch_sent_at is not None else None
    normalised = []
    for index, sent in enumerate(events):
        where = f"batch[{index}]" if batch else f"the {sent.get('type')} call"
        body = {key: value for key, value in sent.items() if key not in _SERVER_FIELDS}
        body_json = _encode(body)
        _check_size(body_json, len(body), sent, where)
        event = {key: sent[key] for key in _SERVER_FIELDS.intersection(sent)}
        _fill_message_id(event)
        event["receivedAt"] = received_text
        sent_at = batch_sent
        if event.get("sentAt") is not None:
            sent_at = _parsed_time(event["sentAt"], f"{where}: sentAt")
        elif batch_sent_at is not None:
            event["sentAt"] = batch_sent_at
        _correct_timestamp(event, received_at, received_text, sent_at, where)
        fields_json = _encode(event)
        encoded = f"{body_json[:-1]},{fields_json[1:]}" if body else fields_json
        body.update(event)
        normalised.append(NormalisedEvent(body, encoded))
    return normalised


def iso_utc(moment: datetime) -> str:
    """``2024-05-01T12:00:00.000Z``: ISO-8601, UTC, milliseconds."""
    utc = moment.astimezone(timezone.utc)
    return f"{utc:%Y-%m-%dT%H:%M:%S}.{utc.microsecond // 1000:03d}Z"


def _check_size(body_json: str, body_keys: int, sent: dict[str, Any], where: str) -> None:
    """The event's compact JSON as sent is the body's plus each server field's ``"key":value`` and comma."""
    size = len(body_json.encode())
    for key in _SERVER_FIELDS.intersection(sent):
        size += len(key) + 4 + len(_encode(sent[key]).encode())  # quotes, colon, comma
    if body_keys == 0 and len(sent):
        size -= 1  # no comma before the first field
    if size > MAX_EVENT_BYTES:
        raise event_too_large(where, size)


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
