"""The Salesforce token endpoint's side of OAuth: clients, refresh tokens and access tokens.

Mirrors what pardot-v5.md §6 records of ``POST /services/oauth2/token`` with
``grant_type=refresh_token``: a 200 JSON grant (opaque ``00D…!…`` token, ``issued_at`` in
milliseconds, no ``expires_in``), optional refresh-token rotation, and the 400 errors
``unsupported_grant_type``, ``invalid_client_id``, ``invalid_client`` and ``invalid_grant``.
Two refreshes of the same refresh token at once are refused the way Salesforce does it
(``token request is already being processed``), which is what makes single-flight refresh matter.

Access tokens expire after ``ttl`` seconds or when :meth:`TokenAuthority.expire_all` is called
(tests expire tokens explicitly instead of waiting).
"""

from __future__ import annotations

import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

__all__ = ["TokenAuthority", "TokenError", "CONCURRENT_REFRESH"]

CONCURRENT_REFRESH = "token request is already being processed"


class TokenError(Exception):
    """A refused token request: HTTP status plus Salesforce's ``error`` and ``error_description``."""

    def __init__(self, error: str, description: str, status: int = 400) -> None:
        super().__init__(f"{error}: {description}")
        self.status = status
        self.error = error
        self.description = description


@dataclass
class _AccessToken:
    expires_at: datetime
    environment: str | None  # "production" or "sandbox" (the token host), None when not known


class TokenAuthority:
    """Issues and checks tokens; thread-safe."""

    def __init__(
        self, *, ttl: float = 7200.0, rotate_refresh_tokens: bool = False, clock: Callable[[], datetime] | None = None
    ) -> None:
        self._lock = threading.Condition()
        self._clients: dict[str, str] = {}
        self._refresh_tokens: dict[str, str] = {}  # refresh token -> client id
        self._access: dict[str, _AccessToken] = {}
        self._refreshing: set[str] = set()
        self.ttl = ttl
        self.rotate_refresh_tokens = rotate_refresh_tokens
        self._clock = clock or (lambda: datetime.now(UTC))

    def add_client(self, client_id: str, client_secret: str) -> None:
        """Register a connected app's consumer key and secret."""
        with self._lock:
            self._clients[client_id] = client_secret

    def add_refresh_token(self, refresh_token: str, client_id: str) -> None:
        """Register a refresh token granted to ``client_id`` (as if a user had authorised the app)."""
        with self._lock:
            self._refresh_tokens[refresh_token] = client_id

    def add_access_token(self, access_token: str, environment: str | None = None) -> None:
        """Register a still-valid access token (for instances configured with a token up front)."""
        with self._lock:
            self._access[access_token] = _AccessToken(self._expiry(), environment)

    def expire_all(self) -> None:
        """Make every access token issued so far expired (the next API call gets 401 code 184)."""
        with self._lock:
            past = self._clock() - timedelta(seconds=1)
            for token in self._access.values():
                token.expires_at = past

    def is_valid(self, access_token: str, environment: str | None = None) -> bool:
        """True when the token is known, unexpired and not from the other environment.

        The environment is only known when requests name the real hosts; behind an origin override
        everything arrives on loopback and tokens work on either.
        """
        with self._lock:
            token = self._access.get(access_token)
            if token is None or token.expires_at <= self._clock():
                return False
            return None in (environment, token.environment) or token.environment == environment

    def begin_refresh(self, form: dict[str, str]) -> str:
        """Check a refresh-token grant and mark it in flight; returns the refresh token.

        Raises :class:`TokenError` when the grant is malformed or refused, including when the same
        refresh token is already being refreshed.
        """
        if form.get("grant_type") != "refresh_token":
            raise TokenError("unsupported_grant_type", "grant type not supported")
        refresh_token = form.get("refresh_token", "")
        with self._lock:
            self._check_client(form.get("client_id", ""), form.get("client_secret"))
            if self._refresh_tokens.get(refresh_token) != form.get("client_id"):
                raise TokenError("invalid_grant", "expired access/refresh token")
            if refresh_token in self._refreshing:
                raise TokenError("invalid_grant", CONCURRENT_REFRESH)
            self._refreshing.add(refresh_token)
            self._lock.notify_all()
        return refresh_token

    def finish_refresh(self, refresh_token: str, environment: str | None, instance_url: str) -> dict[str, str]:
        """Issue a new access token for a refresh begun with :meth:`begin_refresh`; the grant body."""
        access_token = f"00D000000000001!{secrets.token_urlsafe(24)}"
        with self._lock:
            self._refreshing.discard(refresh_token)
            self._access[access_token] = _AccessToken(self._expiry(), environment)
            grant = self._grant_body(access_token, instance_url)
            if self.rotate_refresh_tokens:
                client_id = self._refresh_tokens.pop(refresh_token)
                grant["refresh_token"] = f"5Aep{secrets.token_urlsafe(24)}"
                self._refresh_tokens[grant["refresh_token"]] = client_id
        return grant

    def refreshes_in_flight(self) -> int:
        """How many refreshes have begun and not finished (tests line up concurrent refreshes)."""
        with self._lock:
            return len(self._refreshing)

    def wait_for_refreshes(self, count: int, timeout: float) -> bool:
        """Block until ``count`` refreshes are in flight (tests line up concurrent refreshes)."""
        with self._lock:
            return self._lock.wait_for(lambda: len(self._refreshing) >= count, timeout)

    def _check_client(self, client_id: str, client_secret: str | None) -> None:
        if client_id not in self._clients:
            raise TokenError("invalid_client_id", "client identifier invalid")
        if client_secret is not None and client_secret != self._clients[client_id]:
            raise TokenError("invalid_client", "invalid client credentials")

    def _expiry(self) -> datetime:
        return self._clock() + timedelta(seconds=self.ttl)

    def _grant_body(self, access_token: str, instance_url: str) -> dict[str, str]:
        issued_ms = int(self._clock().timestamp() * 1000)
        return {
            "access_token": access_token,
            "signature": secrets.token_urlsafe(32),
            "scope": "refresh_token pardot_api api",
            "instance_url": instance_url,
            "id": f"{instance_url}/id/00D000000000001/005000000000001",
            "token_type": "Bearer",
            "issued_at": str(issued_ms),
        }
