"""The keys a job is filed under: its messageId and its user's ordering lane (its account: ``framework.instance.account_key``).

* **messageId**: Segment's, else a digest of the event's canonical JSON, so replaying the same file
  again finds the same jobs (a random id would deliver everything twice).
* **ordering key**: ``userId``, else ``anonymousId``, per instance; None (no ordering) when the event
  has neither or the instance switched ordering off.
* **account key**: ``Instance.account_key`` (``framework.instance.account_key``), re-exported here
  for the delivery code that files jobs under it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

from framework.instance.account_key import account_key_of

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
