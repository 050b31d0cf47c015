"""Conditions on other fields: Segment's conditional ``required`` and the UI-only ``depends_on``.

A condition is ``{fieldKey, operator: "is" | "is_not", value}``; leaving ``value`` out means "the
field is empty" (Segment's ``value: undefined``), which is different from ``value: None`` (the field
is null). ``required`` only accepts field conditions; ``depends_on`` also accepts ``syncMode`` ones.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["FieldCondition", "SyncModeCondition", "ConditionalRequired", "DependsOn"]


class FieldCondition(BaseModel):
    """One condition on another field's value (``field_key`` may be ``parent.child``)."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True, frozen=True, hide_input_in_errors=True)

    field_key: str = Field(alias="fieldKey", min_length=1)
    operator: Literal["is", "is_not"]
    value: Any = None

    @property
    def value_given(self) -> bool:
        """Whether ``value`` was written (``None`` given means null; left out means "empty")."""
        return "value" in self.model_fields_set


class SyncModeCondition(BaseModel):
    """A ``depends_on`` condition on the action's sync mode (UI only)."""

    model_config = ConfigDict(extra="forbid", frozen=True, hide_input_in_errors=True)

    type: Literal["syncMode"]
    operator: Literal["is", "is_not"]
    value: Any = None


class ConditionalRequired(BaseModel):
    """Segment's conditional ``required``: the field is required when the conditions hold."""

    model_config = ConfigDict(extra="forbid", frozen=True, hide_input_in_errors=True)

    match: Literal["any", "all"] = "all"
    conditions: list[FieldCondition] = Field(min_length=1)


class DependsOn(BaseModel):
    """When the UI shows a field; it has no effect on payload validation (as in Segment)."""

    model_config = ConfigDict(extra="forbid", frozen=True, hide_input_in_errors=True)

    match: Literal["any", "all"] = "all"
    conditions: list[FieldCondition | SyncModeCondition] = Field(min_length=1)
