"""``PooledAdapter``: requests' ``HTTPAdapter`` without its per-request connection-pool lookup.

For every request, ``HTTPAdapter`` parses the URL, builds the pool key (TLS settings included), and
looks the pool up in urllib3's pool manager under its lock; then it parses the URL again to decide
what path to send. That is about a twentieth of a delivered event's CPU, for an answer that only
changes with the origin. This adapter remembers the pool per origin and TLS settings, and sends the
path directly when no proxy applies. Proxied requests go through ``HTTPAdapter`` unchanged, a
closed pool is looked up again, and no more origins are remembered than the pool manager keeps
(``pool_connections``), so the pools this adapter holds on to stay as few as requests' own.
"""

from __future__ import annotations

from typing import Any

from requests import PreparedRequest
from requests.adapters import HTTPAdapter
from urllib3 import HTTPConnectionPool

__all__ = ["PooledAdapter"]


class PooledAdapter(HTTPAdapter):
    """An ``HTTPAdapter`` that finds a request's connection pool once per origin."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self._pools: dict[tuple[Any, ...], HTTPConnectionPool] = {}
        super().__init__(*args, **kwargs)

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        """A new pool manager (also on unpickling) makes every remembered pool stale."""
        self._pools = {}
        super().init_poolmanager(*args, **kwargs)

    def get_connection_with_tls_context(
        self, request: PreparedRequest, verify: Any, proxies: dict[str, str] | None = None, cert: Any = None
    ) -> HTTPConnectionPool:
        """The remembered pool for this origin and TLS settings, if it is still open."""
        key = None if proxies else _pool_key(request.url or "", verify, cert)
        pool = self._pools.get(key) if key is not None else None
        if pool is None or pool.pool is None:  # pool.pool is None once urllib3 has closed the pool
            pool = super().get_connection_with_tls_context(request, verify, proxies, cert)
            if key is not None:
                self._remember(key, pool)
        return pool

    def _remember(self, key: tuple[Any, ...], pool: HTTPConnectionPool) -> None:
        """Keep the pool, forgetting all others first when as many origins as the manager keeps are known."""
        if key not in self._pools and len(self._pools) >= self._pool_connections:
            self._pools = {}
        self._pools[key] = pool

    def request_url(self, request: PreparedRequest, proxies: dict[str, str] | None) -> str:
        """Without proxies, always the path (what ``HTTPAdapter`` returns after two URL parses)."""
        if not proxies:
            return request.path_url
        return super().request_url(request, proxies)

    def close(self) -> None:
        self._pools = {}
        super().close()


def _pool_key(url: str, verify: Any, cert: Any) -> tuple[Any, ...] | None:
    """``(scheme://netloc, verify, cert)``, or None when a setting cannot be a key (then no caching)."""
    start = url.find("//")
    end = url.find("/", start + 2) if start >= 0 else -1
    origin = url if end < 0 else url[:end]
    key = (origin.lower(), verify, cert)
    try:
        hash(key)
    except TypeError:
        return None
    return key
