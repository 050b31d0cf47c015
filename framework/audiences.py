"""Audience membership: whether an event adds its user to a list or removes them, read as Segment does.

Two sources, tried in this order (Segment's ``resolveAudienceMembership``):

* **Engage**: ``context.personas.computation_class`` is ``audience`` or ``journey_step`` and
  ``computation_key`` names the audience; the boolean trait (identify) or property (track) of that name
  is ``true`` while the user is a member and ``false`` once they left.
* **Reverse ETL**: a track whose event is ``new``, ``updated`` or ``deleted``, read with the mapping's
  sync mode: ``new`` adds under add/upsert/mirror, ``updated`` adds under update/upsert/mirror,
  ``deleted`` removes under delete/mirror.

Anything else is ``None``: not an audience update. The runtime gives the answer to ``perform`` as
``data.audience_membership`` (a list aligned with the payloads in ``perform_batch``), so a list action
(Klaviyo's addProfileToList/removeProfileFromList) never reads the event itself::

    if data.audience_membership is False:
        return remove_from_list(request, data.payload)

:func:`engage_audience` gives the audience's names and ids as well.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

__all__ = ["EngageAudience", "engage_audience", "engage_membership", "resolve_audience_membership", "retl_membership"]

_ENGAGE_CLASSES = ("audience", "journey_step")
# (sync mode, RETL event name) → membership
_RETL = {
    ("add", "new"): True,
    ("update", "updated"): True,
    ("upsert", "new"): True,
    ("upsert", "updated"): True,
    ("mirror", "new"): True,
    ("mirror", "updated"): True,
    ("delete", "deleted"): False,
    ("mirror", "deleted"): False,
}


@dataclass(frozen=True)
class EngageAudience:
    """The Engage audience an event updates, and whether the user is now in it."""

    audience_key: str
    computation_class: str
    computation_id: str | None
    external_audience_id: str | None
    member: bool


def resolve_audience_membership(event: Any, sync_mode: str | None = None) -> bool | None:
    """True (add), False (remove) or None (not an audience update): Engage first, then Reverse ETL.

    Every delivered event is asked: a plain event (its context without ``personas``, and not a track
    under a sync mode) is answered from two lookups before any of the reading below.
    """
    if type(event) is dict:
        context = event.get("context")
        without_personas = context is None or (type(context) is dict and "personas" not in context)
        if without_personas and (not sync_mode or event.get("type") != "track"):
            return None
    engage = engage_membership(event)
    return engage if engage is not None else retl_membership(event, sync_mode)


def engage_membership(event: Any) -> bool | None:
    """The membership an Engage audience or journey event carries, else None."""
    audience = engage_audience(event)
    return audience.member if audience is not None else None


def engage_audience(event: Any) -> EngageAudience | None:
    """The Engage audience an event updates, with the user's membership; None for any other event."""
    personas = _personas(event)
    if personas is None:
        return None
    computation_class = personas.get("computation_class")
    key = personas.get("computation_key")
    if computation_class not in _ENGAGE_CLASSES or not isinstance(key, str) or not key:
        return None
    holder = {"identify": event.get("traits"), "track": event.get("properties")}.get(event.get("type"))
    member = holder.get(key) if isinstance(holder, Mapping) else None
    if not isinstance(member, bool):
        return None
    return EngageAudience(
        audience_key=key,
        computation_class=str(computation_class),
        computation_id=_text(personas.get("computation_id")),
        external_audience_id=_text(personas.get("external_audience_id")),
        member=member,
    )


def retl_membership(event: Any, sync_mode: str | None) -> bool | None:
    """The membership a Reverse ETL row event (new/updated/deleted) means under this sync mode, else None."""
    if not isinstance(event, Mapping) or not sync_mode or event.get("type") != "track":
        return None
    return _RETL.get((sync_mode, str(event.get("event", ""))))


def _personas(event: Any) -> Mapping[str, Any] | None:
    context = event.get("context") if isinstance(event, Mapping) else None
    personas = context.get("personas") if isinstance(context, Mapping) else None
    return personas if isinstance(personas, Mapping) else None


def _text(value: Any) -> str | None:
    return None if value is None else str(value)
