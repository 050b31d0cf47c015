"""A subscription ready to run: its trigger, mapping and action, compiled once when the instance loads."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from framework.definition import ActionDefinition
    from framework.mapping import CompiledMapping
    from framework.subscriptions import Trigger

__all__ = ["CompiledSubscription"]


@dataclass(frozen=True)
class CompiledSubscription:
    """One subscription of an instance, compiled: nothing is parsed again per event.

    ``mapping`` is the mapping as it runs (the action's defaults already merged in when the config asked
    for them); ``subscribe`` and ``mapping`` keep the source text for reports and ``explain``.
    """

    index: int
    name: str | None
    action_slug: str
    action: ActionDefinition
    subscribe: str
    trigger: Trigger
    mapping: dict[str, Any]
    compiled_mapping: CompiledMapping
    enabled: bool = True
    metadata: dict[str, Any] = field(default_factory=dict)

    @property
    def label(self) -> str:
        """How reports name this subscription: its name, else ``subscriptions[i]``."""
        return self.name or f"subscriptions[{self.index}]"
