"""OAuth tokens kept in the PostgreSQL queue, shared by every worker on every machine.

``lock(key)`` makes a refresh single-flight across machines: a session-level advisory lock taken on
a connection of its own, held across "check for newer tokens, refresh, save" and released after. A
dedicated connection, not one from the pool, because the refresh waits on the network and must not
hold a pooled connection (or a transaction) meanwhile; and if the process dies mid-refresh, the
server drops its session and with it the lock, so the next worker can refresh. The rotated refresh
token is saved in ``actions_tokens``, where every worker loads it before refreshing again.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

import psycopg
from psycopg_pool import ConnectionPool

from framework.auth import OAuthTokens
from framework.delivery.postgres_schema import NOW

__all__ = ["PostgresTokenStore"]

_WITH_CLIENT_FIELDS = " WHERE data::json->>'client_secret' IS NOT NULL OR data::json->>'client_id' IS NOT NULL"
_HAS_CLIENT_FIELDS = "SELECT 1 FROM actions_tokens" + _WITH_CLIENT_FIELDS + " LIMIT 1"

# The first key of the two-key advisory lock: token refreshes, apart from the queue's account locks.
TOKEN_LOCK_SPACE = 7301


class PostgresTokenStore:
    """A ``TokenStore`` with a cross-machine ``lock``, on a queue's connection pool."""

    def __init__(self, pool: ConnectionPool[psycopg.Connection[tuple[Any, ...]]], conninfo: str) -> None:
        self._pool = pool
        self._conninfo = conninfo
        self._forget_client_secrets()

    def _forget_client_secrets(self) -> None:
        """Rewrite rows an older version saved whole (client id and secret too) to the two tokens."""
        with self._pool.connection() as connection:
            if connection.execute(_HAS_CLIENT_FIELDS).fetchone() is None:
                return
            connection.execute(
                "UPDATE actions_tokens SET data = json_build_object("
                "'access_token', data::json->>'access_token', 'refresh_token', data::json->>'refresh_token')::text"
                + _WITH_CLIENT_FIELDS
            )

    def __repr__(self) -> str:
        return "PostgresTokenStore()"

    def load(self, key: str) -> OAuthTokens | None:
        with self._pool.connection() as connection:
            row = connection.execute("SELECT data FROM actions_tokens WHERE key = %s", (key,)).fetchone()
        return OAuthTokens.from_stored_json(str(row[0])) if row else None

    def save(self, key: str, tokens: OAuthTokens) -> None:
        data = tokens.stored_json()
        with self._pool.connection() as connection:
            connection.execute(
                f"INSERT INTO actions_tokens (key, data, updated_at) VALUES (%s, %s, {NOW})"
                " ON CONFLICT (key) DO UPDATE SET data = excluded.data, updated_at = excluded.updated_at",
                (key, data),
            )

    @contextlib.contextmanager
    def lock(self, key: str) -> Iterator[None]:
        """Held across a refresh: one process on any machine refreshes ``key`` at a time."""
        with psycopg.connect(self._conninfo, autocommit=True) as connection:
            connection.execute(
                "SELECT pg_advisory_lock(%s, hashtext(current_schema() || ':' || %s))", (TOKEN_LOCK_SPACE, key)
            )
            try:
                yield
            finally:
                connection.execute(
                    "SELECT pg_advisory_unlock(%s, hashtext(current_schema() || ':' || %s))", (TOKEN_LOCK_SPACE, key)
                )
