"""A real HTTP server on loopback (waitress in a thread) answering what the client tests ask for.

Routes: ``/echo`` returns the request as JSON; ``/status/<code>`` answers that status (``?retry_after=``
sets Retry-After); ``/text`` plain text; ``/bad-json`` a JSON content type with a broken body;
``/block`` waits until the test releases it (for timeouts, without timing anything).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterable, Iterator
from typing import Any
from urllib.parse import parse_qs

import pytest
from waitress import wasyncore
from waitress.server import create_server

StartResponse = Callable[..., Any]


class LoopbackApp:
    """The WSGI app; ``release`` unblocks ``/block`` requests."""

    def __init__(self) -> None:
        self.release = threading.Event()

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        path = environ["PATH_INFO"]
        query = parse_qs(environ.get("QUERY_STRING", ""))
        if path.startswith("/status/"):
            headers = [("Content-Type", "application/json")]
            if "retry_after" in query:
                headers.append(("Retry-After", query["retry_after"][0]))
            start_response(f"{path.rsplit('/', 1)[1]} Whatever", headers)
            return [
                json.dumps(
                    {
                        "error": "invalid_grant",
                        "error_description": "expired access/refresh token",
                        "access_token": "leaky-token-value",
                    }
                ).encode()
            ]
        if path == "/text":
            start_response("200 OK", [("Content-Type", "text/plain; charset=utf-8")])
            return ["héllo".encode()]
        if path == "/bad-json":
            start_response("200 OK", [("Content-Type", "application/json")])
            return [b"{not json"]
        if path == "/block":
            self.release.wait(30)
            start_response("200 OK", [("Content-Type", "text/plain")])
            return [b"late"]
        return self._echo(environ, start_response)

    def _echo(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length).decode("utf-8") if length else ""
        headers = {k[5:].replace("_", "-").title(): v for k, v in environ.items() if k.startswith("HTTP_")}
        if environ.get("CONTENT_TYPE"):
            headers["Content-Type"] = environ["CONTENT_TYPE"]
        echoed = {
            "method": environ["REQUEST_METHOD"],
            "path": environ["PATH_INFO"],
            "query": environ.get("QUERY_STRING", ""),
            "headers": headers,
            "body": body,
        }
        start_response("200 OK", [("Content-Type", "application/json; charset=utf-8")])
        return [json.dumps(echoed).encode()]


@pytest.fixture(scope="module")
def loopback() -> Iterator[tuple[str, LoopbackApp]]:
    """(origin, app) of a server on 127.0.0.1 with an ephemeral port."""
    app = LoopbackApp()
    server = create_server(app, host="127.0.0.1", port=0, threads=8)
    stopping = threading.Event()

    def serve() -> None:
        try:
            server.run()
        except (OSError, ValueError):
            if not stopping.is_set():  # closing the sockets under the loop may wake it with an error
                raise

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.effective_port}", app
    finally:
        app.release.set()
        stopping.set()
        server.close()
        wasyncore.close_all(server._map, ignore_all=True)  # kept-alive client connections end the loop too
        thread.join(timeout=5)


@pytest.fixture
def origin(loopback: tuple[str, LoopbackApp]) -> str:
    return loopback[0]
