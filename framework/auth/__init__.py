"""OAuth 2.0 for destinations: tokens, where they are stored, and single-flight refresh.

Public surface (see docs/architecture.md)::

    OAuthTokens(.from_segment/.to_segment/.refreshed), TokenStore, MemoryTokenStore,
    LockableTokenStore, TokenRefresher(store, on_token_refresh=None).refresh(key, stale_tokens, do_refresh)

The refresh function for a destination definition, ``refresh_function_for``, is runtime glue and
lives in ``framework.runtime.token_refresh``: this package never imports ``framework.definition``.
"""

from framework.auth.refresher import OAUTH_REFRESH_FAILED, RefreshFunction, TokenRefresher
from framework.auth.store import LockableTokenStore, MemoryTokenStore, TokenStore
from framework.auth.tokens import OAuthTokens

__all__ = [
    "OAUTH_REFRESH_FAILED",
    "LockableTokenStore",
    "MemoryTokenStore",
    "OAuthTokens",
    "RefreshFunction",
    "TokenRefresher",
    "TokenStore",
]
