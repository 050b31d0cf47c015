"""A permissive pydantic model of a Segment event, for code that wants attribute access to the envelope.

It lives apart from :mod:`framework.events` because pydantic costs about 0.2 s to import and reading
event files does not need it; ``framework.events.SegmentEvent`` imports this module on first use.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict

__all__ = ["SegmentEvent"]


class SegmentEvent(BaseModel):
    """A permissive view of a Segment event: the common keys typed, every other key kept as is.

    Mappings and triggers work on the raw dict (Segment's semantics depend on exactly what is there);
    this model is for code that wants attribute access to the envelope, such as a report keyed by
    ``messageId``.
    """

    model_config = ConfigDict(extra="allow", populate_by_name=True)

    type: str | None = None
    messageId: str | None = None
    userId: str | None = None
    anonymousId: str | None = None
    event: str | None = None
    name: str | None = None
    timestamp: str | None = None
    traits: dict[str, Any] | None = None
    properties: dict[str, Any] | None = None
    context: dict[str, Any] | None = None
