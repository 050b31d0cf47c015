"""The instance configuration as data: one normalised shape for both Segment's settings JSON and TOML.

Both file forms are read into :class:`InstanceConfig` (see ``framework.instance.sources``) before
anything is compiled, so the checks in ``framework.instance.compiler`` run once, on one shape.
Settings and auth are kept out of every ``repr``: they hold secrets.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["SubscriptionConfig", "InstanceConfig", "MAX_SUBSCRIPTIONS"]

MAX_SUBSCRIPTIONS = 50
"""Segment's limit of mappings per Actions destination instance."""


class SubscriptionConfig(BaseModel):
    """One mapping of an instance: when (``subscribe``, FQL), what (``action``) and how (``mapping``).

    ``use_default_mappings`` fills fields the mapping omits with the action's default mappings: on for
    the TOML form, off for Segment's settings JSON (whose mappings are complete, as Segment saves them).
    """

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    name: str | None = None
    subscribe: str
    action: str
    mapping: dict[str, Any] = Field(default_factory=dict)
    enabled: bool = True
    use_default_mappings: bool = False
    metadata: dict[str, Any] = Field(default_factory=dict)  # Segment's ID, ConfigID, ActionID, ProjectID


class InstanceConfig(BaseModel):
    """A destination instance before compilation: destination slug, settings, auth and subscriptions.

    ``subscriptions`` holds raw dicts because each one is checked separately, so one bad subscription
    yields one located message instead of hiding the others.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    destination: str
    settings: dict[str, Any] = Field(default_factory=dict, repr=False)
    auth: dict[str, Any] | None = Field(default=None, repr=False)
    subscriptions: list[dict[str, Any]] = Field(default_factory=list, repr=False)
    endpoint: str | None = None
