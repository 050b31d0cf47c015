"""Segment's default test event, so a destination's tests read the same as their TypeScript originals.

``create_test_event`` mirrors ``createTestEvent`` from Segment's actions-core: a ``track`` event named
"Test Event" with a fixed context, a fresh ``messageId`` and the current time. Overrides replace
top-level keys wholesale (a shallow merge), exactly as Segment does, so passing ``context`` replaces
the whole default context.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

__all__ = ["create_test_event"]

_USER_AGENT = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 9_1 like Mac OS X) AppleWebKit/601.1.46 (KHTML, like Gecko) "
    "Version/9.0 Mobile/13B143 Safari/601.1"
)


def _iso_now() -> str:
    """The current time as JavaScript's ``toISOString`` writes it: millisecond precision and ``Z``."""
    now = datetime.now(UTC)
    return now.strftime("%Y-%m-%dT%H:%M:%S.") + f"{now.microsecond // 1000:03d}Z"


def _default_context() -> dict[str, Any]:
    """A new copy each time, so a test that mutates its event cannot leak into the next one."""
    return {
        "ip": "8.8.8.8",
        "library": {"name": "analytics.js", "version": "2.11.1"},
        "locale": "en-US",
        "location": {
            "city": "San Francisco",
            "country": "United States",
            "latitude": 40.2964197,
            "longitude": -76.9411617,
            "speed": 0,
        },
        "page": {
            "path": "/academy/",
            "referrer": "",
            "search": "",
            "title": "Analytics Academy",
            "url": "https://segment.com/academy/",
        },
        "timezone": "Europe/Amsterdam",
        "userAgent": _USER_AGENT,
    }


def create_test_event(overrides: dict[str, Any] | None = None, /, **fields: Any) -> dict[str, Any]:
    """Segment's default test ``track`` event with ``overrides`` shallow-merged over it.

    Overrides may be given as a dict (handy for keys that are not Python identifiers) and/or as
    keyword arguments; keyword arguments win.

    >>> event = create_test_event(type="identify", traits={"email": "ada@example.com"})
    >>> event["type"], event["userId"], event["traits"]["email"]
    ('identify', 'user1234', 'ada@example.com')
    """
    now = _iso_now()
    event: dict[str, Any] = {
        "anonymousId": "anonId1234",
        "context": _default_context(),
        "event": "Test Event",
        "messageId": str(uuid.uuid4()),
        "properties": {},
        "receivedAt": now,
        "sentAt": now,
        "timestamp": now,
        "traits": {},
        "type": "track",
        "userId": "user1234",
    }
    event.update(overrides or {})
    event.update(fields)
    return event
