"""Segment's tracking-API request rules: what a request may hold, and the 400 that says why not.

A request is read in three steps, each refusing the whole request (nothing is enqueued) with a
:class:`RequestRejected` that names the rule:

1. the body: at most 32 KB for a single-event route and 500 KB for a batch, after gzip
   (``Content-Encoding: gzip``) is undone; a body that is not gzip when it says so is refused;
2. the JSON: it must parse (strict JSON, as orjson reads it: no ``NaN``), and be an object; a batch's
   ``batch`` must be an array;
3. each event: an object (at most 32 KB as compact JSON: measured by ``event_normalisation``, which
   encodes it anyway), of a known ``type`` (implied by the route for
   single-event routes), with a ``userId`` or ``anonymousId``, a track with an ``event`` name, and
   spec fields of the right JSON type (``framework.runtime.event_problem``).

Segment answers 200 to an event it then drops (no identifier, a track without a name); this server
answers 400 instead, so the sender learns at once (docs/serving.md lists it among the divergences).
A batch's ``context`` and ``integrations`` are merged into each of its events, the event's own keys
winning, as Segment's batch endpoint documents.
"""

from __future__ import annotations

import json
import zlib
from dataclasses import dataclass
from typing import Any

import orjson

from framework.events import nesting_problem
from framework.jsvalues import json_type_phrase
from framework.runtime import event_problem

__all__ = [
    "RequestRejected",
    "TrackingRequest",
    "EVENT_TYPES",
    "MAX_EVENT_BYTES",
    "MAX_BATCH_BYTES",
    "body_limit",
    "read_cap",
    "too_large",
    "event_too_large",
    "read_tracking_request",
]

MAX_EVENT_BYTES = 32 * 1024
"""Segment's limit for one event, and so for the body of a single-event route."""
MAX_BATCH_BYTES = 500 * 1024
"""Segment's limit for the body of ``/v1/batch`` (and ``/v1/import``)."""
EVENT_TYPES = frozenset({"identify", "track", "page", "screen", "group", "alias"})
_GZIP_SLACK = 64 * 1024  # a compressed body is read up to limit + this; its inflated size is what counts


class RequestRejected(Exception):
    """A request refused as a whole: ``status`` (400, 401, ...), a stable ``code`` and a human ``message``.

    The answer's body is ``{"success": false, "code": code, "message": message}``: Segment's libraries
    (analytics-python among them) read ``code`` and ``message`` from an error answer.
    """

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message

    def body(self) -> dict[str, Any]:
        """The JSON answer."""
        return {"success": False, "code": self.code, "message": self.message}


@dataclass(frozen=True)
class TrackingRequest:
    """A request's events as sent (batch context merged, ``type`` set), before normalisation."""

    events: list[dict[str, Any]]
    sent_at: Any = None  # the batch's sentAt (an event's own sentAt wins)
    write_key: str | None = None  # ``writeKey`` from the body, when it was there (removed from events)


def body_limit(event_type: str | None) -> int:
    """The most body bytes (inflated) a route takes: ``event_type`` None is a batch route."""
    return MAX_BATCH_BYTES if event_type is None else MAX_EVENT_BYTES


def read_cap(event_type: str | None, content_encoding: str) -> int:
    """How many raw bytes to read before refusing: the limit, with slack for a compressed body."""
    limit = body_limit(event_type)
    return limit + _GZIP_SLACK if _is_gzip(content_encoding) else limit


def too_large(event_type: str | None) -> RequestRejected:
    """The 400 for a body over its route's limit."""
    if event_type is None:
        return RequestRejected(
            400,
            "batch_too_large",
            f"the batch is larger than Segment's limit of 500 KB "
            f"({MAX_BATCH_BYTES:,} bytes) per batch request: send fewer events per batch",
        )
    return RequestRejected(
        400,
        "event_too_large",
        f"the {event_type} call is larger than Segment's limit of 32 KB "
        f"({MAX_EVENT_BYTES:,} bytes) per event: trim its properties, traits or context",
    )


def read_tracking_request(event_type: str | None, raw: bytes, content_encoding: str = "") -> TrackingRequest:
    """The events of one request to a route (``event_type`` None: a batch), or RequestRejected."""
    body = _inflated(raw, content_encoding, body_limit(event_type), event_type)
    parsed = _parsed_json(body)
    if not isinstance(parsed, dict):
        raise RequestRejected(
            400, "invalid_body", f"the request body should be a JSON object but it is {json_type_phrase(parsed)}"
        )
    write_key = _body_write_key(parsed)
    if event_type is None:
        events = _batch_events(parsed)
        return TrackingRequest(events, parsed.get("sentAt"), write_key)
    parsed["type"] = event_type
    _check_event(parsed, f"the {event_type} call")
    return TrackingRequest([parsed], None, write_key)


