"""Load-time checks and compilation of an instance's subscriptions: limit, trigger, action, mapping.

Each subscription is checked on its own, so one bad subscription gives located messages
(``subscriptions[3] ("name").subscribe: …``) without hiding problems in the others. The TOML form's
mappings take the action's default mappings for the fields they omit; Segment's settings JSON is used
as given. Triggers and mappings are compiled here, once.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from framework.instance.config import MAX_SUBSCRIPTIONS, SubscriptionConfig
from framework.instance.problems import Problems, subscription_label
from framework.mapping import CompiledMapping, MappingValidationError, compile_mapping
from framework.runtime.subscription import CompiledSubscription
from framework.subscriptions import FQLSyntaxError, Trigger, compile_trigger

if TYPE_CHECKING:
    from framework.definition import ActionDefinition, DestinationDefinition

__all__ = ["compile_subscriptions"]

_RESERVED_MAPPING_PREFIX = "__segment_internal_"


def compile_subscriptions(
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
    label = subscription_label(MAX_SUBSCRIPTIONS, _raw_name(raws[MAX_SUBSCRIPTIONS]))
    extra = f" ({len(raws)} in all)" if len(raws) > MAX_SUBSCRIPTIONS + 1 else ""
    problems.add(
        "subscriptions",
        f"{label}: an instance holds at most {MAX_SUBSCRIPTIONS} mappings; this is "
        f"the {MAX_SUBSCRIPTIONS + 1}st{extra}. Split the subscriptions across "
        "two instances.",
        MAX_SUBSCRIPTIONS,
    )


def _compile_one(
    definition: DestinationDefinition | None,
    index: int,
    raw: Any,
    problems: Problems,
    warnings: list[str],
) -> CompiledSubscription | None:
    before = len(problems.items)
    checked = _subscription_config(index, raw, problems)
    if checked is None:
        return None
    config, broken = checked
    label = subscription_label(index, config.name)
    trigger = None if "subscribe" in broken else _compile_trigger(label, index, config.subscribe, problems)
    action = None if "action" in broken else _find_action(definition, label, index, config.action, problems)
    mapping = _effective_mapping(action, config)
    compiled_mapping = None if "mapping" in broken else _compile_mapping(label, index, mapping, problems)
    if action is not None:
        warnings.extend(_unknown_field_warnings(label, action, mapping))
    if len(problems.items) > before or action is None or trigger is None or compiled_mapping is None:
        return None
    return CompiledSubscription(
        index=index,
        name=config.name,
        action_slug=config.action,
        action=action,
        subscribe=config.subscribe,
        trigger=trigger,
        mapping=mapping,
        compiled_mapping=compiled_mapping,
        enabled=config.enabled,
        metadata=dict(config.metadata),
    )


def _subscription_config(index: int, raw: Any, problems: Problems) -> tuple[SubscriptionConfig, set[str]] | None:
    """The subscription's config and the keys that were wrong (reported), so the rest is still checked."""
    label = subscription_label(index, _raw_name(raw))
    if not isinstance(raw, Mapping):
        problems.add("subscriptions", f"{label}: a subscription should be an object (a table in TOML).", index)
        return None
    try:
        return SubscriptionConfig.model_validate(dict(raw)), set()
    except ValidationError as error:
        details = error.errors()
    for detail in details:
        problems.add("subscriptions", f"{label}.{_pointer(detail['loc'])}: {_pydantic_message(detail)}", index)
    broken = {str(detail["loc"][0]) for detail in details if detail["loc"]}
    usable = {key: value for key, value in raw.items() if key not in broken}
    placeholders = {"subscribe": "", "action": ""}  # stand-ins for a missing or wrong required key
    return SubscriptionConfig.model_validate({**placeholders, **usable}), broken


def _raw_name(raw: Any) -> str | None:
    """The name of a subscription not yet checked, when it has a usable one, for its messages."""
    name = raw.get("name") if isinstance(raw, Mapping) else None
    return name if isinstance(name, str) else None


def _pointer(loc: tuple[Any, ...]) -> str:
    names = {"action": "action (partnerAction)"}
    first = str(loc[0]) if loc else "?"
    return ".".join([names.get(first, first), *(str(part) for part in loc[1:])])


def _pydantic_message(detail: Mapping[str, Any]) -> str:
    """Pydantic's message in the config's words, without the input value."""
    kind = str(detail.get("type", ""))
    if kind in _MESSAGES:
        return _MESSAGES[kind]
    return f"{detail.get('msg', 'is invalid')}."


_MESSAGES = {
    "missing": "is required but missing.",
    "extra_forbidden": "is not a subscription key (name, subscribe, action, mapping, enabled, use_default_mappings).",
    "bool_type": "should be true or false.",
    "string_type": "should be a string.",
    "dict_type": "should be a table (an object in JSON).",
}


def _compile_trigger(label: str, index: int, subscribe: str, problems: Problems) -> Trigger | None:
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
        problems.add(
            "subscriptions",
            f'{label}.action: {definition.name} has no action "{slug}"; the actions are: {valid}.',
            index,
        )
    return action


def _effective_mapping(action: ActionDefinition | None, config: SubscriptionConfig) -> dict[str, Any]:
    """The TOML form's omitted fields take the action's defaults; Segment's JSON is used as given."""
    if action is None or not config.use_default_mappings:
        return dict(config.mapping)
    return {**action.default_mapping(), **config.mapping}


def _compile_mapping(label: str, index: int, mapping: dict[str, Any], problems: Problems) -> CompiledMapping | None:
    try:
        return compile_mapping(mapping)
    except MappingValidationError as error:
        for message in error.errors or [str(error)]:
            problems.add("subscriptions", f"{label}.mapping: {message}", index, ("mapping", _mapped_key(message)))
        return None


def _mapped_key(message: str) -> str:
    """The mapping's top-level key a validation message is about (``/email/@if …`` → ``email``)."""
    pointer = message.split(" ", 1)[0]
    return pointer.split("/")[1] if pointer.startswith("/") else ""


def _unknown_field_warnings(label: str, action: ActionDefinition, mapping: dict[str, Any]) -> list[str]:
    """Keys the payload validator would silently drop: most likely a typo in a field name."""
    if not action.fields:
        return []  # an action without fields receives every mapped key, as in Segment
    unknown = [
        key
        for key in mapping
        if key not in action.fields and key not in action.hooks and not key.startswith(_RESERVED_MAPPING_PREFIX)
    ]
    return [
        f'{label}.mapping.{key}: "{action.title}" has no field "{key}"; Segment drops it from the payload. '
        f"The fields are: {', '.join(action.fields)}."
        for key in unknown
    ]
