"""OAuth tokens kept in the queue's SQLite file, so every worker process sharing it uses the newest.

``lock(key)`` makes a refresh single-flight across processes: an exclusive ``flock`` on a small file
beside the database, one per credential (a digest of the key names it, never the token). A lock file
rather than a database transaction, because a refresh waits on the network and must not hold the
queue's write lock meanwhile. Only the access and refresh token are stored (what a refresh changes),
so workers can share them; the client id and secret stay in the instance config, and rows an older
version saved whole are rewritten when the queue is opened.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import sqlite3
import threading
import time
from collections.abc import Iterator
from pathlib import Path

from framework.auth import OAuthTokens

__all__ = ["SqliteTokenStore"]

_UNKNOWN = OAuthTokens()  # compared by identity: not in the cache (None there means "nothing stored")


class SqliteTokenStore:
    """A ``TokenStore`` with a cross-process ``lock``, on a queue's connection."""

    def __init__(self, db: sqlite3.Connection, lock: threading.RLock, path: Path) -> None:
        self._db = db
        self._lock = lock
        self._lock_dir = path.with_name(path.name + ".locks")
        self._cache: dict[str, OAuthTokens | None] = {}
        self._seen_version: int | None = None
        self._version_cursor: sqlite3.Cursor | None = None  # one cursor for every check (made on first use)
        self._refreshing = 0  # refreshes under way in this process (inside ``lock``)
        self._forget_client_secrets()

    def _forget_client_secrets(self) -> None:
        """Rewrite rows an older version saved whole (client id and secret too) to the two tokens."""
        with self._lock:
            self._db.execute(
                "UPDATE tokens SET data = json_object('access_token', json_extract(data, '$.access_token'),"
                " 'refresh_token', json_extract(data, '$.refresh_token'))"
                " WHERE json_valid(data) AND (json_extract(data, '$.client_secret') IS NOT NULL"
                " OR json_extract(data, '$.client_id') IS NOT NULL)"
            )

    def __repr__(self) -> str:
        return f"SqliteTokenStore({str(self._lock_dir.parent)!r})"

    def load(self, key: str) -> OAuthTokens | None:
        """From memory unless the file changed since: every send loads its token, a refresh is rare.

        ``PRAGMA data_version`` moves when another connection (another worker process) commits, so
        a token another process refreshed is read again; this connection's own saves update the cache.
        The check shares the queue's lock: while the queue holds it (a claim, a settle, an intake batch
        being committed), a token already in memory is answered without waiting, so a send never
        queues behind a transaction; the next send checks again. During a refresh (``lock``) every
        load waits and checks, so a token another process just refreshed is never refreshed twice.
        """
        cached = self._cache.get(key, _UNKNOWN)
        if cached is not _UNKNOWN and not self._refreshing:
            if not self._lock.acquire(blocking=False):
                return cached
            try:
                return self._checked(key)
            finally:
                self._lock.release()
        with self._lock:
            return self._checked(key)

    def _checked(self, key: str) -> OAuthTokens | None:
        """The tokens for ``key``, read again if another connection committed since the last check (lock held)."""
        if self._version_cursor is None:
            self._version_cursor = self._db.cursor()
        version = self._version_cursor.execute("PRAGMA data_version").fetchone()[0]  # a new cursor costs a third
        if version != self._seen_version:
            self._cache.clear()
            self._seen_version = version
        if key not in self._cache:
            row = self._db.execute("SELECT data FROM tokens WHERE key = ?", (key,)).fetchone()
            self._cache[key] = OAuthTokens.from_stored_json(row[0]) if row else None
        return self._cache[key]

    def save(self, key: str, tokens: OAuthTokens) -> None:
        data = tokens.stored_json()
        with self._lock:
            self._db.execute(
                "INSERT OR REPLACE INTO tokens (key, data, updated_at) VALUES (?, ?, ?)", (key, data, time.time())
            )
            self._cache[key] = tokens

    @contextlib.contextmanager
    def lock(self, key: str) -> Iterator[None]:
        """Held across "check for newer tokens, refresh, save": one process refreshes at a time."""
        self._lock_dir.mkdir(parents=True, exist_ok=True)
        name = hashlib.sha256(key.encode()).hexdigest()[:24]
        with open(self._lock_dir / f"{name}.lock", "a+b") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            with self._lock:
                self._refreshing += 1
            try:
                yield
            finally:
                with self._lock:
                    self._refreshing -= 1
                fcntl.flock(handle, fcntl.LOCK_UN)
