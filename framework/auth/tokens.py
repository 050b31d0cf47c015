"""``OAuthTokens``: one credential's OAuth 2.0 tokens and client, never shown in full.

Segment keeps tokens in ``settings.oauth`` as ``{access_token, refresh_token, clientId, clientSecret,
refresh_token_url}``; ``OAuthTokens.from_segment`` reads that shape and ``to_segment`` writes it back.
The repr masks every secret, so tokens can sit in logs, reports and tracebacks safely.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

__all__ = ["OAuthTokens", "mask", "STORED_TOKEN_FIELDS"]

STORED_TOKEN_FIELDS = ("access_token", "refresh_token")
"""The fields a token store keeps: those a refresh changes."""

_SEGMENT_KEYS = {
    "access_token": ("access_token", "accessToken"),
    "refresh_token": ("refresh_token", "refreshToken"),
    "client_id": ("clientId", "client_id"),
    "client_secret": ("clientSecret", "client_secret"),
    "refresh_token_url": ("refresh_token_url", "refreshTokenUrl"),
}


def mask(secret: str | None) -> str:
    """``'…a1b2'``-style hint of a secret (last 4 characters of long ones), or ``None``."""
    if not secret:
        return repr(secret)
    return "'…" + secret[-4:] + "'" if len(secret) >= 16 else "'***'"


@dataclass(frozen=True, repr=False)
class OAuthTokens:
    """Access and refresh tokens plus the client that may refresh them."""

    access_token: str | None = None
    refresh_token: str | None = None
    client_id: str | None = None
    client_secret: str | None = None
    refresh_token_url: str | None = None

    def __repr__(self) -> str:
        return (
            f"OAuthTokens(access_token={mask(self.access_token)}, "
            f"refresh_token={mask(self.refresh_token)}, client_id={self.client_id!r}, "
            f"client_secret={mask(self.client_secret)}, refresh_token_url={self.refresh_token_url!r})"
        )

    __str__ = __repr__

    @classmethod
    def from_segment(cls, oauth: Mapping[str, Any] | None) -> OAuthTokens | None:
        """Read Segment's ``settings["oauth"]`` (camelCase variants accepted); None when absent."""
        if not oauth:
            return None
        values = {name: _first(oauth, keys) for name, keys in _SEGMENT_KEYS.items()}
        return cls(**values)

    def to_segment(self) -> dict[str, Any]:
        """Segment's ``settings["oauth"]`` shape (only the keys that have values)."""
        shaped = {
            "access_token": self.access_token,
            "refresh_token": self.refresh_token,
            "clientId": self.client_id,
            "clientSecret": self.client_secret,
            "refresh_token_url": self.refresh_token_url,
        }
        return {k: v for k, v in shaped.items() if v is not None}

    def refreshed(self, new: OAuthTokens | Mapping[str, Any]) -> OAuthTokens:
        """These tokens after a refresh: new values win, a refresh token not returned is kept."""
        if isinstance(new, Mapping):
            new = OAuthTokens.from_segment(new) or OAuthTokens()
        changes = {f.name: getattr(new, f.name) for f in dataclasses.fields(self) if getattr(new, f.name) is not None}
        return dataclasses.replace(self, **changes)

    def refresh_grant_form(self) -> dict[str, str | None]:
        """The form of an OAuth 2.0 refresh-token grant (RFC 6749 §6), in the order Segment's destinations send it.

        >>> OAuthTokens(refresh_token="r", client_id="c", client_secret="s").refresh_grant_form()
        {'refresh_token': 'r', 'client_id': 'c', 'client_secret': 's', 'grant_type': 'refresh_token'}
        """
        return {"refresh_token": self.refresh_token, "client_id": self.client_id,
                "client_secret": self.client_secret, "grant_type": "refresh_token"}  # fmt: skip

    def stored_json(self) -> str:
        """What a shared token store keeps: only what a refresh changes (access and refresh token).

        The client id and secret and the token URL come from the instance config every time, so a
        queue database never holds the client secret.
        """
        return json.dumps({name: getattr(self, name) for name in STORED_TOKEN_FIELDS})

    @classmethod
    def from_stored_json(cls, text: str) -> OAuthTokens:
        """Tokens read back from a store; any other key (a client secret an older version saved) is ignored."""
        data = json.loads(text)
        return cls(**{name: data.get(name) for name in STORED_TOKEN_FIELDS})

    def secrets(self) -> list[str]:
        """The secret values, for a request client's redaction list."""
        return [s for s in (self.access_token, self.refresh_token, self.client_secret) if s]


def _first(mapping: Mapping[str, Any], keys: tuple[str, ...]) -> Any:
    for key in keys:
        if mapping.get(key) is not None:
            return mapping[key]
    return None
