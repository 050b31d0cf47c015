"""Sync modes: how an action applies a record (add, update, upsert, delete, mirror), chosen per mapping.

An action declares the modes it supports, as Segment's ``syncMode`` definition does; the mapping picks
one under Segment's reserved key ``__segment_internal_sync_mode`` and ``perform`` reads it as
``data.sync_mode``::

    ActionDefinition(
        ...,
        sync_mode=SyncModeDefinition(
            label="How to sync records", description="Create or update contacts, or only update them.",
            default="upsert", choices=[SyncModeChoice(label="Upsert", value="upsert"),
                                       SyncModeChoice(label="Update", value="update")]),
    )

Segment passes an unknown value on as ``undefined`` and leaves the refusal to each destination; here
a mode the action does not allow is refused once, with a message naming the allowed ones, before
``perform`` runs (docs/divergences.md). A mapping without the key gets the declared default.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

__all__ = ["SYNC_MODE_KEY", "SYNC_MODES", "SyncMode", "SyncModeChoice", "SyncModeDefinition", "chosen_sync_mode"]

SYNC_MODE_KEY = "__segment_internal_sync_mode"
SyncMode = Literal["add", "update", "upsert", "delete", "mirror"]
SYNC_MODES: tuple[str, ...] = SyncMode.__args__  # type: ignore[attr-defined]


class SyncModeChoice(BaseModel):
    """One mode the action allows, with the label the UI shows."""

    model_config = ConfigDict(extra="forbid", frozen=True, hide_input_in_errors=True)

    label: str = Field(min_length=1)
    value: SyncMode


class SyncModeDefinition(BaseModel):
    """The modes an action allows and the one a new mapping starts with (Segment's ``SyncModeDefinition``)."""

    model_config = ConfigDict(extra="forbid", frozen=True, hide_input_in_errors=True)

    label: str = Field(min_length=1)
    description: str = ""
    default: SyncMode
    choices: list[SyncModeChoice] = Field(min_length=1)

    @model_validator(mode="after")
    def _default_is_allowed(self) -> SyncModeDefinition:
        if self.default not in self.allowed:
            raise ValueError(
                f"sync mode default {self.default!r} is not one of its choices ({', '.join(self.allowed)})."
            )
        return self

    @property
    def allowed(self) -> tuple[str, ...]:
        """The allowed modes, in the order of the choices."""
        return tuple(choice.value for choice in self.choices)


def chosen_sync_mode(
    definition: SyncModeDefinition | None, mapping: Mapping[str, Any]
) -> tuple[str | None, str | None]:
    """(the mode ``perform`` gets, None) or (None, why the mapping's mode is refused).

    An action without sync modes gets None whatever the mapping says, as in Segment.
    """
    if definition is None:
        return None, None
    chosen = mapping.get(SYNC_MODE_KEY)
    if chosen is None:
        return definition.default, None
    if chosen not in definition.allowed:
        return None, (
            f"the mapping's {SYNC_MODE_KEY} is {chosen!r}, which this action does not allow; "
            f"choose one of: {', '.join(definition.allowed)}."
        )
    return str(chosen), None
