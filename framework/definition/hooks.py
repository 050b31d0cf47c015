"""Action hooks: code a mapping runs once when it is saved, whose outputs every later ``perform`` gets.

Segment's ``hooks: {onMappingSave: {label, description, inputFields, outputTypes, performHook}}``: a
Klaviyo list action creates its list when the mapping is saved and sends to that list's id ever after::

    hooks={"onMappingSave": ActionHook(
        label="Create a list", description="Creates the list when the mapping is saved.",
        input_fields={"list_name": InputField(label="List name", type="string", required=True)},
        output_types={"id": InputField(label="List id", type="string", required=True)},
        perform_hook=create_list)}          # create_list(request, data) -> HookResult(saved_data={"id": ...})

The saved result lives in the mapping under the hook's key, as Segment stores it
(``mapping["onMappingSave"] = {"inputs": {...}, "outputs": {...}}``), so a Segment settings export
keeps working; ``perform`` reads ``data.hook_outputs["onMappingSave"]["outputs"]["id"]``.
``actions hooks run`` runs the hooks of an instance (framework.runtime.hooks).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from framework.definition.fields import InputField

__all__ = ["HOOK_TYPES", "ActionHook", "HookResult", "HookType"]

HookType = Literal["onMappingSave", "retlOnMappingSave"]
HOOK_TYPES: tuple[str, ...] = HookType.__args__  # type: ignore[attr-defined]


class ActionHook(BaseModel):
    """One hook: the inputs it asks for, the outputs it saves and the function that computes them."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True, hide_input_in_errors=True)

    label: str = Field(min_length=1)
    description: str = ""
    input_fields: dict[str, InputField] = Field(default_factory=dict, alias="inputFields")
    output_types: dict[str, InputField] = Field(default_factory=dict, alias="outputTypes")
    # perform_hook(request, data): data.hook_inputs holds the inputs; returns a HookResult.
    perform_hook: Callable[..., Any] = Field(alias="performHook")


@dataclass(frozen=True)
class HookResult:
    """What a hook answers (Segment's ``ActionHookResponse``): the saved outputs, or an error message."""

    saved_data: dict[str, Any] = field(default_factory=dict)
    success_message: str = ""
    error: str | None = None
