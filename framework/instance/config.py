"""The instance configuration as data: one normalised shape for both Segment's settings JSON and TOML.

Both file forms are read into :class:`InstanceConfig` (see ``framework.instance.sources``) before
anything is compiled, so the checks in ``framework.instance.compiler`` run once, on one shape.
Settings and auth are kept out of every ``repr``: they hold secrets.
"""

from __future__ import annotations

import re
from datetime import tzinfo
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, field_validator

__all__ = ["SubscriptionConfig", "InstanceConfig", "DeliveryOptions", "MAX_SUBSCRIPTIONS"]

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


class DeliveryOptions(BaseModel):
    """How the delivery engine treats an instance's jobs (``[delivery]`` in the TOML form).

    Durations are seconds, or a number with a unit: ``"90s"``, ``"30m"``, ``"24h"``, ``"7d"``.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    ordering: bool = True  # a user's later events wait while an earlier one waits for its retry
    max_attempts: int = Field(default=10, ge=1)  # give-up window: attempts...
    max_age: float = Field(default=24 * 3600.0, gt=0)  # ...and seconds since the event was accepted
    backoff_base: float = Field(default=1.0, gt=0)
    backoff_cap: float = Field(default=600.0, gt=0)
    # the IANA zone whose midnight resets the account's daily API quota (Pardot: the account's zone)
    quota_time_zone: str = "UTC"
    # queued updates of one record go as one merged call where the action declares it safe (issue 10)
    merge_updates: bool = True
    # delivered jobs (and their attempts) are deleted this long after delivery, by the workers (issue 17)
    keep_delivered: float = Field(default=3 * 86400.0, gt=0)

    @field_validator("quota_time_zone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        time_zone_named(value)
        return value

    @property
    def quota_zone(self) -> tzinfo:
        """``quota_time_zone`` as a ``tzinfo``: the daily quota resets at its midnight."""
        return time_zone_named(self.quota_time_zone)

    @field_validator("max_age", "backoff_base", "backoff_cap", "keep_delivered", mode="before")
    @classmethod
    def _duration(cls, value: object) -> object:
        return parse_duration(value) if isinstance(value, str) else value


def time_zone_named(name: str) -> tzinfo:
    """The IANA time zone ``name`` ("America/Chicago", "UTC"); ValueError naming it when there is none such."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise ValueError(
            f'{name!r} is not a time zone: write an IANA name such as "UTC" or "America/Chicago"'
        ) from error


_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?\s*$")
_UNIT_SECONDS = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0, "d": 86400.0, None: 1.0}


def parse_duration(text: str) -> float:
    """Seconds in ``"90s"``, ``"30m"``, ``"24h"``, ``"7d"`` or a bare number; ValueError otherwise."""
    found = _DURATION.match(text)
    if found is None:
        raise ValueError(f'{text!r} is not a duration: write seconds, or a number with s, m, h or d ("24h")')
    return float(found.group(1)) * _UNIT_SECONDS[found.group(2)]


class InstanceConfig(BaseModel):
    """A destination instance before compilation: destination slug, settings, auth and subscriptions.

    ``subscriptions`` holds raw dicts because each one is checked separately, so one bad subscription
    yields one located message instead of hiding the others.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    destination: str
    id: str | None = None  # stable name of the instance in a shared queue; derived when absent
    delivery: DeliveryOptions = Field(default_factory=DeliveryOptions)
    settings: dict[str, Any] = Field(default_factory=dict, repr=False)
    auth: dict[str, Any] | None = Field(default=None, repr=False)
    subscriptions: list[dict[str, Any]] = Field(default_factory=list, repr=False)
    endpoint: str | None = None
    write_key: str | None = Field(default=None, repr=False)  # the Segment write key `actions serve` takes
