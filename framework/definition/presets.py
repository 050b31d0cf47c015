"""``Preset``: a subscription a destination suggests by default (metadata; the runtime ignores it).

``automatic`` presets pair an FQL trigger with an action and its mapping (usually the action's
``default_mapping()``); ``specificEvent`` presets target one of Segment's warehouse/journeys events.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

__all__ = ["Preset", "EVENT_SLUGS"]

EVENT_SLUGS = (
    "warehouse_entity_added_track",
    "warehouse_entity_removed_track",
    "warehouse_audience_entered_track",
    "warehouse_audience_exited_track",
    "warehouse_audience_membership_changed_identify",
    "warehouse_entity_values_changed_track",
    "warehouse_all_events_track",
    "journeys_step_entered_track",
)


class Preset(BaseModel):
    """A default subscription (Segment's ``partnerAction``/``eventSlug`` spellings are accepted)."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True, hide_input_in_errors=True)

    name: str
    partner_action: str = Field(alias="partnerAction")
    subscribe: str | None = None
    mapping: dict[str, Any] = Field(default_factory=dict)
    type: Literal["automatic", "specificEvent"] = "automatic"
    event_slug: Literal[EVENT_SLUGS] | None = Field(default=None, alias="eventSlug")  # type: ignore[valid-type]

    @model_validator(mode="after")
    def _check(self) -> Preset:
        if self.type == "automatic" and not self.subscribe:
            raise ValueError(f"preset {self.name!r} is automatic, so it needs a 'subscribe' trigger.")
        if self.type == "specificEvent" and self.event_slug is None:
            raise ValueError(f"preset {self.name!r} targets a specific event, so it needs an 'event_slug'.")
        return self
