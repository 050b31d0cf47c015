"""The requests and urllib3 internals DirectAdapter relies on: a release that changes them fails here, by name."""

from __future__ import annotations

import inspect
import queue

import requests
import urllib3
from urllib3 import HTTPConnectionPool
from urllib3.connection import HTTPConnection

from framework.http.direct import DirectResponse


def test_urllib3_pools_lend_and_take_back_connections() -> None:
    pool = HTTPConnectionPool("127.0.0.1", 9, maxsize=1)
    for name in ("_get_conn", "_put_conn"):
        assert callable(getattr(pool, name, None)), f"urllib3 {urllib3.__version__} has no HTTPConnectionPool.{name}"
    conn = pool._get_conn()
    assert isinstance(conn, HTTPConnection) and conn.sock is None, "a new pooled connection is not yet connected"
    pool._put_conn(None)
    assert pool.pool is not None and pool.pool.qsize() == 1, "_put_conn(None) no longer returns the slot"


def test_urllib3_connections_connect_with_their_timeout_attribute() -> None:
    conn = HTTPConnection("127.0.0.1", 9)
    conn.timeout = 1.5
    assert conn.timeout == 1.5 and hasattr(conn, "connect") and hasattr(conn, "sock")


def test_urllib3_default_user_agent_and_original_response() -> None:
    from urllib3.connection import _get_default_user_agent

    assert _get_default_user_agent().startswith("python-urllib3/")
    parameters = inspect.signature(urllib3.HTTPResponse).parameters
    assert "original_response" in parameters, "urllib3.HTTPResponse no longer takes original_response"


def test_direct_response_has_every_attribute_requests_response_has() -> None:
    missing = set(vars(requests.Response())) - {"raw", "cookies"} - set(vars(DirectResponse()))
    assert not missing, f"requests.Response gained attributes DirectResponse does not set: {sorted(missing)}"


def test_direct_response_is_a_requests_response() -> None:
    response = DirectResponse()
    assert isinstance(response, requests.Response)
    assert len(response.cookies) == 0 and response.raw is None


def test_case_insensitive_dict_keeps_name_and_value_under_the_lowered_name() -> None:
    headers = requests.structures.CaseInsensitiveDict({"Content-Type": "a"})
    assert getattr(headers, "_store", None) == {"content-type": ("Content-Type", "a")}, (
        "requests' CaseInsensitiveDict no longer keeps _store as {lower: (name, value)}: "
        "framework/http/client.py _merged_headers and framework/http/direct.py read and fill it"
    )


def test_urllib3_pools_keep_idle_connections_in_a_lifo_queue_with_a_mutex() -> None:
    pool = HTTPConnectionPool("127.0.0.1", 9, maxsize=2)
    idle = pool.pool
    assert type(idle) is queue.LifoQueue, "framework/http/direct.py _borrowed_connection reads urllib3's LifoQueue"
    assert isinstance(idle.queue, list) and idle.maxsize == 2 and idle.queue == [None, None]
    assert hasattr(idle, "mutex") and pool.block is False
    assert isinstance(pool._new_conn(), HTTPConnection)


def test_case_insensitive_dict_works_on_a_plain_dict_store() -> None:
    from framework.http.client import case_insensitive_from_store

    headers = case_insensitive_from_store({"content-type": ("Content-Type", "a"), "x-b": ("X-B", "b")})
    headers["X-c"] = "c"
    del headers["x-B"]
    assert list(headers) == ["Content-Type", "X-c"] and headers["CONTENT-TYPE"] == "a"
    assert headers == {"content-type": "a", "x-c": "c"} and headers.copy() == headers
    assert dict(headers.lower_items()) == {"content-type": "a", "x-c": "c"}
    assert "Content-Type" in repr(headers) and len(headers) == 2
