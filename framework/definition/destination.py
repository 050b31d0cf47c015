"""``DestinationDefinition``: a destination as data: settings, authentication, actions, presets, audiences.

A destination module builds one of these; the registry finds it, the runtime executes it. Everything
is checked when it is built: action keys, fields, presets pointing at actions, settings schema.
``validate_settings`` applies Segment's settings handling (undeclared keys dropped, values coerced,
the ``oauth`` and ``subscriptions`` keys set aside) before any action runs.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, model_validator

from framework.definition.actions import ActionDefinition
from framework.definition.audience_config import AudienceConfig, audience_problems
from framework.definition.auth_schemes import Authentication
from framework.definition.checks import fields_problems, is_identifier
from framework.definition.endpoints import Endpoints
from framework.definition.fields import InputField
from framework.definition.json_schema import fields_to_json_schema
from framework.definition.presets import Preset
from framework.definition.rate_limits import RateLimit
from framework.definition.validator import PayloadValidator, compile_settings_validator

__all__ = ["DestinationDefinition", "NON_SETTING_KEYS", "destination_problems"]

# Keys of Segment's settings object that are not destination settings.
NON_SETTING_KEYS = ("subscriptions", "subscription", "oauth")
# Segment keeps this one through settings validation (it is filled in by its control plane).
_EXEMPT_SETTING_KEYS = ("dynamicAuthSettings",)


class DestinationDefinition(BaseModel):
    """A whole destination; ``actions`` maps action keys (identifiers) to their definitions."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True, hide_input_in_errors=True)

    name: str = Field(min_length=1)
    slug: str = Field(min_length=1)
    description: str = ""
    mode: Literal["cloud", "device", "warehouse"] = "cloud"
    authentication: Authentication | None = None
    extend_request: Callable[..., Any] | None = Field(default=None, alias="extendRequest")
    presets: list[Preset] = Field(default_factory=list)
    actions: dict[str, ActionDefinition] = Field(default_factory=dict)
    # on_delete(request, data): a user's data deleted (GDPR); data.payload is {userId, anonymousId}
    # (framework.runtime.deletion).
    on_delete: Callable[..., Any] | None = Field(default=None, alias="onDelete")
    # Settings per audience and the audience functions (framework.definition.audience_config).
    audience_fields: dict[str, InputField] = Field(default_factory=dict, alias="audienceFields")
    audience_config: AudienceConfig | None = Field(default=None, alias="audienceConfig")
    concurrency_limit: int | None = Field(default=None, ge=1)
    # The setting whose value names the account ``concurrency_limit`` applies to (Pardot: businessUnitID):
    # the delivery engine never has more requests in flight for one account, however many instances share it.
    concurrency_key: str | None = None
    # The destination's published request rate, kept per account before each request (runtime.rate_limits).
    rate_limit: RateLimit | None = None
    # Settings that pick the API's origin (region, sandbox): framework.definition.endpoints.
    endpoints: Endpoints | None = None
    # Starts the destination's local emulator for an instance: ``emulator(settings, auth, subscriptions)``
    # returns an object with ``base_url``, ``stop()``, ``stats()`` and ``holdings()`` (what it holds, as a
    # title, column names and rows). ``actions replay --emulator`` and ``actions emulate`` use it.
    emulator: Callable[..., Any] | None = None
    faq: str | None = None

    _settings_validator: PayloadValidator | None = PrivateAttr(default=None)

    @model_validator(mode="after")
    def _check(self) -> DestinationDefinition:
        problems = destination_problems(self)
        if problems:
            raise ValueError("\n".join(problems))
        return self

    def model_post_init(self, context: Any, /) -> None:
        if self.authentication is not None:
            self._settings_validator = compile_settings_validator(self.authentication.fields, f"{self.name} settings")

    @property
    def settings_fields(self) -> dict[str, Any]:
        """The declared settings (the authentication fields), empty without authentication."""
        return dict(self.authentication.fields) if self.authentication else {}

    def validate_settings(self, settings: dict[str, Any]) -> dict[str, Any]:
        """The destination settings Segment would pass to actions, or ``PayloadValidationError``.

        ``subscriptions``/``subscription``/``oauth`` are set aside; with an ``authentication`` every
        undeclared key is dropped and values are coerced (``"5"`` → ``5`` for a number setting).
        """
        plain = {k: v for k, v in settings.items() if k not in NON_SETTING_KEYS}
        if self._settings_validator is None:
            return plain
        exempt = {k: plain[k] for k in _EXEMPT_SETTING_KEYS if k in plain}
        return {**self._settings_validator(plain), **exempt}

    def settings_json_schema(self) -> dict[str, Any]:
        """The settings as Segment's JSON Schema."""
        return fields_to_json_schema(self.settings_fields)

    def action(self, key: str) -> ActionDefinition:
        """The action with this key, or a KeyError that lists the keys there are."""
        try:
            return self.actions[key]
        except KeyError:
            raise KeyError(
                f"destination {self.name!r} has no action {key!r} (actions: {', '.join(self.actions) or 'none'})"
            ) from None


def destination_problems(definition: DestinationDefinition) -> list[str]:
    """Cross-part problems: action keys, presets naming unknown actions, settings fields."""
    where = f"destination {definition.name!r}"
    problems = [
        f"{where}: action key {key!r} is not an identifier (letters, digits, underscores)."
        for key in definition.actions
        if not is_identifier(key)
    ]
    for preset in definition.presets:
        if preset.partner_action not in definition.actions:
            problems.append(
                f"{where}: preset {preset.name!r} uses action {preset.partner_action!r}, "
                f"which is not defined (actions: {', '.join(definition.actions) or 'none'})."
            )
    if definition.authentication is not None:
        problems.extend(fields_problems(definition.authentication.fields, f"{where} settings:"))
    problems.extend(audience_problems(definition))
    chooser = definition.endpoints.setting if definition.endpoints else None
    if chooser is not None and chooser not in definition.settings_fields:
        declared = ", ".join(definition.settings_fields) or "none"
        problems.append(
            f"{where}: endpoints are chosen by setting {chooser!r}, which is not declared (settings: {declared})."
        )
    return problems
