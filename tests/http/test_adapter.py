"""PooledAdapter finds the same connection pools and paths as requests' HTTPAdapter, looked up once."""

import requests
from requests.adapters import HTTPAdapter
from urllib3 import HTTPSConnectionPool

from framework.http.adapter import PooledAdapter


def _prepared(url: str) -> requests.PreparedRequest:
    return requests.Request("POST", url, data=b"{}").prepare()


def test_one_pool_per_origin_and_tls_settings_remembered() -> None:
    adapter = PooledAdapter()
    first = adapter.get_connection_with_tls_context(_prepared("https://api.example.com/a?x=1"), True)
    assert adapter.get_connection_with_tls_context(_prepared("https://API.example.com/b"), True) is first
    assert adapter.get_connection_with_tls_context(_prepared("https://other.example.com/a"), True) is not first
    assert adapter.get_connection_with_tls_context(_prepared("http://api.example.com/a"), True) is not first
    unverified = adapter.get_connection_with_tls_context(_prepared("https://api.example.com/a"), False)
    assert isinstance(unverified, HTTPSConnectionPool)
    assert unverified is not first and unverified.cert_reqs == "CERT_NONE"


def test_the_pools_are_the_ones_the_pool_manager_hands_out() -> None:
    adapter = PooledAdapter()
    request = _prepared("http://127.0.0.1:9/x")
    pool = adapter.get_connection_with_tls_context(request, True)
    assert pool is HTTPAdapter.get_connection_with_tls_context(adapter, request, True)
    assert (pool.host, pool.port) == ("127.0.0.1", 9)


def test_a_closed_pool_is_looked_up_again() -> None:
    adapter = PooledAdapter()
    request = _prepared("http://127.0.0.1:9/x")
    pool = adapter.get_connection_with_tls_context(request, True)
    adapter.close()
    fresh = adapter.get_connection_with_tls_context(request, True)
    assert fresh is not pool and fresh.pool is not None


def test_no_more_origins_remembered_than_the_pool_manager_keeps() -> None:
    adapter = PooledAdapter(pool_connections=2)
    for port in range(1, 8):
        adapter.get_connection_with_tls_context(_prepared(f"http://127.0.0.1:{port}/x"), True)
        assert len(adapter._pools) <= 2


def test_proxied_requests_go_through_requests_own_lookup() -> None:
    adapter = PooledAdapter()
    request = _prepared("http://api.example.com/a?x=1")
    proxies = {"http": "http://proxy.local:3128"}
    direct = adapter.get_connection_with_tls_context(request, True)
    proxied = adapter.get_connection_with_tls_context(request, True, proxies)
    assert proxied is not direct and proxied.host == "proxy.local"
    assert adapter.request_url(request, proxies) == HTTPAdapter.request_url(adapter, request, proxies)
    assert adapter.request_url(request, proxies) == "http://api.example.com/a?x=1"


def test_the_path_sent_without_a_proxy_is_requests_own() -> None:
    adapter = PooledAdapter()
    no_proxies: tuple[dict[str, str] | None, ...] = (None, {})
    for url in ("https://api.example.com/a/b?x=1&y=%20", "http://h.example.com", "http://u:p@h.example.com/p"):
        request = _prepared(url)
        for proxies in no_proxies:
            assert adapter.request_url(request, proxies) == HTTPAdapter.request_url(adapter, request, proxies)
