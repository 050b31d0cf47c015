"""Destination-level audiences: Segment's ``audienceFields`` and ``audienceConfig`` on a definition.

An audience destination keeps each Engage audience in a list of its own on the partner's side. When an
audience is connected, Segment calls ``createAudience`` once (the destination makes the list and
answers its id, the *external id*); later it calls ``getAudience`` with that id to check the list is
still there and the account owns it. Per-audience settings (``audienceFields``, e.g. Klaviyo's
``listId``: use this existing list instead) come with both calls::

    audience_fields={"listId": InputField(label="List Id", type="string")},
    audience_config=AudienceConfig(
        mode=AudienceMode(type="synced", full_audience_sync=False),
        create_audience=create_list,   # create_list(request, CreateAudienceInput) -> AudienceResult
        get_audience=get_list,         # get_list(request, GetAudienceInput) -> AudienceResult
    )

``mode`` says how Segment feeds the audience: ``realtime`` (each entered/exited event as it happens)
or ``synced`` (computed runs; ``full_audience_sync`` when every run sends the whole audience, not
only the changes). The framework runs the two functions in ``framework.runtime.audience_calls``
(``actions audiences create|get``) and the harness's ``test_create_audience``/``test_get_audience``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from framework.definition.checks import fields_problems
from framework.definition.inputs import ExecuteInput

if TYPE_CHECKING:
    from framework.auth import OAuthTokens
    from framework.definition.destination import DestinationDefinition

__all__ = [
    "AudienceConfig",
    "AudienceMode",
    "AudienceRequestInput",
    "AudienceResult",
    "CreateAudienceInput",
    "GetAudienceInput",
    "audience_problems",
    "validate_audience_settings",
]

# Segment keeps this key through the check, as it does for destination settings.
_EXEMPT_KEYS = ("dynamicAuthSettings",)


class AudienceMode(BaseModel):
    """Segment's ``{type: "realtime"} | {type: "synced", full_audience_sync: boolean}``."""

    model_config = ConfigDict(extra="forbid", hide_input_in_errors=True)

    type: Literal["realtime", "synced"]
    full_audience_sync: bool | None = None

    @model_validator(mode="after")
    def _sync_flag_only_when_synced(self) -> AudienceMode:
        if self.type == "synced" and self.full_audience_sync is None:
            raise ValueError('a "synced" audience mode says whether it is a full sync: full_audience_sync=True|False')
        if self.type == "realtime" and self.full_audience_sync is not None:
            raise ValueError('full_audience_sync belongs to the "synced" mode, not "realtime"')
        return self


class AudienceConfig(BaseModel):
    """Segment's ``audienceConfig``: the mode, and the two functions that make and check a list.

    Both functions or neither: Segment calls them as a pair (a config without them only declares the
    mode, and a call then fails with Segment's ``Unexpected call to createAudience``).
    """

    model_config = ConfigDict(extra="forbid", populate_by_name=True, hide_input_in_errors=True)

    mode: AudienceMode
    create_audience: Callable[..., Any] | None = Field(default=None, alias="createAudience")
    get_audience: Callable[..., Any] | None = Field(default=None, alias="getAudience")

    @property
    def creates_audiences(self) -> bool:
        """True when both functions are there (Segment's ``instanceOfAudienceDestinationSettingsWithCreateGet``)."""
        return self.create_audience is not None and self.get_audience is not None


@dataclass
class CreateAudienceInput:
    """What ``create_audience(request, data)`` gets (Segment's ``CreateAudienceInput``).

    ``audience_settings`` are the audience's own settings, checked against ``audience_fields``;
    ``personas`` is Engage's ``{computation_id, computation_key, namespace, ...}`` when it has one.
    """

    settings: dict[str, Any]
    audience_name: str
    audience_settings: dict[str, Any] | None = None
    personas: dict[str, Any] | None = None
    auth: OAuthTokens | None = None


@dataclass
class GetAudienceInput:
    """What ``get_audience(request, data)`` gets (Segment's ``GetAudienceInput``): the external id to check."""

    settings: dict[str, Any]
    external_id: str
    audience_settings: dict[str, Any] | None = None
    auth: OAuthTokens | None = None


@dataclass
class AudienceRequestInput(ExecuteInput):
    """What ``extend_request`` gets for an audience call: no payload, and the audience's settings."""

    audience_settings: dict[str, Any] | None = None


@dataclass(frozen=True)
class AudienceResult:
    """What both functions answer: the partner's id for the audience (Segment's ``{externalId}``)."""

    external_id: str

    def to_dict(self) -> dict[str, str]:
        """Segment's shape, ``{"externalId": ...}``."""
        return {"externalId": self.external_id}


def audience_problems(definition: DestinationDefinition) -> list[str]:
    """Problems of a definition's audience part: its fields, and functions given in pairs."""
    where = f"destination {definition.name!r}"
    problems = fields_problems(definition.audience_fields, f"{where} audience settings:")
    config = definition.audience_config
    if config is not None and (config.create_audience is None) != (config.get_audience is None):
        given, missing = (
            ("create_audience", "get_audience") if config.get_audience is None else ("get_audience", "create_audience")
        )
        problems.append(
            f"{where}: audience_config has {given} but no {missing}; Segment calls them as a pair, give both."
        )
    if definition.audience_fields and config is None:
        problems.append(
            f"{where}: audience_fields are declared without an audience_config (mode, create/get functions)."
        )
    return problems


def validate_audience_settings(definition: DestinationDefinition, audience_settings: dict[str, Any]) -> dict[str, Any]:
    """The audience settings as ``create_audience`` gets them, or ``PayloadValidationError``.

    Checked as Segment's ``createAudience`` does: against ``audience_fields`` like destination
    settings (undeclared keys dropped, values coerced, ``dynamicAuthSettings`` kept). Compiled per
    call: an audience is made once, by an operator, not per event.
    """
    from framework.definition.validator import compile_settings_validator

    validator = compile_settings_validator(definition.audience_fields, f"{definition.name} audience settings")
    exempt = {key: audience_settings[key] for key in _EXEMPT_KEYS if key in audience_settings}
    return {**validator(dict(audience_settings)), **exempt}
