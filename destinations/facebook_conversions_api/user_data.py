"""``user_data`` as Facebook matches it: identifiers normalised and SHA-256 hashed, the rest as given.

Hashing is the kit's (:func:`framework.hashing.hash_user_value`); what is Facebook's own is which
mapped key becomes which short key (``email`` → ``em``), and that state and country names become
codes first (:mod:`.codes`). A key whose value is missing or empty is left out, as Segment's JSON
leaves ``undefined`` out.
"""

from __future__ import annotations

from typing import Any

from framework.hashing import hash_user_value, normalise

from .codes import COUNTRY_CODES, US_STATE_CODES

__all__ = ["hashed_user_data"]

# Mapped key → (Facebook's key, the kind of normalisation), in the order Facebook's body lists them.
HASHED: list[tuple[str, str, str]] = [
    ("email", "em", "email"),
    ("phone", "ph", "phone"),
    ("gender", "ge", "gender"),
    ("dateOfBirth", "db", "plain"),
    ("lastName", "ln", "name"),
    ("firstName", "fn", "name"),
    ("city", "ct", "city"),
    ("state", "st", "state"),
    ("zip", "zp", "zip"),
    ("country", "country", "country"),
]
# Sent as mapped, after the hashed ones (mapped key → Facebook's key).
PLAIN: list[tuple[str, str]] = [
    ("client_ip_address", "client_ip_address"),
    ("client_user_agent", "client_user_agent"),
    ("fbc", "fbc"),
    ("fbp", "fbp"),
    ("subscriptionID", "subscription_id"),
    ("leadID", "lead_id"),
    ("anonId", "anon_id"),
    ("madId", "madid"),
    ("fbLoginID", "fb_login_id"),
    ("partner_id", "partner_id"),
    ("partner_name", "partner_name"),
]
_CODE_TABLES = {"state": US_STATE_CODES, "country": COUNTRY_CODES}


def hashed_user_data(user: dict[str, Any]) -> dict[str, Any]:
    """The ``user_data`` object of one event, from the mapped ``user_data`` field."""
    body: dict[str, Any] = {}
    for key, facebook_key, kind in HASHED:
        value = _as_code(user.get(key), kind)
        hashed = hash_user_value(value, kind) if isinstance(value, str) else None
        if hashed is not None:
            body[facebook_key] = hashed
    external_ids = _external_ids(user.get("externalId"))
    if external_ids:
        body["external_id"] = external_ids
    for key, facebook_key in PLAIN:
        if user.get(key) is not None:
            body[facebook_key] = user[key]
    return body


def _as_code(value: Any, kind: str) -> Any:
    """A state or country name as its code ("New York" → "ny"); anything else unchanged."""
    table = _CODE_TABLES.get(kind)
    if table is None or not isinstance(value, str):
        return value
    compact = normalise(value, kind)
    return table.get(compact, compact)


def _external_ids(value: Any) -> list[str]:
    """One or more external IDs, each normalised and hashed (a single ID is sent as a list of one).

    An ID that is empty once normalised stays in the list as "", where Segment keeps it too.
    """
    ids = [value] if isinstance(value, str) else list(value or [])
    return [hash_user_value(item, "external_id") or "" for item in ids]
