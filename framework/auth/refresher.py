"""``TokenRefresher``: refresh an expired OAuth credential once, however many callers notice at once.

When several events hit a 401 with the same credential, only one refresh request may go out
(Salesforce even rejects concurrent refreshes of one refresh token). ``refresh(key, stale, do_refresh)``
is single-flight per key: the first caller refreshes, callers arriving meanwhile wait and get its
result (or its error), and a caller arriving later with the old token gets the stored new one
without refreshing again. Failures are classified here: a transient failure (``RetryableError``,
5xx, timeout) passes through so the event is retried; anything else becomes a terminal
``InvalidAuthenticationError(code="OAUTH_REFRESH_FAILED")`` naming the cause.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from framework.auth.store import LockableTokenStore, MemoryTokenStore, TokenStore
from framework.auth.tokens import OAuthTokens
from framework.errors import (
    HTTPError,
    InvalidAuthenticationError,
    Resolution,
    resolution_for,
)

__all__ = ["TokenRefresher", "RefreshFunction", "OAUTH_REFRESH_FAILED", "require_access_token"]

OAUTH_REFRESH_FAILED = "OAUTH_REFRESH_FAILED"
RefreshFunction = Callable[[OAuthTokens], "OAuthTokens | dict[str, Any] | None"]
_PASS_THROUGH = (Resolution.RETRY, Resolution.RATE_LIMITED)
_TERMINAL_AUTH_CODES = ("OAUTH_REFRESH_FAILED", "REFRESH_TOKEN_EXPIRED")


class _Flight:
    """One refresh in progress; waiters block on ``done``."""

    def __init__(self) -> None:
        self.done = threading.Event()
        self.result: OAuthTokens | None = None
        self.error: BaseException | None = None


class TokenRefresher:
    """Single-flight token refresh per credential key, persisted through a ``TokenStore``."""

    def __init__(
        self,
        store: TokenStore | None = None,
        *,
        on_token_refresh: Callable[[OAuthTokens], None] | None = None,
    ) -> None:
        self.store: TokenStore = store if store is not None else MemoryTokenStore()
        self.on_token_refresh = on_token_refresh
        self._lock = threading.Lock()
        self._flights: dict[str, _Flight] = {}
        # key -> (stored, fallback, their merge): every send asks, the stored tokens rarely change.
        self._merged: dict[str, tuple[OAuthTokens, OAuthTokens, OAuthTokens]] = {}

    def current(self, key: str, fallback: OAuthTokens | None = None) -> OAuthTokens | None:
        """The newest stored tokens for ``key`` over ``fallback``'s client (``fallback`` when nothing is stored)."""
        stored = self.store.load(key)
        if stored is None or fallback is None:
            return stored or fallback
        merged = self._merged.get(key)  # the same two objects as last time: the same (frozen) merge
        if merged is not None and merged[0] is stored and merged[1] is fallback:
            return merged[2]
        fresh = fallback.refreshed(stored)
        self._merged[key] = (stored, fallback, fresh)
        return fresh

    def refresh(self, key: str, stale: OAuthTokens, do_refresh: RefreshFunction) -> OAuthTokens:
        """New tokens for ``key``, refreshing with ``do_refresh(stale)`` unless someone already did."""
        with self._lock:
            flight = self._flights.get(key)
            if flight is None:
                newer = _newer(self.store.load(key), stale)
                if newer is not None:
                    return newer
                flight = self._flights[key] = _Flight()
                leading = True
            else:
                leading = False
        if not leading:
            return _wait(flight)
        try:
            flight.result = self._refresh_and_store(key, stale, do_refresh)
        except BaseException as error:
            flight.error = error
            raise
        finally:
            with self._lock:
                del self._flights[key]
            flight.done.set()
        return flight.result

    def _refresh_and_store(self, key: str, stale: OAuthTokens, do_refresh: RefreshFunction) -> OAuthTokens:
        with _store_lock(self.store, key):
            newer = _newer(self.store.load(key), stale)  # another process may have refreshed
            if newer is not None:
                return newer
            fresh = stale.refreshed(_call_refresh(stale, do_refresh))
            self.store.save(key, fresh)
        if self.on_token_refresh is not None:
            self.on_token_refresh(fresh)
        return fresh


def _newer(stored: OAuthTokens | None, stale: OAuthTokens) -> OAuthTokens | None:
    if stored is not None and stored.access_token and stored.access_token != stale.access_token:
        return stale.refreshed(stored)  # a store keeps only the tokens; the client is the config's
    return None


def _wait(flight: _Flight) -> OAuthTokens:
    flight.done.wait()
    if flight.error is not None:
        raise flight.error
    assert flight.result is not None
    return flight.result


@contextlib.contextmanager
def _store_lock(store: TokenStore, key: str) -> Iterator[None]:
    """The store's cross-process lock for ``key`` when it is a ``LockableTokenStore``; else nothing to hold."""
    if not isinstance(store, LockableTokenStore):
        yield
        return
    with store.lock(key):
        yield


def _call_refresh(stale: OAuthTokens, do_refresh: RefreshFunction) -> OAuthTokens | dict[str, Any]:
    try:
        result = do_refresh(stale)
    except Exception as error:
        if _passes_through(error):
            raise
        raise InvalidAuthenticationError(
            f"Failed to refresh access token: {_describe(error)}", code=OAUTH_REFRESH_FAILED
        ) from error
    return require_access_token(result)


def require_access_token(result: Any) -> Any:
    """``result`` of a refresh when it holds an access token; else the terminal OAUTH_REFRESH_FAILED error."""
    if not result or not _access_token_of(result):
        raise InvalidAuthenticationError("Failed to refresh access token", code=OAUTH_REFRESH_FAILED)
    return result


def _passes_through(error: Exception) -> bool:
    """Transient failures are retried later; an already-terminal auth error keeps its own code."""
    if isinstance(error, InvalidAuthenticationError):
        return error.code in _TERMINAL_AUTH_CODES
    return resolution_for(error) in _PASS_THROUGH


def _access_token_of(result: Any) -> str | None:
    """The access token of OAuthTokens, a dict with Segment's or snake_case keys, or any object with one."""
    if isinstance(result, Mapping):
        return result.get("access_token") or result.get("accessToken")
    return getattr(result, "access_token", None)


def _describe(error: Exception) -> str:
    """The token endpoint's own explanation when it gave one (``invalid_grant: expired ...``)."""
    if isinstance(error, HTTPError):
        data = getattr(error.response, "data", None)
        if isinstance(data, dict) and (data.get("error") or data.get("error_description")):
            parts = [str(data[k]) for k in ("error", "error_description") if data.get(k)]
            return f"{error.status} {': '.join(parts)}"
        return f"{error.status} {error.message}"
    return str(error) or type(error).__name__
