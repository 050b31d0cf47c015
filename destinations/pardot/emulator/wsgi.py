"""The emulator's WSGI application: one app for the token endpoint, the Pardot API and inspection.

Routes (on any host, so an instance's origin override can point every request at one server):

* ``POST /services/oauth2/token`` - Salesforce's refresh-token grant;
* ``POST /api/v5/objects/prospects/do/upsertLatestByEmail`` - Pardot's upsert;
* ``/api/v5/imports…`` - the Import API (``imports``), counted like every API call;
* ``GET /_emulator/prospects`` - every prospect of a business unit (``?businessUnitId=``), as JSON;
* ``GET /_emulator/requests`` - the requests received so far;
* ``POST /_emulator/faults`` - inject a fault (``{"kind": "status", "status": 503, ...}``) or set the
  random fault mix (``{"mix": "500:0.1,reset:0.02", "seed": 7}``); ``GET`` shows both;
* ``GET /_emulator/stats`` - the counters of :mod:`.stats`; ``POST /_emulator/reset-stats`` zeroes them.

Checks on API requests follow pardot-v5.md §8 in this order: injected or random fault, method and path,
``Authorization: Bearer`` (401 code 49), token valid (401 code 184), business unit header (400 code
181), business unit known for this host (403 code 201), concurrency (code 66), daily quota (code 122),
then the body (150-152, 206-208, 4, 180).
"""

from __future__ import annotations

import base64
import json
import socket
import struct
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from http import HTTPStatus
from typing import Any
from urllib.parse import parse_qs

from ..client import TOKEN_PATH, UPSERT_PATH
from .fault_mix import CONCURRENCY_FAULT, FaultMix
from .faults import Fault, FaultQueue
from .imports import IMPORTS_PATH, ImportService
from .limits import ConcurrencyGate, DailyQuota
from .oauth import CONCURRENT_REFRESH, TokenAuthority, TokenError
from .responses import MESSAGES, PardotApiError, Reply, json_reply, xml_error_reply
from .serving import ARRIVED_KEY
from .stats import EmulatorCounters
from .store import ProspectStore, is_valid_email

__all__ = ["EmulatorApp", "ReceivedRequest", "UPSERT_PATH", "TOKEN_PATH", "environment_of_host"]

_AUTH_CODES = frozenset({49, 181, 184, 201})
_ACTION_ARGUMENTS = frozenset({"matchEmail", "prospect", "secondaryDeletedSearch", "fields"})
_HOST_ENVIRONMENTS = {
    "pi.pardot.com": "production",
    "login.salesforce.com": "production",
    "pi.demo.pardot.com": "sandbox",
    "test.salesforce.com": "sandbox",
}
_LOG_LIMIT = 10_000  # requests kept for inspection: long replays must not grow the emulator without bound
_INDEX = {
    "emulator": "Pardot v5 + Salesforce token endpoint (action-destinations)",
    "routes": {
        "POST " + TOKEN_PATH: "refresh-token grant (form-encoded)",
        "POST " + UPSERT_PATH: "upsert a prospect (JSON)",
        "GET /_emulator/prospects": "every prospect (?businessUnitId=)",
        "GET /_emulator/requests": "requests received so far",
        "POST /_emulator/faults": 'inject a fault, e.g. {"kind": "status", "status": 503, "count": 2}, '
        'or set the random mix, e.g. {"mix": "500:0.1,reset:0.02", "seed": 7}',
        "GET /_emulator/faults": "the random fault mix and the faults waiting to fire",
        "GET /_emulator/stats": "counters: api_calls, by_status, max_in_flight, faults_injected...",
        "POST /_emulator/reset-stats": "zero the counters",
    },
}
# The Pardot code a random status fault answers with (pardot-v5.md §4); 183 for any other status.
_STATUS_CODES = {401: 184, 403: 201, 404: 192, 405: 60, 504: 214}
_AFTER_WRITE_FAULTS = frozenset({"reset_after", "timeout_after"})
StartResponse = Callable[[str, list[tuple[str, str]]], Any]


def environment_of_host(host: str) -> str | None:
    """``production``/``sandbox`` for Pardot's and Salesforce's real hosts, None for anything else."""
    return _HOST_ENVIRONMENTS.get(host.split(":")[0].lower())


