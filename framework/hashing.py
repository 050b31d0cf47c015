"""SHA-256 hashing of user data, normalised first, as ad platforms match it (Facebook CAPI, Google, TikTok).

A destination names the kind of each value and never carries its own copy of the rules::

    hash_user_value("  John.Doe@Example.com ", "email")   # sha256("john.doe@example.com")
    hash_user_value("+1 (650) 555-1212", "phone")          # sha256("16505551212")

A value that already is a SHA-256 hex digest (64 hex characters) is passed on unchanged, as Segment's
``processHashing`` does, so data hashed upstream is not hashed twice. Empty values (after
normalisation) give ``None``: nothing to match on, nothing to send.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from typing import Any

__all__ = ["NORMALISERS", "hash_user_value", "is_sha256_hex", "normalise", "sha256_hex"]

_SHA256_HEX = re.compile(r"[0-9a-f]{64}", re.IGNORECASE)
_NOT_DIGIT = re.compile(r"\D")
_NOT_LETTER = re.compile(r"[^a-z]")
_SPACE = re.compile(r"\s")


def _lower_trimmed(value: str) -> str:
    return value.strip().lower()


def _digits(value: str) -> str:
    return _NOT_DIGIT.sub("", value)


def _letters(value: str) -> str:
    return _NOT_LETTER.sub("", value.lower())


def _zip(value: str) -> str:
    return _SPACE.sub("", value.strip().lower())


def _gender(value: str) -> str:
    lowered = value.strip().lower()
    return {"male": "m", "female": "f"}.get(lowered, lowered[:1])


NORMALISERS: dict[str, Callable[[str], str]] = {
    "email": _lower_trimmed,
    "phone": _digits,  # digits only, country code included, no leading +
    "name": _lower_trimmed,
    "city": _letters,  # lowercase letters only: "San Francisco" → "sanfrancisco"
    "state": _letters,
    "country": _letters,
    "zip": _zip,
    "gender": _gender,  # "m" or "f"
    "date_of_birth": _digits,  # YYYYMMDD
    "external_id": _lower_trimmed,
    "plain": str.strip,
}


def sha256_hex(text: str) -> str:
    """The SHA-256 digest of the UTF-8 text, lowercase hex."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def is_sha256_hex(value: Any) -> bool:
    """True for a string that already is a SHA-256 hex digest."""
    return isinstance(value, str) and _SHA256_HEX.fullmatch(value.strip()) is not None


def normalise(value: Any, kind: str) -> str:
    """The value as the platform matches it, before hashing; ``kind`` is a key of ``NORMALISERS``."""
    try:
        rule = NORMALISERS[kind]
    except KeyError:
        raise ValueError(f"no normalisation for {kind!r}; the kinds are: {', '.join(NORMALISERS)}.") from None
    return rule(str(value))


def hash_user_value(value: Any, kind: str) -> str | None:
    """The normalised value's SHA-256 hex, the value itself if already hashed, None if empty."""
    if value is None:
        return None
    if is_sha256_hex(value):
        return str(value).strip().lower()
    normalised = normalise(value, kind)
    return sha256_hex(normalised) if normalised else None
