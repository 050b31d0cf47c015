"""Load-time checks and compilation of an instance config: every problem found, then compiled once.

Everything that can be wrong with a config is found here, before the first event: the 50-mapping
limit, triggers that do not parse, mappings that do not validate, unknown actions, settings the
destination refuses, missing OAuth tokens. Problems are collected (see ``problems``), so the user
fixes them all in one pass. What survives is compiled once: triggers and mappings here, payload
validators when the destination's actions were defined.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from framework.errors import PayloadValidationError
from framework.instance.config import MAX_SUBSCRIPTIONS, InstanceConfig, SubscriptionConfig
from framework.instance.problems import Problems, subscription_label
from framework.runtime.credentials import OAUTH_SCHEMES
from framework.runtime.subscription import CompiledSubscription

if TYPE_CHECKING:
    from framework.auth import OAuthTokens
    from framework.definition import ActionDefinition, DestinationDefinition

__all__ = ["CompiledInstance", "compile_instance"]

_RESERVED_MAPPING_PREFIX = "__segment_internal_"
_TOKEN_KEYS = ("access_token", "refresh_token", "client_id", "client_secret", "refresh_token_url")


@dataclass(frozen=True)
class CompiledInstance:
    """What a DestinationInstance runs on: checked settings, tokens and compiled subscriptions."""

    definition: DestinationDefinition
    settings: dict[str, Any] = field(repr=False)  # may hold password settings
    auth: OAuthTokens | None = field(repr=False)
    subscriptions: tuple[CompiledSubscription, ...]
    warnings: tuple[str, ...]


def compile_instance(
    config: InstanceConfig, problems: Problems, definition: DestinationDefinition | None = None
) -> CompiledInstance | None:
    """Check and compile ``config``; returns None when any problem was recorded."""
    definition = definition if definition is not None else _find_destination(config.destination, problems)
    warnings: list[str] = []
    settings = _check_settings(definition, config.settings, problems) if definition else {}
    auth = _check_auth(definition, config.auth, problems) if definition else None
    subscriptions = _compile_subscriptions(definition, config.subscriptions, problems, warnings)
    if problems or definition is None:
        return None
    return CompiledInstance(definition, settings, auth, tuple(subscriptions), tuple(warnings))


def _find_destination(slug: str, problems: Problems) -> DestinationDefinition | None:
    from framework.registry import UnknownDestinationError, get_destination

    try:
        return get_destination(slug)
    except UnknownDestinationError as error:
        problems.add("destination", f"destination: {error}")
        return None


# -- settings -----------------------------------------------------------------------------------


def _check_settings(
    definition: DestinationDefinition, settings: Mapping[str, Any], problems: Problems
) -> dict[str, Any]:
    """Segment's settings step: validate against the auth fields (coercing, dropping unknown keys)."""
    fields = definition.authentication.fields if definition.authentication else None
    if fields is None:
        return dict(settings)  # no authentication at all: Segment passes settings through untouched
    missing = [key for key, field in fields.items() if field.required is True and _absent(settings.get(key))]
    for key in missing:
        field = fields[key]
        about = f" ({_first_sentence(field.description)})" if field.description else ""
        problems.add("settings", f'settings.{key}: the required setting "{field.label}" is missing{about}. '
                                 f'Add {key} under [settings] (TOML) or at the top level of the settings JSON.')
    try:
        return dict(definition.validate_settings(dict(settings)))
    except (PayloadValidationError, ValueError) as error:
        for message in _messages(error):
            if not any(f"'{key}'" in message for key in missing):  # already said better above
                problems.add("settings", f"settings: {message}")
        return {}


def _first_sentence(markdown: str) -> str:
    """A setting's description as one plain sentence: enough to find the value, short enough to read."""
    plain = re.sub(r"\[([^\]]+)\]\([^)]*\)", r"\1", markdown).replace("**", "").replace("`", "")
    return plain.split(". ")[0].strip().rstrip(".")


def _absent(value: Any) -> bool:
    return value is None or value == ""


def _messages(error: Exception) -> list[str]:
    errors = getattr(error, "errors", None)
    if isinstance(errors, list) and errors:
        return [str(e) for e in errors]
    return [str(error)]


# -- auth ---------------------------------------------------------------------------------------


def _check_auth(
    definition: DestinationDefinition, auth: Mapping[str, Any] | None, problems: Problems
) -> OAuthTokens | None:
    """OAuth tokens from ``[auth]`` / ``oauth``; an OAuth destination without them cannot send anything."""
    scheme = definition.authentication.scheme if definition.authentication else "none"
    if auth is None:
        if scheme in OAUTH_SCHEMES:
            problems.add("auth", f"auth: {definition.name} signs in with OAuth 2 but the config has no "
                                 "tokens. Add [auth] with access_token, refresh_token, client_id and "
                                 'client_secret (TOML) or an "oauth" object (settings JSON).')
        return None
    unknown = sorted(set(auth) - set(_TOKEN_KEYS))
    wrong = sorted(key for key in _TOKEN_KEYS if key in auth and not isinstance(auth[key], str))
    if unknown:
        problems.add("auth", f"auth: unknown key(s) {', '.join(unknown)}; the keys are {', '.join(_TOKEN_KEYS)}.")
    for key in wrong:  # name the key, never echo the value: it is a secret
        problems.add("auth", f"auth.{key} should be a string.")
    if unknown or wrong:
        return None
    from framework.auth import OAuthTokens

    return OAuthTokens(**{key: auth[key] for key in _TOKEN_KEYS if key in auth})


# -- subscriptions ------------------------------------------------------------------------------


