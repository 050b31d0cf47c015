"""Contract tests: the parts of waitress the Pardot emulator and the loopback test server rely on.

``destinations/pardot/emulator`` builds its server with ``waitress.create_server(app, map=...,
_dispatcher=ThreadedTaskDispatcher(), ...)`` (``_dispatcher`` is private), polls it with
``wasyncore.loop(timeout=, map=, count=)``, shuts it with ``server.task_dispatcher.shutdown(timeout=)``
and ``wasyncore.close_all(map)``, and reads ``server.effective_port`` and ``server._map``;
``tests/http/conftest.py`` uses ``server.run()``, ``server.close()`` and ``close_all(..., ignore_all=True)``.
When a waitress release changes one of these, the test here names it and where it is used.
"""

from __future__ import annotations

import importlib.metadata
import inspect
import threading
import urllib.request
from collections.abc import Callable, Iterable
from typing import Any

from waitress import create_server, wasyncore
from waitress.task import ThreadedTaskDispatcher

VERSION = importlib.metadata.version("waitress")
WHERE = "destinations/pardot/emulator/__init__.py and tests/http/conftest.py"
HINT = f"update {WHERE}, or keep the upper bound in pyproject.toml below this release"


def _parameters(function: Callable[..., Any]) -> list[str]:
    return list(inspect.signature(function).parameters)


def _hello(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"hello"]


def test_create_server_accepts_a_socket_map_and_a_dispatcher() -> None:
    parameters = _parameters(create_server)
    assert {"map", "_dispatcher"} <= set(parameters), (
        f"waitress {VERSION}: create_server's parameters are now {parameters}; the emulator passes map= and "
        f"_dispatcher=; {HINT}"
    )


def test_wasyncore_loop_and_close_all_keep_their_parameters() -> None:
    assert {"timeout", "map", "count"} <= set(_parameters(wasyncore.loop)), (
        f"waitress {VERSION}: wasyncore.loop; {HINT}"
    )
    assert {"map", "ignore_all"} <= set(_parameters(wasyncore.close_all)), (
        f"waitress {VERSION}: wasyncore.close_all; {HINT}"
    )


def test_the_dispatcher_sets_threads_and_shuts_down_with_a_timeout() -> None:
    assert "timeout" in _parameters(ThreadedTaskDispatcher.shutdown), (
        f"waitress {VERSION}: ThreadedTaskDispatcher.shutdown(timeout=) is gone; {HINT}"
    )
    workers = ThreadedTaskDispatcher()
    workers.set_thread_count(2)
    workers.shutdown(timeout=5)
    assert workers.threads == set(), f"waitress {VERSION}: shutdown(timeout=) no longer stops the workers; {HINT}"


def test_a_server_built_as_the_emulator_builds_it_serves_polls_and_closes() -> None:
    sockets: dict[int, Any] = {}
    workers = ThreadedTaskDispatcher()
    workers.set_thread_count(2)
    server = create_server(
        _hello, map=sockets, _dispatcher=workers, host="127.0.0.1", port=0, clear_untrusted_proxy_headers=True
    )
    stopping = threading.Event()

    def poll() -> None:
        while not stopping.is_set():
            wasyncore.loop(timeout=0.05, map=sockets, count=1)

    thread = threading.Thread(target=poll, daemon=True)
    thread.start()
    try:
        assert server._map is sockets and server.task_dispatcher is workers, (
            f"waitress {VERSION}: the server no longer keeps the map and dispatcher it was given; {HINT}"
        )
        port = int(server.effective_port)  # the emulator builds its base URL from it (a str in waitress 3)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as answer:
            assert answer.read() == b"hello"
    finally:
        stopping.set()
        thread.join(timeout=5)
        workers.shutdown(timeout=5)
        wasyncore.close_all(sockets)
    assert sockets == {}, f"waitress {VERSION}: close_all no longer empties the socket map; {HINT}"


def test_the_installed_version_is_within_the_pinned_range(assert_within_pins: Callable[[str, str], None]) -> None:
    assert_within_pins("waitress", VERSION)
