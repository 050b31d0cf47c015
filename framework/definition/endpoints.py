"""``Endpoints``: which API origin a setting picks (a region, a sandbox), declared once on the definition.

Salesforce and Pardot log in to ``test.salesforce.com`` when ``isSandbox`` is on; Klaviyo, HubSpot
and Facebook have none, but many of Segment's destinations choose a regional host (``region =
"eu"``). Declared as data, the choice is checked when the definition is built (the setting exists,
a default is given) and every action reads it the same way::

    ENDPOINTS = Endpoints(setting="region", default="https://api.example.com",
                          by_value={"eu": "https://api.eu.example.com"})
    DestinationDefinition(..., endpoints=ENDPOINTS)
    ...
    request.post(f"{ENDPOINTS.origin_for(data.settings)}/v1/track", json=...)

A boolean setting's values are ``"true"`` and ``"false"``. An unknown value falls back to the
default; an instance's ``endpoint =`` (an emulator) still replaces whichever origin is chosen.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["Endpoints"]


class Endpoints(BaseModel):
    """The origin for each value of one setting, and the origin for every other value."""

    model_config = ConfigDict(extra="forbid", frozen=True, hide_input_in_errors=True)

    setting: str = Field(min_length=1)
    default: str = Field(min_length=1)
    by_value: dict[str, str] = Field(default_factory=dict)

    def origin_for(self, settings: Mapping[str, Any]) -> str:
        """The origin these settings choose, without a trailing slash."""
        value = settings.get(self.setting)
        key = str(value).lower() if isinstance(value, bool) else str(value)
        return self.by_value.get(key, self.default).rstrip("/")