def _is_gzip(content_encoding: str) -> bool:
    return content_encoding.strip().lower() in ("gzip", "x-gzip")


def _inflated(raw: bytes, content_encoding: str, limit: int, event_type: str | None) -> bytes:
    encoding = content_encoding.strip().lower()
    if encoding in ("", "identity"):
        body = raw
    elif _is_gzip(encoding):
        body = _gunzip(raw, limit)
    else:
        raise RequestRejected(
            400,
            "unsupported_encoding",
            f"Content-Encoding {content_encoding!r} is not supported: send the body as is, or gzip it",
        )
    if len(body) > limit:
        raise too_large(event_type)
    return body


def _gunzip(raw: bytes, limit: int) -> bytes:
    """Inflate at most ``limit + 1`` bytes (a small bomb cannot take memory), refusing bad gzip."""
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        body = inflater.decompress(raw, limit + 1)
        if len(body) <= limit and not inflater.eof:
            raise zlib.error("the compressed body ends early")
    except zlib.error as error:
        raise RequestRejected(
            400,
            "invalid_gzip",
            f"the body says Content-Encoding: gzip but it is not valid "
            f"gzip ({error}): compress it with gzip, or drop the header",
        ) from None
    return body


def _parsed_json(body: bytes) -> Any:
    """orjson: strict JSON (no NaN), UTF-8 only, integers past 64 bits read as numbers, as JS reads them."""
    try:
        return orjson.loads(body)
    except orjson.JSONDecodeError as error:
        raise RequestRejected(
            400,
            "invalid_json",
            f"the request body is not valid JSON: {error.msg} at line {error.lineno} column {error.colno}",
        ) from None


def _body_write_key(parsed: dict[str, Any]) -> str | None:
    """``writeKey`` from the body, removed so it is never stored with an event."""
    write_key = parsed.pop("writeKey", None)
    return write_key if isinstance(write_key, str) and write_key else None


def _batch_events(parsed: dict[str, Any]) -> list[dict[str, Any]]:
    batch = parsed.get("batch")
    if not isinstance(batch, list):
        raise RequestRejected(
            400,
            "invalid_body",
            'the batch request should have "batch": an array of events, but '
            f"batch is {json_type_phrase(batch) if 'batch' in parsed else 'missing'}",
        )
    shared = _batch_shared(parsed)
    for index, event in enumerate(batch):
        where = f"batch[{index}]"
        if not isinstance(event, dict):
            raise RequestRejected(
                400, "invalid_event", f"{where} should be a JSON object (an event) but it is {json_type_phrase(event)}"
            )
        event.pop("writeKey", None)
        kind = event.get("type")
        if kind not in EVENT_TYPES:
            raise RequestRejected(
                400,
                "invalid_event",
                f"{where}: type should be one of {', '.join(sorted(EVENT_TYPES))} "
                f"but it is {json.dumps(kind) if isinstance(kind, str) else json_type_phrase(kind)}",
            )
        _merge_shared(event, shared)
        _check_event(event, where)
    return batch


def _batch_shared(parsed: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The batch's own ``context`` and ``integrations``: defaults for each event."""
    shared: dict[str, dict[str, Any]] = {}
    for key in ("context", "integrations"):
        value = parsed.get(key)
        if value is None:
            continue
        if not isinstance(value, dict):
            raise RequestRejected(
                400, "invalid_body", f"the batch's {key} should be an object but it is {json_type_phrase(value)}"
            )
        shared[key] = value
    return shared


def _merge_shared(event: dict[str, Any], shared: dict[str, dict[str, Any]]) -> None:
    for key, defaults in shared.items():
        own = event.get(key)
        if own is None:
            event[key] = dict(defaults)
        elif isinstance(own, dict):
            event[key] = {**defaults, **own}


def event_too_large(where: str, size: int) -> RequestRejected:
    """The 400 for one event over 32 KB (measured as compact JSON, as it was sent)."""
    return RequestRejected(
        400,
        "event_too_large",
        f"{where} is {size:,} bytes, larger than Segment's limit of 32 KB "
        f"({MAX_EVENT_BYTES:,} bytes) per event: trim its properties, "
        "traits or context",
    )


def _check_event(event: dict[str, Any], where: str) -> None:
    problem = event_problem(event) or nesting_problem(event)
    if problem is not None:
        raise RequestRejected(400, "invalid_event", f"{where}: {problem}")
    if _blank(event.get("userId")) and _blank(event.get("anonymousId")):
        raise RequestRejected(
            400,
            "invalid_event",
            f"{where}: the event has neither userId nor anonymousId; "
            "Segment needs one of them to know whose event it is",
        )
    if event["type"] == "track" and _blank(event.get("event")):
        raise RequestRejected(400, "invalid_event", f'{where}: a track event needs its name in "event"')


def _blank(value: Any) -> bool:
    return value is None or value == ""
