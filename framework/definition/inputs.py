"""What a destination's callables receive: ``ExecuteInput`` for perform, ``RefreshInput`` for refresh.

Plain dataclasses (built by the runtime for every call, never loaded from user data), named after
Segment's execute bundle: ``perform(request, data)`` reads ``data.payload``, ``data.settings``,
``data.auth`` and, rarely, the raw event and mapping.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from framework.auth import OAuthTokens

__all__ = ["ExecuteInput", "RefreshInput"]


@dataclass
class ExecuteInput:
    """One execution of an action: the validated payload (a list of them in ``perform_batch``)."""

    payload: Any
    settings: dict[str, Any] = field(default_factory=dict)
    auth: OAuthTokens | None = None
    raw_data: Any = None
    raw_mapping: dict[str, Any] | None = None


@dataclass
class RefreshInput:
    """What ``refresh_access_token`` gets: the destination settings and the stale tokens."""

    settings: dict[str, Any]
    auth: OAuthTokens
