"""The ``X-Signature`` header: an HMAC-SHA1 of the JSON a webhook receives, keyed by the shared secret.

Receivers check it by computing ``hmac(sharedSecret, body, sha1).hexdigest()`` over the raw body and
comparing. The text signed is the one ``JSON.stringify`` writes for the mapped ``data`` (the same text
the request body carries for a single event). For a batch, Segment signs the *first event's* ``data``,
not the array the body holds; that is kept here, so receivers written for Segment keep accepting our
batches (Segment's behaviour, reproduced; see docs/divergences.md).
"""

from __future__ import annotations

import hashlib
import hmac
from typing import Any

from framework.http.json_body import dumps_json

__all__ = ["SIGNATURE_HEADER", "signature", "signed_data"]

SIGNATURE_HEADER = "X-Signature"


def signature(secret: str, data: Any) -> str:
    """Hex HMAC-SHA1 of ``JSON.stringify(data)`` (UTF-8) with ``secret``.

    >>> signature("s3cret", {"a": 1})
    '79999786a1bff10cd4d7dd0b0752574af76be0b5'
    """
    return hmac.new(secret.encode("utf-8"), dumps_json(data).encode("utf-8"), hashlib.sha1).hexdigest()


def signed_data(payload: Any) -> Any:
    """What Segment signs: ``data`` of the payload, or of the first payload of a batch (None: unsigned)."""
    if isinstance(payload, list):
        first = payload[0] if payload else None
        return first.get("data") if isinstance(first, dict) else None
    return payload.get("data") if isinstance(payload, dict) else None