@dataclass
class ReceivedRequest:
    """One request as the emulator saw it (for tests and ``GET /_emulator/requests``)."""

    method: str
    host: str
    path: str
    query: str
    headers: dict[str, str]
    body: str


@dataclass
class EmulatorApp:
    """Routes requests to the token authority, the prospect stores and the limits."""

    authority: TokenAuthority
    stores: dict[str, ProspectStore]
    business_units: dict[str, str | None]  # unit id -> "production" | "sandbox" | None (either)
    gate: ConcurrencyGate
    quota: DailyQuota
    faults: FaultQueue = field(default_factory=FaultQueue)
    fault_mix: FaultMix = field(default_factory=FaultMix)
    counters: EmulatorCounters = field(default_factory=EmulatorCounters)
    latency: float = 0.0
    hold_limit: float = 30.0
    xml_auth_errors: bool = False  # answer auth failures as legacy XML 400/403, as older deployments did
    imports: ImportService = field(default_factory=ImportService)  # the Import API (imports.py)
    received: deque[ReceivedRequest] = field(default_factory=lambda: deque(maxlen=_LOG_LIMIT))

    def __post_init__(self) -> None:
        self._log_lock = threading.Lock()
        self._running = threading.Event()
        self._running.set()

    def received_requests(self) -> list[ReceivedRequest]:
        """A snapshot of the token and API requests logged so far, in arrival order."""
        with self._log_lock:
            return list(self.received)

    # -- pausing: tests line requests up without timing -----------------------------------------

    def pause(self) -> None:
        """Hold every API request and token refresh inside the server until :meth:`resume`."""
        self._running.clear()

    def resume(self) -> None:
        """Let held requests finish."""
        self._running.set()

    # -- WSGI entry ------------------------------------------------------------------------------

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        if environ.get(ARRIVED_KEY) is None:  # not served through serving.py: it arrives now, near enough
            environ[ARRIVED_KEY] = time.monotonic()
        request = self._receive(environ)
        reply = self._dispatch(environ, request)
        if reply is None:  # the connection was dropped; nothing will reach the client
            start_response("500 Internal Server Error", [("Content-Length", "0")])
            return [b""]
        start_response(f"{reply.status} {_reason(reply.status)}", reply.headers)
        return [reply.body]

    def _receive(self, environ: dict[str, Any]) -> ReceivedRequest:
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length).decode("utf-8", "replace") if length else ""
        headers = {k[5:].replace("_", "-").title(): v for k, v in environ.items() if k.startswith("HTTP_")}
        if environ.get("CONTENT_TYPE"):
            headers["Content-Type"] = environ["CONTENT_TYPE"]
        request = ReceivedRequest(
            environ["REQUEST_METHOD"],
            environ.get("HTTP_HOST", ""),
            environ.get("PATH_INFO", ""),
            environ.get("QUERY_STRING", ""),
            headers,
            body,
        )
        if not request.path.startswith("/_emulator/"):
            with self._log_lock:
                self.received.append(request)
        return request

    def stats(self) -> dict[str, Any]:
        """The counters described in :mod:`.stats`, as one JSON-ready dict."""
        counted = self.counters.snapshot()
        return {
            "api_calls": counted["api_calls"],
            "by_status": counted["by_status"],
            "max_in_flight": self.gate.peaks(),
            "in_flight_refused": self.gate.refused(),
            "prospects": {unit: store.count() for unit, store in self.stores.items()},
            "token_refreshes": counted["token_refreshes"],
            "faults_injected": counted["faults_injected"],
        }

    def reset_stats(self) -> None:
        """Zero the counters (prospects stay: their count is what the stores hold)."""
        self.counters.reset()
        self.gate.reset_counters()

    def _dispatch(self, environ: dict[str, Any], request: ReceivedRequest) -> Reply | None:
        if request.path == "/" and request.method == "GET":
            return json_reply(200, _INDEX)
        if request.path.startswith("/_emulator/"):
            return self._inspect(request)
        if request.path == TOKEN_PATH:
            return self._token_request(environ, request)
        return self._api_request(environ, request)

    def _token_request(self, environ: dict[str, Any], request: ReceivedRequest) -> Reply | None:
        fault = self.faults.take("token")
        if fault is None:
            return self._token(request, environ[ARRIVED_KEY])
        self.counters.count_fault(_fault_key(fault))
        reply = self._fire(fault)
        if reply is None:
            _reset_connection(environ)
        return reply

    def _api_request(self, environ: dict[str, Any], request: ReceivedRequest) -> Reply | None:
        """One Pardot API request: its fault (if any) decided first, the answer, then the latency floor."""
        arrived = environ[ARRIVED_KEY]
        self.counters.count_api_call()
        fault, after_write = self._next_api_fault()
        reply = self._fire(fault) if fault is not None else self._api_or_error(request, arrived)
        if after_write == "timeout_after":
            self.faults.hold(self.hold_limit)
        self._wait_until_answer_due(arrived)
        if reply is None or after_write == "reset_after":
            _reset_connection(environ)
            return None
        self._report_api_usage(request, reply)
        self.counters.count_api_answer(reply.status)
        return reply

    def _api_or_error(self, request: ReceivedRequest, arrived: float) -> Reply:
        try:
            return self._api(request, arrived)
        except PardotApiError as error:
            if self.xml_auth_errors and error.code in _AUTH_CODES:
                return xml_error_reply(403 if error.status == 403 else 400, error.code, error.message)
            return error.reply()

    def _wait_until_answer_due(self, arrived: float) -> None:
        """Hold the answer until ``latency`` seconds after the request arrived, unless that has passed.

        The latency is the time from the request's arrival to its answer, the emulator's own work
        included (not added on top): every API request, refused and faulted ones too, and every token
        refresh.
        """
        remaining = self.latency - (time.monotonic() - arrived)
        if remaining > 0:
            time.sleep(remaining)

    def _report_api_usage(self, request: ReceivedRequest, reply: Reply) -> None:
        """``x-api-usage: used/max`` on the answer when the request asked (pardot-v5.md §3)."""
        if request.headers.get("X-Return-Api-Usage", "").lower() not in ("1", "true"):
            return
        unit = request.headers.get("Pardot-Business-Unit-Id", "")
        if unit in self.business_units:
            reply.headers.append(("x-api-usage", f"{self.quota.used(unit)}/{self.quota.limit}"))

    # -- faults ------------------------------------------------------------------------------------

    def _next_api_fault(self) -> tuple[Fault | None, str | None]:
        """The fault answering this request instead of Pardot, and the after-write fault, if any.

        Decided before anything else happens to the request, so a fault that answers an error never
        writes a prospect; ``expire`` acts here too (the request then meets an expired token).
        """
        queued = self.faults.take("api")
        if queued is not None:
            self.counters.count_fault(_fault_key(queued))
            return queued, None
        kind = self.fault_mix.draw()
        if kind is None:
            return None, None
        self.counters.count_fault(kind)
        if kind == "expire":
            self.authority.expire_all()
            return None, None
        if kind in _AFTER_WRITE_FAULTS:
            return None, kind
        return self._random_fault(kind), None

    def _random_fault(self, kind: str) -> Fault:
        if kind in ("reset", "timeout"):
            return Fault(kind)
        if kind == CONCURRENCY_FAULT:
            return Fault("status", status=self.gate.status, body={"code": 66, "message": MESSAGES[66]})
        if kind == "429":
            return Fault("rate_limit", retry_after="1")
        code = _STATUS_CODES.get(int(kind), 183)
        return Fault("status", status=int(kind), body={"code": code, "message": MESSAGES[code]})

    def _fire(self, fault: Fault) -> Reply | None:
        """The answer ``fault`` gives, or None when the connection is to be dropped."""
        if fault.kind == "reset":
            return None
        if fault.kind == "timeout":
            self.faults.hold(self.hold_limit)
            return json_reply(504, {"code": 214, "message": MESSAGES[214]})
        if fault.kind == "xml_auth":
            return xml_error_reply(fault.status or 403, 201)
        if fault.kind == "refresh_conflict":
            return _token_error_reply(TokenError("invalid_grant", fault.description or CONCURRENT_REFRESH))
        if fault.kind == "rate_limit":
            reply = json_reply(429, fault.body or {"code": 66, "message": "Too many requests"})
            reply.headers.append(("Retry-After", fault.retry_after or "1"))
            return reply
        return _status_reply(fault)

    # -- Salesforce token endpoint ---------------------------------------------------------------------

    def _token(self, request: ReceivedRequest, arrived: float) -> Reply:
        if request.method != "POST":
            return _token_error_reply(TokenError("invalid_request", "must use HTTP POST", 400))
        form = {k: v[0] for k, v in parse_qs(request.body, keep_blank_values=True).items()}
        form.update(_basic_client_credentials(request.headers.get("Authorization", "")))
        try:
            refresh_token = self.authority.begin_refresh(form)
        except TokenError as error:
            return _token_error_reply(error)
        self._wait_while_paused()
        self._wait_until_answer_due(arrived)
        environment = environment_of_host(request.host)
        instance_url = "https://emulator.my.salesforce.com"
        grant = self.authority.finish_refresh(refresh_token, environment, instance_url)
        self.counters.count_token_refresh()
        return json_reply(200, grant)

    # -- Pardot API ----------------------------------------------------------------------------------

    def _api(self, request: ReceivedRequest, arrived: float) -> Reply:
        importing = request.path.startswith(IMPORTS_PATH)
        if request.path != UPSERT_PATH and not importing:
            raise PardotApiError(404, 192)
        if request.method != "POST" and not importing:
            raise PardotApiError(405, 60)
        environment = environment_of_host(request.host)
        self._authenticate(request.headers.get("Authorization", ""), environment)
        unit = self._business_unit(request.headers.get("Pardot-Business-Unit-Id"), environment)
        with self.gate.enter(unit):  # held until the answer is due: the latency counts as in flight
            self.quota.spend(unit)
            self._wait_while_paused()
            try:
                if importing:
                    return self.imports.handle(unit, self.stores[unit], request.method, request.path, request.body)
                return self._upsert(unit, request)
            finally:  # a body refused (code 4, 150, 180...) is in flight for its latency too
                self._wait_until_answer_due(arrived)

    def _authenticate(self, authorization: str, environment: str | None) -> None:
        scheme, _, token = authorization.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise PardotApiError(401, 49)
        if not self.authority.is_valid(token.strip(), environment):
            raise PardotApiError(401, 184)

    def _business_unit(self, unit: str | None, environment: str | None) -> str:
        if not unit:
            raise PardotApiError(400, 181, "A required header is missing: Pardot-Business-Unit-Id")
        if unit not in self.business_units:
            raise PardotApiError(403, 201)
        expected = self.business_units[unit]
        if None not in (expected, environment) and expected != environment:
            raise PardotApiError(403, 201)
        return unit

    def _upsert(self, unit: str, request: ReceivedRequest) -> Reply:
        arguments = _action_arguments(request)
        match_email, prospect = arguments["matchEmail"], arguments["prospect"]
        if not is_valid_email(match_email):
            raise PardotApiError(400, 4)
        outcome = self.stores[unit].upsert(match_email, prospect, arguments.get("secondaryDeletedSearch", False))
        wanted = arguments.get("fields") or _query_fields(request.query)
        body = {"id": outcome.prospect["id"], "email": outcome.prospect["email"]}
        body.update({name: outcome.prospect.get(name) for name in wanted})
        return json_reply(200, body)

    def _wait_while_paused(self) -> None:
        if not self._running.is_set():
            self._running.wait(self.hold_limit)

    # -- inspection ------------------------------------------------------------------------------------

    def _inspect(self, request: ReceivedRequest) -> Reply:
        query = {k: v[0] for k, v in parse_qs(request.query).items()}
        if request.path == "/_emulator/prospects" and request.method == "GET":
            unit = query.get("businessUnitId") or next(iter(self.stores))
            if unit not in self.stores:
                return json_reply(404, {"error": f"unknown business unit {unit}"})
            return json_reply(200, self.stores[unit].all())
        if request.path == "/_emulator/requests" and request.method == "GET":
            return json_reply(200, [asdict(r) for r in self.received_requests()])
        if request.path == "/_emulator/faults" and request.method == "POST":
            return self._control_faults(request.body)
        if request.path == "/_emulator/faults" and request.method == "GET":
            pending = [asdict(fault) for fault in self.faults.pending()]
            return json_reply(200, {"mix": self.fault_mix.current(), "pending": pending})
        if request.path == "/_emulator/stats" and request.method == "GET":
            return json_reply(200, self.stats())
        if request.path == "/_emulator/reset-stats" and request.method == "POST":
            self.reset_stats()
            return json_reply(200, self.stats())
        return json_reply(404, {"error": f"no emulator route {request.method} {request.path}"})

    def _control_faults(self, body: str) -> Reply:
        """``{"mix": ..., "seed": N}`` sets the random mix; anything else is one fault to inject."""
        try:
            control = json.loads(body or "{}")
            if not isinstance(control, dict):
                raise ValueError('send a JSON object: {"kind": ...} or {"mix": ..., "seed": N}')
            if "mix" in control:
                mix = self.fault_mix.set(control["mix"], _seed(control.get("seed")))
                return json_reply(200, {"mix": mix})
            fault = self.faults.add(Fault(**control))
        except (TypeError, ValueError) as error:
            return json_reply(400, {"error": str(error)})
        return json_reply(201, asdict(fault))


