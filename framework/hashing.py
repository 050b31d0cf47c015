"""SHA-256 hashing of user data, normalised first, as ad platforms match it (Facebook CAPI, Google, TikTok).

A destination names the kind of each value and never carries its own copy of the rules::

    hash_user_value(" John.Doe@Example.com ", "email")   # sha256("john.doe@example.com")
    hash_user_value("+1 (650) 555-1212", "phone")          # sha256("16505551212")

A value that already is a SHA-256 hex digest (64 hex characters, after normalisation) is passed on
rather than hashed twice, as Segment's ``processHashing`` does; the rules agree with Segment's
Facebook Conversions API destination on recorded cases (tests/runtime/test_hashing_conformance.py). An empty value (after
normalisation) gives ``None``: nothing to match on, nothing to send (Segment's Facebook helper gives
``undefined``, which JSON leaves out the same way).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from typing import Any

__all__ = ["NORMALISERS", "hash_user_value", "is_sha256_hex", "normalise", "sha256_hex"]

_SHA256_HEX = re.compile(r"[0-9a-f]{64}", re.IGNORECASE)
_NOT_DIGIT = re.compile(r"\D")
_SPACE = re.compile(r"\s")
_GENDERS = {"male": "m", "female": "f"}


def _compact_lower(value: str) -> str:
    """Every whitespace character removed, lowercased: Facebook's rule for most user data."""
    return _SPACE.sub("", value).lower()


def _digits(value: str) -> str:
    return _NOT_DIGIT.sub("", value)


def _gender(value: str) -> str:
    compact = _compact_lower(value)
    return _GENDERS.get(compact, compact)


def _as_given(value: str) -> str:
    return value


# The rules of Segment's Facebook Conversions API normalisation (normalize_user_data), by kind. State
# and country names are not turned into codes here: that table is one platform's, kept by its destination.
NORMALISERS: dict[str, Callable[[str], str]] = {
    "email": _compact_lower,
    "phone": _digits,  # digits only: country code included, no +, no punctuation
    "name": _compact_lower,  # first or last name
    "city": _compact_lower,
    "state": _compact_lower,
    "country": _compact_lower,
    "zip": _compact_lower,
    "gender": _gender,  # "male" → "m", "female" → "f", anything else compacted
    "external_id": _compact_lower,
    "plain": _as_given,  # hashed as given (Facebook's date of birth, YYYYMMDD)
}


def sha256_hex(text: str) -> str:
    """The SHA-256 digest of the UTF-8 text, lowercase hex."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def is_sha256_hex(value: Any) -> bool:
    """True for a string that already is a SHA-256 hex digest."""
    return isinstance(value, str) and _SHA256_HEX.fullmatch(value) is not None


def normalise(value: Any, kind: str) -> str:
    """The value as the platform matches it, before hashing; ``kind`` is a key of ``NORMALISERS``."""
    try:
        rule = NORMALISERS[kind]
    except KeyError:
        raise ValueError(f"no normalisation for {kind!r}; the kinds are: {', '.join(NORMALISERS)}.") from None
    return rule(str(value))


def hash_user_value(value: Any, kind: str) -> str | None:
    """The normalised value's SHA-256 hex, the value itself if already hashed, None if empty.

    Normalised first, then checked for a digest (so `` <DIGEST> `` as an email becomes the lowercase
    digest, as Segment's Facebook destination does); a phone that already is a digest is not
    normalised, since keeping only its digits would break it.
    """
    if value is None or not str(value).strip():
        return None
    text = str(value)
    if kind == "phone" and is_sha256_hex(text):
        return text
    normalised = normalise(text, kind)
    if not normalised:
        return None
    return normalised if is_sha256_hex(normalised) else sha256_hex(normalised)
