"""The emulator's latency is the time from a request's arrival to its answer, its own work included."""

from __future__ import annotations

import io
import socket
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
import requests
from waitress import create_server, wasyncore
from waitress.task import ThreadedTaskDispatcher

from destinations.pardot.emulator import DEFAULT_ACCESS_TOKEN, DEFAULT_BUSINESS_UNIT, UPSERT_PATH, PardotEmulator
from destinations.pardot.emulator import wsgi as emulator_wsgi
from destinations.pardot.emulator.serving import ARRIVED_KEY, stamp_arrivals

HEADERS = {"Authorization": f"Bearer {DEFAULT_ACCESS_TOKEN}", "Pardot-Business-Unit-Id": DEFAULT_BUSINESS_UNIT}
BODY = b'{"matchEmail": "late@example.com", "prospect": {"email": "late@example.com"}}'
LATENCY = 10.0  # never waited for: the sleeps are recorded, not slept


def _environ(arrived: float) -> dict[str, Any]:
    return {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": UPSERT_PATH,
        "QUERY_STRING": "",
        "CONTENT_TYPE": "application/json",
        "CONTENT_LENGTH": str(len(BODY)),
        "HTTP_HOST": "127.0.0.1",
        "HTTP_AUTHORIZATION": HEADERS["Authorization"],
        "HTTP_PARDOT_BUSINESS_UNIT_ID": DEFAULT_BUSINESS_UNIT,
        "wsgi.input": io.BytesIO(BODY),
        ARRIVED_KEY: arrived,
    }


class _Clock:
    """``time.monotonic`` and ``time.sleep`` for the emulator: a sleep is recorded and moves the clock."""

    def __init__(self) -> None:
        self.slept: list[float] = []

    def monotonic(self) -> float:
        return time.monotonic() + sum(self.slept)

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)


@pytest.fixture
def sleeps(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """The emulator's sleeps, recorded instead of slept."""
    clock = _Clock()
    monkeypatch.setattr(emulator_wsgi, "time", clock)
    return clock.slept


def _call(emulator: PardotEmulator, environ: dict[str, Any]) -> str:
    statuses: list[str] = []
    emulator.app(environ, lambda status, headers: statuses.append(status))
    return statuses[0]


def test_a_request_that_waited_its_latency_before_the_app_is_answered_at_once(sleeps: list[float]) -> None:
    emulator = PardotEmulator(latency=LATENCY)
    assert _call(emulator, _environ(arrived=time.monotonic() - LATENCY)).startswith("200")
    assert sleeps == []


def test_the_emulators_work_counts_inside_the_latency(sleeps: list[float]) -> None:
    emulator = PardotEmulator(latency=LATENCY)
    arrived = time.monotonic() - 1.0  # the server took 1 s to hand the request over
    assert _call(emulator, _environ(arrived)).startswith("200")
    [slept] = sleeps
    assert LATENCY - 2.0 < slept < LATENCY - 1.0
    assert [p["email"] for p in emulator.prospects()] == ["late@example.com"]


def test_a_refused_request_also_waits_from_its_arrival(sleeps: list[float]) -> None:
    emulator = PardotEmulator(latency=LATENCY)
    environ = {**_environ(arrived=time.monotonic() - 1.0), "HTTP_AUTHORIZATION": "Bearer unknown"}
    assert _call(emulator, environ).startswith("401")
    [slept] = sleeps
    assert LATENCY - 2.0 < slept < LATENCY - 1.0


@pytest.mark.parametrize("email, status", [("in@example.com", "200"), ("not-an-address", "400")])
def test_the_latency_is_spent_inside_the_concurrency_gate(
    email: str, status: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    emulator = PardotEmulator(latency=LATENCY)
    in_flight_while_waiting: list[int] = []
    clock = _Clock()
    monkeypatch.setattr(clock, "sleep", lambda seconds: in_flight_while_waiting.append(emulator.in_flight()))
    monkeypatch.setattr(emulator_wsgi, "time", clock)
    environ = _environ(arrived=time.monotonic())
    body = f'{{"matchEmail": "{email}", "prospect": {{"email": "{email}"}}}}'.encode()
    environ.update({"wsgi.input": io.BytesIO(body), "CONTENT_LENGTH": str(len(body))})
    assert _call(emulator, environ).startswith(status)
    assert in_flight_while_waiting[0] == 1


@pytest.mark.parametrize("email, status", [("slow@example.com", 200), ("not-an-address", 400)])
def test_a_request_is_in_flight_for_its_latency(email: str, status: int) -> None:
    with PardotEmulator(latency=1.0) as emulator:
        answered: list[int] = []
        payload: dict[str, Any] = {"matchEmail": email, "prospect": {"email": email}}
        url = emulator.base_url + UPSERT_PATH
        call = threading.Thread(
            target=lambda: answered.append(requests.post(url, json=payload, headers=HEADERS, timeout=10).status_code)
        )
        call.start()
        assert emulator.wait_for_in_flight(1)
        call.join()
        assert answered == [status] and emulator.in_flight() == 0


# -- serving.py: waitress with arrival stamps and whole replies ------------------------------------------


@contextmanager
def _serve(app: Callable[..., Iterable[bytes]], stamped: bool) -> Iterator[int]:
    sockets: dict[int, Any] = {}
    workers = ThreadedTaskDispatcher()
    workers.set_thread_count(2)
    server = create_server(app, map=sockets, _dispatcher=workers, host="127.0.0.1", port=0)
    if stamped:
        stamp_arrivals(sockets)
    stop = threading.Event()

    def loop() -> None:
        while not stop.is_set():
            wasyncore.loop(timeout=0.05, map=sockets, count=1)

    thread = threading.Thread(target=loop, daemon=True)
    thread.start()
    try:
        yield server.effective_port
    finally:
        stop.set()
        thread.join(5)
        workers.shutdown(timeout=5)
        wasyncore.close_all(sockets)


def _exchange(port: int, request: bytes) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as conn:
        conn.sendall(request)
        received = b""
        while chunk := conn.recv(65536):
            received += chunk
        return received


def _without_date(response: bytes) -> bytes:
    return b"\r\n".join(line for line in response.split(b"\r\n") if not line.lower().startswith(b"date:"))


def test_the_arrival_is_stamped_before_the_app_is_called() -> None:
    seen: list[tuple[float, float]] = []

    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
        seen.append((environ[ARRIVED_KEY], time.monotonic()))
        start_response("200 OK", [("Content-Length", "2")])
        return [b"ok"]

    with _serve(app, stamped=True) as port:
        sent = time.monotonic()
        _exchange(port, b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    [(arrived, called)] = seen
    assert sent <= arrived <= called


@pytest.mark.parametrize(
    "chunks, headers",
    [
        ([b'{"id": 1}'], [("Content-Type", "application/json"), ("Content-Length", "9")]),
        ([b"one", b"two"], [("Content-Type", "text/plain")]),  # no length: waitress chunks it
        ([b""], [("Content-Length", "0")]),
    ],
)
def test_replies_are_the_same_bytes_as_plain_waitress_sends(chunks: list[bytes], headers: list[Any]) -> None:
    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterator[bytes]:
        start_response("200 OK", headers)
        yield from chunks

    request = b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
    replies = []
    for stamped in (False, True):
        with _serve(app, stamped) as port:
            replies.append(_without_date(_exchange(port, request)))
    assert replies[0] == replies[1]
    assert replies[1].startswith(b"HTTP/1.1 200 OK")
