"""An instance's OAuth credential: the current tokens, and refreshing them once for everyone waiting.

The tokens live in a token store under one key per credential, so instances (and workers) sharing a
store and a credential share a refresh: ``framework.auth.TokenRefresher`` makes it single-flight and
classifies refresh failures. After a refresh the ``on_token_refresh`` callback sees the new tokens,
like Segment's ``onTokenRefresh``, so an operator can persist them.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import requests

from framework.auth import MemoryTokenStore, OAuthTokens, TokenRefresher, TokenStore
from framework.errors import IntegrationError
from framework.runtime.token_refresh import refresh_function_for

if TYPE_CHECKING:
    from framework.definition import DestinationDefinition

__all__ = ["Credentials", "credential_key"]

TokenCallback = Callable[[OAuthTokens], None]


def credential_key(slug: str, tokens: OAuthTokens) -> str:
    """A stable key for a credential that never reveals it: the slug and a digest of client and refresh token."""
    material = f"{tokens.client_id or ''}\0{tokens.refresh_token or ''}".encode()
    return f"{slug}:{hashlib.sha256(material).hexdigest()[:16]}"


class Credentials:
    """The OAuth tokens of one instance, loaded from the token store and refreshed single-flight."""

    def __init__(
        self,
        definition: DestinationDefinition,
        settings: dict[str, Any],
        tokens: OAuthTokens | None,
        *,
        session: requests.Session,
        endpoint: str | None = None,
        token_store: TokenStore | None = None,
        on_token_refresh: TokenCallback | None = None,
    ) -> None:
        self._definition = definition
        self._settings = settings
        self._configured = tokens
        self._session = session
        self._endpoint = endpoint
        self.store: TokenStore = token_store if token_store is not None else MemoryTokenStore()
        self._refresher = TokenRefresher(self.store, on_token_refresh=on_token_refresh)
        self.key = credential_key(definition.slug, tokens) if tokens is not None else None

    def __repr__(self) -> str:
        return f"<Credentials key={self.key!r}>"  # never the tokens

    def current(self) -> OAuthTokens | None:
        """The freshest tokens: the store's when it has some, else the configured ones."""
        if self.key is None:
            return None
        return self._refresher.current(self.key, self._configured)

    def secrets(self) -> list[str]:
        """Every token value this credential has had here (configured and current), for redaction."""
        known = [tokens for tokens in (self._configured, self.current()) if tokens is not None]
        return sorted({secret for tokens in known for secret in tokens.secrets()})

    @property
    def can_refresh(self) -> bool:
        """True when a refused token can be refreshed: an OAuth scheme, a refresh function, tokens."""
        authentication = self._definition.authentication
        return (
            authentication is not None
            and authentication.is_oauth
            and authentication.refresh_access_token is not None
            and self.key is not None
        )

    def refresh(self, stale: OAuthTokens) -> OAuthTokens:
        """New tokens for ``stale`` ones; callers that race here share one refresh."""
        if not self.can_refresh or self.key is None:
            raise IntegrationError(
                "refreshAccessToken is only valid with oauth2 authentication scheme", "NotImplemented", 501
            )
        do_refresh = refresh_function_for(
            self._definition, self._settings, session=self._session, origin_override=self._endpoint
        )
        return self._refresher.refresh(self.key, stale, do_refresh)