def _seed(value: Any) -> int | None:
    if value is None or (isinstance(value, int) and not isinstance(value, bool)):
        return value
    raise ValueError(f"seed must be a whole number, got {value!r}")


def _fault_key(fault: Fault) -> str:
    """How ``faults_injected`` names a fault: the status for a status fault, else its kind."""
    return str(fault.status or 500) if fault.kind == "status" else fault.kind


def _reason(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Status"


def _action_arguments(request: ReceivedRequest) -> dict[str, Any]:
    """The upsert's JSON arguments, checked the way v5 record actions check them."""
    if "application/json" not in request.headers.get("Content-Type", ""):
        raise PardotApiError(400, 151)
    if not request.body.strip():
        raise PardotApiError(400, 152)
    try:
        arguments = json.loads(request.body)
    except ValueError:
        raise PardotApiError(400, 150) from None
    if not isinstance(arguments, dict):
        raise PardotApiError(400, 150)
    _check_arguments(arguments)
    return arguments


def _check_arguments(arguments: dict[str, Any]) -> None:
    unknown = sorted(set(arguments) - _ACTION_ARGUMENTS)
    if unknown:
        raise PardotApiError(400, 208, f"Unknown action argument: {', '.join(unknown)}")
    for name, kind in (("matchEmail", str), ("prospect", dict)):
        if name not in arguments:
            raise PardotApiError(400, 207, f"Missing required action argument: {name}")
        if not isinstance(arguments[name], kind):
            raise PardotApiError(400, 206, f"Invalid action argument value: {name}")
    if not isinstance(arguments.get("secondaryDeletedSearch", False), bool):
        raise PardotApiError(400, 206, "Invalid action argument value: secondaryDeletedSearch")
    fields = arguments.get("fields", [])
    if not isinstance(fields, list) or not all(isinstance(f, str) for f in fields):
        raise PardotApiError(400, 206, "Invalid action argument value: fields")


def _query_fields(query: str) -> list[str]:
    values = parse_qs(query).get("fields", [])
    return [name.strip() for value in values for name in value.split(",") if name.strip()]


def _basic_client_credentials(authorization: str) -> dict[str, str]:
    """Client id and secret from ``Authorization: Basic`` (Salesforce accepts them there too)."""
    scheme, _, encoded = authorization.partition(" ")
    if scheme.lower() != "basic":
        return {}
    try:
        client_id, _, secret = base64.b64decode(encoded).decode("utf-8").partition(":")
    except ValueError:
        return {}
    return {"client_id": client_id, "client_secret": secret}


def _token_error_reply(error: TokenError) -> Reply:
    return json_reply(error.status, {"error": error.error, "error_description": error.description})


def _status_reply(fault: Fault) -> Reply:
    status = fault.status or 500
    if fault.content_type.startswith("application/json"):
        body = fault.body if fault.body is not None else {"code": 183, "message": "Internal error, please retry"}
        reply = json_reply(status, body)
    else:
        reply = Reply(status, str(fault.body or "").encode("utf-8"), [("Content-Type", fault.content_type)])
    if fault.retry_after is not None:
        reply.headers.append(("Retry-After", fault.retry_after))
    reply.headers.extend(fault.headers.items())
    return reply


def _reset_connection(environ: dict[str, Any]) -> None:
    """Drop the client's connection with no answer: the nearest a WSGI app gets to a TCP reset.

    waitress exposes its channel through ``waitress.client_disconnected``; a zero linger makes the
    close abortive (RST) and the shutdown ends the exchange before any byte of a response is sent.
    """
    check = environ.get("waitress.client_disconnected")
    sock = getattr(getattr(check, "__self__", None), "socket", None)
    if sock is None:
        raise ConnectionAbortedError("connection reset requested outside waitress")
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
