"""OAuth tokens kept in the queue's SQLite file, so every worker process sharing it uses the newest.

``lock(key)`` makes a refresh single-flight across processes: an exclusive ``flock`` on a small file
beside the database, one per credential (a digest of the key names it, never the token). A lock file
rather than a database transaction, because a refresh waits on the network and must not hold the
queue's write lock meanwhile. Every save also counts itself in ``saves`` in that folder (eight bytes,
incremented under an exclusive ``flock``), which each process maps into memory: a send learns that
nobody saved since it last asked the database by comparing eight bytes, without a query, a system
call or letting go of the GIL. Only the access and refresh token are stored (what a refresh changes),
so workers can share them; the client id and secret stay in the instance config, and rows an older
version saved whole are rewritten when the queue is opened.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import mmap
import os
import sqlite3
import threading
import time
from collections.abc import Iterator
from pathlib import Path

from framework.auth import OAuthTokens

__all__ = ["SqliteTokenStore"]

_UNKNOWN = OAuthTokens()  # compared by identity: not in the cache (None there means "nothing stored")
_COUNTER_BYTES = 8


@contextlib.contextmanager
def _locked_counter(path: Path) -> Iterator[int]:
    """The saves counter file open for reading and writing (made if absent), under an exclusive ``flock``."""
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield fd
    finally:
        os.close(fd)  # releases the flock


class SqliteTokenStore:
    """A ``TokenStore`` with a cross-process ``lock``, on a queue's connection."""

    def __init__(self, db: sqlite3.Connection, lock: threading.RLock, path: Path) -> None:
        self._db = db
        self._lock = lock
        self._lock_dir = path.with_name(path.name + ".locks")
        self._saves_path = self._lock_dir / "saves"
        self._saves_view: mmap.mmap | bool = False  # the saves counter mapped (True: it cannot be; False: not yet)
        self._seen_saves: bytes | None = None  # the counter at the last check; None: check the database
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
        """From memory unless someone saved since: every send loads its token, a refresh is rare.

        A token already in memory is answered at once while the saves counter (``save``) reads as it
        did at the last check: nobody, in any process, saved since. Otherwise ``PRAGMA data_version``
        says whether another connection (another worker process) committed, and the tokens are read
        again if so; this connection's own saves update the cache. That check shares the queue's lock:
        while the queue holds it (a claim, a settle, an intake batch being committed), a token already
        in memory is answered without waiting, so a send never queues behind a transaction; the next
        send checks again. During a refresh (``lock``) every load waits and asks the database, so a
        token another process just refreshed is never refreshed twice.
        """
        cached = self._cache.get(key, _UNKNOWN)
        if cached is not _UNKNOWN and not self._refreshing:
            if self._seen_saves is not None and self._saves() == self._seen_saves:
                return cached
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
        saves = self._saves()  # before the database is read: a save after this is seen at the next load
        if self._version_cursor is None:
            self._version_cursor = self._db.cursor()
        version = self._version_cursor.execute("PRAGMA data_version").fetchone()[0]  # a new cursor costs a third
        if version != self._seen_version:
            self._cache.clear()
            self._seen_version = version
        if key not in self._cache:
            row = self._db.execute("SELECT data FROM tokens WHERE key = ?", (key,)).fetchone()
            self._cache[key] = OAuthTokens.from_stored_json(row[0]) if row else None
        self._seen_saves = saves
        return self._cache[key]

    def _saves(self) -> bytes | None:
        """The saves counter as every process sees it; None when it cannot be mapped (then every load asks)."""
        view = self._saves_view
        if view is False:
            view = self._saves_view = self._mapped_saves()
        if view is True:
            return None
        return view[:_COUNTER_BYTES]  # type: ignore[index]  # an mmap here

    def _mapped_saves(self) -> mmap.mmap | bool:
        """The counter file mapped read-only (made, zero, when no process has saved yet); True when it cannot be."""
        try:
            self._lock_dir.mkdir(parents=True, exist_ok=True)
            with _locked_counter(self._saves_path) as fd:
                if os.fstat(fd).st_size < _COUNTER_BYTES:
                    os.pwrite(fd, bytes(_COUNTER_BYTES), 0)
            # Mapped through a descriptor of its own: mmap keeps a duplicate, which would hold the flock.
            fd = os.open(self._saves_path, os.O_RDONLY)
            try:
                return mmap.mmap(fd, _COUNTER_BYTES, access=mmap.ACCESS_READ)
            finally:
                os.close(fd)
        except (OSError, ValueError):  # a file system without mmap, no permission: the database is asked
            return True

    def save(self, key: str, tokens: OAuthTokens) -> None:
        data = tokens.stored_json()
        with self._lock:
            self._db.execute(
                "INSERT OR REPLACE INTO tokens (key, data, updated_at) VALUES (?, ?, ?)", (key, data, time.time())
            )
            self._cache[key] = tokens
        self._count_save()

    def _count_save(self) -> None:
        """One more in the saves counter, after the commit: every process's next load asks the database.

        ``save`` runs outside any queue transaction (a refresh holds ``lock``, not the queue's), so the
        row is committed when the counter moves. The ``flock`` keeps two processes saving at once from
        both writing the same next value.
        """
        self._lock_dir.mkdir(parents=True, exist_ok=True)
        with _locked_counter(self._saves_path) as fd:
            count = int.from_bytes(os.pread(fd, _COUNTER_BYTES, 0).ljust(_COUNTER_BYTES, b"\0"), "little")
            os.pwrite(fd, ((count + 1) % (1 << 64)).to_bytes(_COUNTER_BYTES, "little"), 0)

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
