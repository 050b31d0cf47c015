"""Where refreshed tokens live: the ``TokenStore`` protocol and the in-process ``MemoryTokenStore``.

A store keeps the newest tokens per credential key, so every worker using that credential picks up
a refresh made by any other. A store shared between processes (the delivery queue's database) also
implements ``LockableTokenStore``: ``lock(key)`` is a context manager held across "check for newer
tokens, refresh, save" so that only one process refreshes a credential at a time. ``TokenRefresher``
takes that lock when the store is one (an ``isinstance`` check on the runtime-checkable protocol).
"""

from __future__ import annotations

import contextlib
import threading
from typing import Protocol, runtime_checkable

from framework.auth.tokens import OAuthTokens

__all__ = ["TokenStore", "LockableTokenStore", "MemoryTokenStore"]


@runtime_checkable
class TokenStore(Protocol):
    """Loads and saves the newest tokens for a credential key."""

    def load(self, key: str) -> OAuthTokens | None: ...

    def save(self, key: str, tokens: OAuthTokens) -> None: ...


@runtime_checkable
class LockableTokenStore(TokenStore, Protocol):
    """A token store shared between processes: ``lock(key)`` serialises refreshes of one credential."""

    def lock(self, key: str) -> contextlib.AbstractContextManager[None]: ...


class MemoryTokenStore:
    """A thread-safe in-memory store (one process)."""

    def __init__(self) -> None:
        self._tokens: dict[str, OAuthTokens] = {}
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"MemoryTokenStore(keys={sorted(self._tokens)})"

    def load(self, key: str) -> OAuthTokens | None:
        with self._lock:
            return self._tokens.get(key)

    def save(self, key: str, tokens: OAuthTokens) -> None:
        with self._lock:
            self._tokens[key] = tokens
