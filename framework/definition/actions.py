"""``ActionDefinition``: one thing a destination can do, as fields (with default mappings) and perform.

::

    ActionDefinition(
        title="Upsert Prospect",
        description="Create or update a prospect by email.",
        default_subscription='type = "identify"',
        fields={"email": InputField(label="Email", type="string", format="email", required=True,
                                    default={"@path": "$.traits.email"})},
        perform=lambda request, data: request.post(URL, json=data.payload),
    )

The payload validator is compiled when the action is built, so a broken field fails at load time and
``validate_payload`` does no schema work per event.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, model_validator

from framework.definition.checks import fields_problems
from framework.definition.dynamic_fields import DynamicField
from framework.definition.fields import InputField
from framework.definition.hooks import HOOK_TYPES, ActionHook
from framework.definition.json_schema import fields_to_json_schema
from framework.definition.record_merging import RecordMerging
from framework.definition.sync_modes import SyncModeDefinition
from framework.definition.validator import PayloadValidator, compile_payload_validator

__all__ = ["ActionDefinition", "Perform"]

Perform = Callable[..., Any]


class ActionDefinition(BaseModel):
    """An action: title, description, fields, the default trigger and the function that performs it."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True, hide_input_in_errors=True)

    title: str = Field(min_length=1)
    description: str = ""
    fields: dict[str, InputField] = Field(default_factory=dict)
    perform: Perform
    perform_batch: Perform | None = Field(default=None, alias="performBatch")
    # ``poll(request, data, ref)`` finishes an asynchronous ``perform_batch`` (one that returned an
    # ``AsyncBatch``): per-item outcomes, or ``StillRunning`` (framework.runtime.async_batch).
    poll: Perform | None = Field(default=None, alias="performPoll")
    # Which record a payload writes, so queued updates of one record may be merged (framework.delivery).
    record_merging: RecordMerging | None = None
    default_subscription: str | None = Field(default=None, alias="defaultSubscription")
    hidden: bool = False
    # The modes the mapping may choose (add/update/upsert/delete); perform reads ``data.sync_mode``.
    sync_mode: SyncModeDefinition | None = Field(default=None, alias="syncMode")
    # Per field key, the function that fetches that field's choices from the destination's API.
    dynamic_fields: dict[str, DynamicField] = Field(default_factory=dict, alias="dynamicFields")
    # ``onMappingSave``-style hooks; their saved outputs reach perform as ``data.hook_outputs``.
    hooks: dict[str, ActionHook] = Field(default_factory=dict)
    platform: Literal["cloud", "web"] = "cloud"

    _validator: PayloadValidator = PrivateAttr()

    @model_validator(mode="after")
    def _check_fields(self) -> ActionDefinition:
        problems = fields_problems(self.fields, f"action {self.title!r}")
        problems += [
            f"action {self.title!r}: dynamic_fields names {key!r}, which is not one of its fields "
            f"({', '.join(self.fields) or 'none'})."
            for key in self.dynamic_fields
            if key not in self.fields
        ]
        problems += [
            f"action {self.title!r}: hook {key!r} is not a hook type ({', '.join(HOOK_TYPES)})."
            for key in self.hooks
            if key not in HOOK_TYPES
        ]
        if problems:
            raise ValueError("\n".join(problems))
        return self

    def model_post_init(self, context: Any, /) -> None:
        self._validator = compile_payload_validator(self.fields, self.title)

    @property
    def payload_validator(self) -> PayloadValidator:
        """The compiled validator for this action's payloads.

        Read from pydantic's store of private attributes directly: ``self._validator`` goes through
        ``BaseModel.__getattr__``, whose probe of the attribute for ``__get__`` raises and catches an
        AttributeError on every read (about 3.5 µs, once per delivered event).
        """
        private = self.__pydantic_private__
        assert private is not None  # set by model_post_init
        validator: PayloadValidator = private["_validator"]
        return validator

    def validate_payload(self, payload: Any, *, batch: bool = False) -> Any:
        """The cleaned, coerced payload, or ``PayloadValidationError`` with Segment's message.

        An action without fields gets its payload as is (Segment builds no schema for it).
        """
        if not self.fields:
            return payload
        return self.payload_validator(payload, batch=batch)

    def default_mapping(self) -> dict[str, Any]:
        """Every field's default mapping (what a new subscription starts with)."""
        return {key: field.default for key, field in self.fields.items() if field.default is not None}

    def json_schema(self) -> dict[str, Any]:
        """The fields as Segment's JSON Schema (for ``actions describe --json``)."""
        return fields_to_json_schema(self.fields)

    @property
    def supports_batch(self) -> bool:
        """True when the action has ``perform_batch`` (its mappings may then turn ``enable_batching`` on)."""
        return self.perform_batch is not None
