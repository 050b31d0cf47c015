"""An instance's OAuth credential: the current tokens, and refreshing them once for everyone waiting.

The tokens live in a token store under one key per credential, so instances (and workers) sharing a
store and a credential share a refresh: ``framework.auth.TokenRefresher`` makes it single-flight. After
a refresh the ``on_token_refresh`` callback sees the new tokens, like Segment's ``onTokenRefresh``,
so an operator can persist them.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import requests

from framework.errors import IntegrationError, InvalidAuthenticationError
from framework.runtime.client import build_request_client

if TYPE_CHECKING:
    from framework.auth import OAuthTokens, TokenStore
    from framework.definition import DestinationDefinition

__all__ = ["Credentials", "credential_key", "refresh_tokens", "OAUTH_SCHEMES"]

OAUTH_SCHEMES = ("oauth2", "oauth-managed")
TokenCallback = Callable[["OAuthTokens"], None]


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
        from framework.auth import MemoryTokenStore, TokenRefresher

        self._definition = definition
        self._settings = settings
        self._configured = tokens
        self._session = session
        self._endpoint = endpoint
        self._on_token_refresh = on_token_refresh
        self.store = token_store if token_store is not None else MemoryTokenStore()
        self._refresher = TokenRefresher(self.store)
        self.key = credential_key(definition.slug or definition.name, tokens) if tokens else None

    def __repr__(self) -> str:
        return f"<Credentials key={self.key!r}>"  # never the tokens

    def current(self) -> OAuthTokens | None:
        """The freshest tokens: the store's when it has some, else the configured ones."""
        if self.key is None:
            return None
        return self.store.load(self.key) or self._configured

    @property
    def can_refresh(self) -> bool:
        """True when a refused token can be refreshed: an OAuth scheme, a refresh function, tokens."""
        authentication = self._definition.authentication
        return (
            authentication is not None
            and authentication.scheme in OAUTH_SCHEMES
            and authentication.refresh_access_token is not None
            and self.key is not None
        )

    def refresh(self, stale: OAuthTokens) -> OAuthTokens:
        """New tokens for ``stale`` ones; callers that race here share one refresh."""
        if not self.can_refresh or self.key is None:
            raise IntegrationError("refreshAccessToken is only valid with oauth2 authentication scheme",
                                   "NotImplemented", 501)
        return self._refresher.refresh(self.key, stale, self._refresh_now)

    def _refresh_now(self, stale: OAuthTokens) -> OAuthTokens:
        fresh = refresh_tokens(self._definition, self._settings, stale, self._session, self._endpoint)
        if self._on_token_refresh is not None:
            self._on_token_refresh(fresh)
        return fresh


def refresh_tokens(
    definition: DestinationDefinition,
    settings: dict[str, Any],
    stale: OAuthTokens,
    session: requests.Session,
    endpoint: str | None = None,
) -> OAuthTokens:
    """Call the definition's ``refresh_access_token`` and merge its answer into ``stale`` (Segment's rules).

    A falsy answer is Segment's ``Failed to refresh access token`` (terminal); a refresh that returns no
    new refresh token keeps the old one.
    """
    from framework.definition import ExecuteInput, RefreshInput

    authentication = definition.authentication
    if authentication is None or authentication.refresh_access_token is None:
        raise IntegrationError("refreshAccessToken is only valid with oauth2 authentication scheme",
                               "NotImplemented", 501)
    bundle = ExecuteInput(payload=None, settings=settings, auth=stale, raw_data=None, raw_mapping=None)
    client = build_request_client(definition, session, bundle, endpoint)
    answer = authentication.refresh_access_token(client, RefreshInput(settings=settings, auth=stale))
    if not answer or not getattr(answer, "access_token", None):
        raise InvalidAuthenticationError("Failed to refresh access token", "OAUTH_REFRESH_FAILED")
    updates = {"access_token": answer.access_token}
    if getattr(answer, "refresh_token", None):
        updates["refresh_token"] = answer.refresh_token
    return stale.model_copy(update=updates)
