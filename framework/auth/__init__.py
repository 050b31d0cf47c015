"""OAuth 2.0 for destinations: tokens, where they are stored, and single-flight refresh.

Public surface (see docs/architecture.md)::

    OAuthTokens(.from_segment/.to_segment/.refreshed), TokenStore, MemoryTokenStore,
    TokenRefresher(store, on_token_refresh=None).refresh(key, stale_tokens, do_refresh),
    refresh_function_for(definition, settings, session=None, origin_override=None)
"""

from framework.auth.destination_refresh import refresh_function_for
from framework.auth.refresher import OAUTH_REFRESH_FAILED, RefreshFunction, TokenRefresher
from framework.auth.store import MemoryTokenStore, TokenStore
from framework.auth.tokens import OAuthTokens

__all__ = [
    "OAUTH_REFRESH_FAILED",
    "MemoryTokenStore",
    "OAuthTokens",
    "RefreshFunction",
    "TokenRefresher",
    "TokenStore",
    "refresh_function_for",
]
