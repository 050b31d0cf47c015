"""Header size and read-time limits, and a client that hangs up mid-body (issue 18).

Raw sockets on loopback against the real server (uvicorn, httptools) and intake app: what a slow or
greedy client is answered, and that a disconnect leaves one log line and no traceback.
"""

from __future__ import annotations

import logging
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from framework.delivery import JobProducer, JobQueue
from framework.instance import DestinationInstance
from framework.intake import IntakeServer, WriteKeys, create_app
from framework.intake import app as intake_app
from framework.intake.http_limits import HeaderLimits
from tests.intake.conftest import WRITE_KEY

LIMITS = HeaderLimits(max_header_bytes=16 * 1024, header_timeout=0.5)


@pytest.fixture
def server(instance_file: Path, queue: JobQueue) -> Iterator[IntakeServer]:
    with DestinationInstance.from_file(instance_file) as instance:
        app = create_app(WriteKeys([(WRITE_KEY, JobProducer(instance))]), queue)
        with IntakeServer(app, "127.0.0.1", 0, header_limits=LIMITS) as running:
            yield running


def connect(server: IntakeServer) -> socket.socket:
    return socket.create_connection((server.host, server.port), timeout=10)


def answer(connection: socket.socket) -> bytes:
    received = b""
    while chunk := connection.recv(65536):
        received += chunk
    return received


def one_response(connection: socket.socket) -> bytes:
    """One whole answer (head and its Content-Length of body), however the server's writes are split."""
    received = b""
    while b"\r\n\r\n" not in received:
        chunk = connection.recv(65536)
        if not chunk:
            return received
        received += chunk
    head, _, body = received.partition(b"\r\n\r\n")
    length = next(
        (int(line.split(b":", 1)[1]) for line in head.split(b"\r\n") if line.lower().startswith(b"content-length:")),
        0,
    )
    while len(body) < length and (chunk := connection.recv(65536)):
        body += chunk
    return head + b"\r\n\r\n" + body


def test_a_header_block_over_the_limit_is_431_and_closed(server: IntakeServer) -> None:
    with connect(server) as connection:
        fillers = "".join(f"X-Filler-{number}: {'a' * 1024}\r\n" for number in range(20))  # 20 KB, unfinished
        connection.sendall(b"POST /v1/batch HTTP/1.1\r\nHost: x\r\n" + fillers.encode())
        assert answer(connection).startswith(b"HTTP/1.1 431 ")


def test_headers_still_arriving_after_the_timeout_get_408_and_closed(server: IntakeServer) -> None:
    with connect(server) as connection:
        connection.sendall(b"POST /v1/batch HTTP/1.1\r\nHost: x\r\n")
        started = time.monotonic()
        received = answer(connection)
        waited = time.monotonic() - started
    assert received.startswith(b"HTTP/1.1 408 ")
    assert waited < 5


def test_ordinary_requests_pass_the_limits(server: IntakeServer) -> None:
    import requests

    answered = requests.post(
        server.url + "/v1/identify",
        json={"userId": "u1", "traits": {"email": "u1@example.com"}},
        auth=(WRITE_KEY, ""),
        headers={"X-Padding": "p" * 4000},
        timeout=10,
    )
    assert answered.status_code == 200


def test_a_body_that_stops_arriving_is_answered_408(server: IntakeServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(intake_app, "BODY_READ_TIMEOUT", 0.5)
    with connect(server) as connection:
        connection.sendall(
            b'POST /v1/batch HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"ba'
        )
        received = one_response(connection)
    assert received.startswith(b"HTTP/1.1 408 ") and b"body_timeout" in received


def test_a_client_hanging_up_mid_body_leaves_one_line_and_no_traceback(
    server: IntakeServer, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO):
        with connect(server) as connection:
            connection.sendall(
                b"POST /v1/batch HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n" + b'{"batch": [' + b" " * 10
            )
            time.sleep(0.2)
        deadline = time.monotonic() + 5
        while "disconnected before sending the whole body" not in caplog.text and time.monotonic() < deadline:
            time.sleep(0.05)
    assert "disconnected before sending the whole body of /v1/batch" in caplog.text
    assert not [record for record in caplog.records if record.exc_info], caplog.text
