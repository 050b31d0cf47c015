"""Pardot's daily API usage as it answers it: ``x-api-usage: used/max`` (pardot-v5.md §3, §5).

Pardot adds the header when a request carries ``X-Return-Api-Usage: 1`` [M]. The destination sends
that header only when the instance opts in (setting ``returnApiUsage``), because Segment's destination
never sends it and the per-event request must stay byte-identical to Segment's otherwise. The parsed
usage goes into the action's output (``apiUsage``) so delivery can pace the account's day.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from framework.http import header_of

__all__ = ["ApiUsage", "parse_api_usage", "USAGE_REQUEST_HEADER", "USAGE_RESPONSE_HEADER"]

USAGE_REQUEST_HEADER = "X-Return-Api-Usage"
USAGE_RESPONSE_HEADER = "x-api-usage"
_USAGE = re.compile(r"^\s*(\d+)\s*/\s*(\d+)\s*$")


@dataclass(frozen=True)
class ApiUsage:
    """Calls counted today against the business unit's daily limit."""

    used: int
    limit: int

    @property
    def remaining(self) -> int:
        """Calls left today (never below 0)."""
        return max(self.limit - self.used, 0)

    def to_dict(self) -> dict[str, int]:
        """The output's ``apiUsage`` entry."""
        return {"used": self.used, "limit": self.limit, "remaining": self.remaining}


def parse_api_usage(value: str | None) -> ApiUsage | None:
    """``"1200/25000"`` → ``ApiUsage(1200, 25000)``; None when absent or not in that shape.

    >>> parse_api_usage("1200/25000").remaining
    23800
    """
    match = _USAGE.match(value or "")
    if match is None:
        return None
    return ApiUsage(int(match[1]), int(match[2]))


def usage_of(headers: Mapping[str, Any]) -> ApiUsage | None:
    """The usage a response's headers report (``requests`` headers are case-insensitive)."""
    value = header_of(headers, USAGE_RESPONSE_HEADER)
    return parse_api_usage(value) if value is not None else None
