"""Which destination account an instance's requests count against.

The destination's slug and the value of its ``concurrency_key`` setting (a business unit, say), so
every instance writing to one account shares one concurrency limit and one quota; without a key,
each instance is its own account. It lives with the instance (which knows its settings); the
delivery queue files jobs under it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from framework.definition import DestinationDefinition

__all__ = ["account_key_of"]


def account_key_of(definition: DestinationDefinition, settings: Mapping[str, Any], instance_id: str) -> str:
    """The account key: ``slug:setting=value`` when the concurrency key is set, else ``slug:instance=id``."""
    slug = definition.slug or definition.name
    key = definition.concurrency_key
    if key and settings.get(key) not in (None, ""):
        return f"{slug}:{key}={settings[key]}"
    return f"{slug}:instance={instance_id}"