def _compile_subscriptions(
    definition: DestinationDefinition | None,
    raws: list[Any],
    problems: Problems,
    warnings: list[str],
) -> list[CompiledSubscription]:
    compiled = []
    for index, raw in enumerate(raws):
        if index == MAX_SUBSCRIPTIONS:
            _refuse_over_limit(raws, problems)
        subscription = _compile_one(definition, index, raw, problems, warnings)
        if subscription is not None:
            compiled.append(subscription)
    return compiled


def _refuse_over_limit(raws: list[Any], problems: Problems) -> None:
    raw = raws[MAX_SUBSCRIPTIONS]
    name = raw.get("name") if isinstance(raw, Mapping) and isinstance(raw.get("name"), str) else None
    label = subscription_label(MAX_SUBSCRIPTIONS, name)
    extra = f" ({len(raws)} in all)" if len(raws) > MAX_SUBSCRIPTIONS + 1 else ""
    problems.add("subscriptions", f"{label}: an instance holds at most {MAX_SUBSCRIPTIONS} mappings; this is "
                                  f"the {MAX_SUBSCRIPTIONS + 1}st{extra}. Split the subscriptions across "
                                  "two instances.", MAX_SUBSCRIPTIONS)


def _compile_one(
    definition: DestinationDefinition | None,
    index: int,
    raw: Any,
    problems: Problems,
    warnings: list[str],
) -> CompiledSubscription | None:
    config = _subscription_config(index, raw, problems)
    if config is None:
        return None
    label = subscription_label(index, config.name)
    before = len(problems.items)
    trigger = _compile_trigger(label, index, config.subscribe, problems)
    action = _find_action(definition, label, index, config.action, problems)
    mapping = _effective_mapping(action, config)
    compiled_mapping = _compile_mapping(label, index, mapping, problems)
    if action is not None:
        warnings.extend(_unknown_field_warnings(label, action, mapping))
    if len(problems.items) > before or action is None:
        return None
    return CompiledSubscription(
        index=index, name=config.name, action_slug=config.action, action=action,
        subscribe=config.subscribe, trigger=trigger, mapping=mapping, compiled_mapping=compiled_mapping,
        enabled=config.enabled, metadata=dict(config.metadata),
    )


def _subscription_config(index: int, raw: Any, problems: Problems) -> SubscriptionConfig | None:
    name = raw.get("name") if isinstance(raw, Mapping) and isinstance(raw.get("name"), str) else None
    label = subscription_label(index, name)
    if not isinstance(raw, Mapping):
        problems.add("subscriptions", f"{label}: a subscription should be an object (a table in TOML).", index)
        return None
    try:
        return SubscriptionConfig.model_validate(dict(raw))
    except ValidationError as error:
        for detail in error.errors():
            problems.add("subscriptions", f"{label}.{_pointer(detail['loc'])}: {_pydantic_message(detail)}", index)
        return None


def _pointer(loc: tuple[Any, ...]) -> str:
    names = {"action": "action (partnerAction)"}
    first = str(loc[0]) if loc else "?"
    return ".".join([names.get(first, first), *(str(part) for part in loc[1:])])


def _pydantic_message(detail: Mapping[str, Any]) -> str:
    """Pydantic's message in the config's words, without the input value."""
    kind = detail.get("type", "")
    if kind == "missing":
        return "is required but missing."
    if kind == "extra_forbidden":
        return "is not a subscription key (name, subscribe, action, mapping, enabled, use_default_mappings)."
    return f"{detail.get('msg', 'is invalid')}."


def _compile_trigger(label: str, index: int, subscribe: str, problems: Problems) -> Any:
    from framework.subscriptions import FQLSyntaxError, compile_trigger

    try:
        return compile_trigger(subscribe)
    except FQLSyntaxError as error:
        problems.add("subscriptions", f"{label}.subscribe: the trigger {subscribe!r} does not parse: {error}", index)
        return None


def _find_action(
    definition: DestinationDefinition | None, label: str, index: int, slug: str, problems: Problems
) -> ActionDefinition | None:
    if definition is None:
        return None
    action = definition.actions.get(slug)
    if action is None:
        valid = ", ".join(sorted(definition.actions)) or "none"
        problems.add("subscriptions", f'{label}.action: {definition.name} has no action "{slug}"; '
                                      f"the actions are: {valid}.", index)
    return action


def _effective_mapping(action: ActionDefinition | None, config: SubscriptionConfig) -> dict[str, Any]:
    """The TOML form's omitted fields take the action's defaults; Segment's JSON is used as given."""
    if action is None or not config.use_default_mappings:
        return dict(config.mapping)
    return {**action.default_mapping(), **config.mapping}


def _compile_mapping(label: str, index: int, mapping: dict[str, Any], problems: Problems) -> Any:
    from framework.mapping import MappingValidationError, compile_mapping

    try:
        return compile_mapping(mapping)
    except MappingValidationError as error:
        for message in error.errors or [str(error)]:
            problems.add("subscriptions", f"{label}.mapping: {message}", index)
        return None


def _unknown_field_warnings(label: str, action: ActionDefinition, mapping: dict[str, Any]) -> list[str]:
    """Keys the payload validator would silently drop: most likely a typo in a field name."""
    if not action.fields:
        return []  # an action without fields receives every mapped key, as in Segment
    unknown = [key for key in mapping if key not in action.fields and not key.startswith(_RESERVED_MAPPING_PREFIX)]
    return [f'{label}.mapping.{key}: "{action.title}" has no field "{key}"; Segment drops it from the payload. '
            f"The fields are: {', '.join(action.fields)}." for key in unknown]
