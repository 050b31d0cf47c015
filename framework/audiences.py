"""Segment Engage audience events read as list membership: who entered or left which audience.

Engage sends an identify (membership in ``traits``) or a track ("Audience Entered"/"Audience Exited",
membership in ``properties``) whose ``context.personas`` names the audience: ``computation_key`` (older
events: ``audience_key``), ``computation_class`` (``audience``, ``journey_step``, ...), ``computation_id``
and ``external_audience_id``. The trait or property named by the key is ``true`` while the user is a
member and ``false`` when they leave. A list action (Klaviyo's addProfileToList/removeProfileFromList)
reads it once here::

    membership = audience_membership(event)
    if membership is not None and membership.change == "add":
        ...

"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

__all__ = ["AudienceMembership", "audience_membership"]

_ENTERED_EVENTS = {"Audience Entered": True, "Audience Exited": False}


@dataclass(frozen=True)
class AudienceMembership:
    """One event's membership change for one audience."""

    audience_key: str
    computation_class: str | None
    computation_id: str | None
    external_audience_id: str | None
    member: bool

    @property
    def change(self) -> Literal["add", "remove"]:
        """What a list action does with it."""
        return "add" if self.member else "remove"


def audience_membership(event: Mapping[str, Any]) -> AudienceMembership | None:
    """The membership an Engage event carries, or None for an event that is not an audience update.

    The boolean trait (identify) or property (track) named by the audience key decides; a track without
    that boolean falls back to its event name (Audience Entered / Exited).
    """
    context = event.get("context")
    personas = context.get("personas") if isinstance(context, Mapping) else None
    if not isinstance(personas, Mapping):
        return None
    key = personas.get("computation_key") or personas.get("audience_key")
    if not isinstance(key, str) or not key:
        return None
    member = _member(event, key)
    if member is None:
        return None
    return AudienceMembership(
        audience_key=key,
        computation_class=_text(personas.get("computation_class")),
        computation_id=_text(personas.get("computation_id")),
        external_audience_id=_text(personas.get("external_audience_id")),
        member=member,
    )


def _member(event: Mapping[str, Any], key: str) -> bool | None:
    holder = event.get("traits") if event.get("type") == "identify" else event.get("properties")
    value = holder.get(key) if isinstance(holder, Mapping) else None
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    return _ENTERED_EVENTS.get(str(event.get("event"))) if event.get("type") == "track" else None


def _text(value: Any) -> str | None:
    return None if value is None else str(value)
