"""The keys a job is filed under: its messageId, its user's ordering lane and its account.

* **messageId**: Segment's, else a digest of the event's canonical JSON, so replaying the same file
  again finds the same jobs (a random id would deliver everything twice).
* **ordering key**: ``userId``, else ``anonymousId``, per instance; None (no ordering) when the event
  has neither or the instance switched ordering off.
* **account key**: the destination's slug and the value of its ``concurrency_key`` setting (Pardot:
  the business unit), so every instance writing to one account shares one concurrency limit; without
  a key, each instance is its own account.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from framework.definition import DestinationDefinition

__all__ = ["message_id_of", "ordering_key_of", "account_key_of"]


def message_id_of(event: Mapping[str, Any]) -> str:
    """The event's messageId, or a stable digest of its content when it has none."""
    message_id = event.get("messageId")
    if isinstance(message_id, str) and message_id:
        return message_id
    if isinstance(message_id, (int, float)) and not isinstance(message_id, bool):
        return str(message_id)
    canonical = json.dumps(event, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return "content-sha256:" + hashlib.sha256(canonical.encode()).hexdigest()[:32]


def ordering_key_of(instance_id: str, event: Mapping[str, Any], *, enabled: bool = True) -> str | None:
    """``instance_id`` + the user (userId, else anonymousId); None when unordered."""
    if not enabled:
        return None
    for name in ("userId", "anonymousId"):
        value = event.get(name)
        if isinstance(value, (str, int, float)) and not isinstance(value, bool) and str(value):
            return f"{instance_id}\x1f{name[0]}:{value}"
    return None


def account_key_of(definition: DestinationDefinition, settings: Mapping[str, Any], instance_id: str) -> str:
    """Which account an instance's requests count against for the destination's concurrency limit."""
    slug = definition.slug or definition.name
    key = definition.concurrency_key
    if key and settings.get(key) not in (None, ""):
        return f"{slug}:{key}={settings[key]}"
    return f"{slug}:instance={instance_id}"
