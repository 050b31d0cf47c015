"""Contract tests: the parts of requests and urllib3 our code relies on beyond their documented API.

``framework/http/adapter.py`` overrides ``HTTPAdapter.get_connection_with_tls_context`` (added in
requests 2.32.2), reads the adapter's ``_pool_connections`` and urllib3's ``HTTPConnectionPool.pool``
(None once closed); ``framework/testing/transport.py`` builds responses with ``HTTPAdapter.build_response``
from a ``urllib3.HTTPResponse``. pyproject.toml pins the versions these were checked with; when a new
release changes one of them, the test here names what changed and where we use it.
"""

from __future__ import annotations

import inspect
import io
from collections.abc import Callable
from typing import Any

import pytest
import requests
import urllib3
from requests.adapters import HTTPAdapter

UPGRADE_HINT = "update the code that uses it, or keep the upper bound in pyproject.toml below this release"


def _parameters(function: object) -> list[str]:
    return list(inspect.signature(function).parameters)  # type: ignore[arg-type]


def test_http_adapter_has_get_connection_with_tls_context_with_the_signature_we_override() -> None:
    method = getattr(HTTPAdapter, "get_connection_with_tls_context", None)
    assert method is not None, (
        f"requests {requests.__version__} has no HTTPAdapter.get_connection_with_tls_context, "
        f"which framework/http/adapter.py overrides; {UPGRADE_HINT}"
    )
    assert _parameters(method) == ["self", "request", "verify", "proxies", "cert"], (
        f"requests {requests.__version__} changed HTTPAdapter.get_connection_with_tls_context's parameters to "
        f"{_parameters(method)} (framework/http/adapter.py overrides it); {UPGRADE_HINT}"
    )


def test_http_adapter_request_url_and_init_poolmanager_keep_their_parameters() -> None:
    assert _parameters(HTTPAdapter.request_url) == ["self", "request", "proxies"], (
        f"requests {requests.__version__} changed HTTPAdapter.request_url (framework/http/adapter.py); {UPGRADE_HINT}"
    )
    assert _parameters(HTTPAdapter.init_poolmanager)[:3] == ["self", "connections", "maxsize"], (
        f"requests {requests.__version__} changed HTTPAdapter.init_poolmanager (framework/http/adapter.py); "
        f"{UPGRADE_HINT}"
    )


def test_http_adapter_keeps_its_pool_connections_count() -> None:
    adapter = HTTPAdapter(pool_connections=7)
    assert getattr(adapter, "_pool_connections", None) == 7, (
        f"requests {requests.__version__} no longer keeps HTTPAdapter._pool_connections, which "
        f"framework/http/adapter.py reads to bound its pool cache; {UPGRADE_HINT}"
    )


def test_a_closed_urllib3_pool_sets_pool_to_none() -> None:
    pool = urllib3.HTTPConnectionPool("127.0.0.1", 9)
    assert pool.pool is not None, f"urllib3 {urllib3.__version__}: HTTPConnectionPool.pool is gone; {UPGRADE_HINT}"
    pool.close()
    assert pool.pool is None, (
        f"urllib3 {urllib3.__version__}: a closed HTTPConnectionPool no longer has pool None, "
        f"which framework/http/adapter.py uses to drop a stale pool; {UPGRADE_HINT}"
    )


def test_build_response_turns_a_urllib3_response_into_a_requests_response() -> None:
    prepared = requests.Request("POST", "https://api.example.com/x", json={"a": 1}).prepare()
    raw = urllib3.HTTPResponse(
        body=io.BytesIO(b'{"ok": true}'),
        headers={"Content-Type": "application/json"},
        status=201,
        reason="Created",
        preload_content=False,
        decode_content=False,
        request_method="POST",
        request_url=prepared.url,
    )
    response = HTTPAdapter().build_response(prepared, raw)
    assert (response.status_code, response.json(), response.url, response.request) == (
        201,
        {"ok": True},
        "https://api.example.com/x",
        prepared,
    ), f"requests {requests.__version__} changed HTTPAdapter.build_response (framework/testing/transport.py)"


@pytest.mark.parametrize(("package", "module"), [("requests", requests), ("urllib3", urllib3)])
def test_the_installed_version_is_within_the_pinned_range(
    package: str, module: Any, assert_within_pins: Callable[[str, str], None]
) -> None:
    assert_within_pins(package, str(module.__version__))
