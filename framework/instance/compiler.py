"""Load-time checks and compilation of an instance config: every problem found, then compiled once.

Everything that can be wrong with a config is found here, before the first event: the 50-mapping
limit, triggers that do not parse, mappings that do not validate, unknown actions, settings the
destination refuses, missing OAuth tokens. Problems are collected (see ``problems``), so the user
fixes them all in one pass (``settings_checks`` and ``subscription_compiler`` hold the checks).
What survives is compiled once: triggers and mappings here, payload validators when the
destination's actions were defined.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from framework.instance.config import InstanceConfig
from framework.instance.problems import Problems
from framework.instance.settings_checks import check_auth, check_settings, unknown_setting_warnings
from framework.instance.subscription_compiler import compile_subscriptions
from framework.registry import UnknownDestinationError, get_destination
from framework.runtime.subscription import CompiledSubscription

if TYPE_CHECKING:
    from framework.auth import OAuthTokens
    from framework.definition import DestinationDefinition

__all__ = ["CompiledInstance", "compile_instance"]


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
    warnings: list[str] = unknown_setting_warnings(definition, config.settings) if definition else []
    settings = check_settings(definition, config.settings, problems) if definition else {}
    auth = check_auth(definition, config.auth, problems) if definition else None
    subscriptions = compile_subscriptions(definition, config.subscriptions, problems, warnings)
    if problems or definition is None:
        return None
    return CompiledInstance(definition, settings, auth, tuple(subscriptions), tuple(warnings))


def _find_destination(slug: str, problems: Problems) -> DestinationDefinition | None:
    """The registered destination; no name is reported once (reading the file may have said why already)."""
    if not slug:
        if not any(problem.section == "destination" for problem in problems.items):
            problems.add("destination", "the config names no destination; say which (see `actions list`).")
        return None
    try:
        return get_destination(slug)
    except UnknownDestinationError as error:
        problems.add("destination", f"destination: {error}")
        return None
