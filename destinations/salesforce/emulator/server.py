"""The emulator's HTTP side: Salesforce's REST and Bulk API 2.0 paths and the OAuth token endpoint.

Paths are Salesforce's (the instance's ``endpoint =`` replaces only the origin): ``/services/data/
v53.0/sobjects/<Object>[/<Id>]``, ``/query/?q=<SOQL>``, ``/jobs/ingest[/<id>[/batches]]`` and
``/services/oauth2/token``. A call without a token the emulator issued answers 401
``INVALID_SESSION_ID``; the refresh grant issues a new one for a known refresh token.

Faults (the shared ``destinations.emulation`` mix) make a seeded share of API calls fail: an HTTP
status (a 429 carries ``Retry-After: 1``), ``expire`` (the call's access token expires: it and every
later call carrying it answer 401 until the client refreshes) or ``reset`` (the connection dropped
unanswered).
The token endpoint is never faulted.
"""

from __future__ import annotations

import itertools
import json
import threading
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

from destinations.emulation import FaultMix, LoopbackServer

from .store import RecordStore, SOQLError, parse_lookup

__all__ = ["SalesforceEmulator", "EXPIRE", "RESET"]

EXPIRE, RESET = "expire", "reset"
API = "/services/data/v53.0/"
TOKEN_PATH = "/services/oauth2/token"


def _said(code: str, message: str) -> list[dict[str, str]]:
    return [{"message": message, "errorCode": code}]


class SalesforceEmulator(LoopbackServer):
    """A local Salesforce: records, bulk jobs, tokens; see the package docstring."""

    server_name = "Salesforce emulator"

    def __init__(self, *, access_tokens: tuple[str, ...] = (), refresh_tokens: tuple[str, ...] = (),
                 faults: str | None = None, seed: int | None = None) -> None:  # fmt: skip
        self.store = RecordStore()
        self._faults = FaultMix(faults, seed, named_kinds=(EXPIRE, RESET))
        self._lock = threading.Lock()
        self._access = set(access_tokens)
        self._refresh = set(refresh_tokens)
        self._jobs: dict[str, dict[str, Any]] = {}
        self._counter = itertools.count(1)
        self.calls: list[tuple[str, str, int, str]] = []  # (method, path, status, body) in arrival order

    def handler(self) -> type[BaseHTTPRequestHandler]:
        return _handler_for(self)

    def holdings(self) -> tuple[str, list[str], list[list[Any]]]:
        """What ``actions replay --show-emulator`` prints: every record held."""
        rows = self.store.rows()
        return f"Salesforce records: {len(rows)}", ["object", "Id", "fields"], rows

    def jobs(self) -> list[dict[str, Any]]:
        with self._lock:
            return [dict(job) for job in self._jobs.values()]

    # ---- answers: (status, body) ----

    def token(self, form: dict[str, str]) -> tuple[int, Any]:
        if form.get("grant_type") != "refresh_token" or form.get("refresh_token") not in self._refresh:
            return 400, {"error": "invalid_grant", "error_description": "expired access/refresh token"}
        fresh = f"emulator-access-{next(self._counter)}"
        with self._lock:
            self._access.add(fresh)
        return 200, {
            "access_token": fresh,
            "token_type": "Bearer",
            "instance_url": "https://emulator.my.salesforce.com",
        }

    def authorized(self, header: str | None) -> bool:
        with self._lock:
            return bool(header) and str(header).removeprefix("Bearer ") in self._access

    def draw_fault(self, header: str | None) -> str | None:
        """This call's fault; ``expire`` revokes the token the call carries (it answers 401)."""
        fault = self._faults.draw()
        if fault == EXPIRE:
            with self._lock:
                self._access.discard(str(header).removeprefix("Bearer "))
        return fault

    def api(self, method: str, path: str, body: str) -> tuple[int, Any]:
        """One REST or Bulk API call under ``API`` (``path`` is what follows it)."""
        parts = [unquote(part) for part in path.split("?")[0].strip("/").split("/")]
        if parts[0] == "query":
            return self._query(dict(parse_qsl(urlsplit(path).query)).get("q", ""))
        if parts[0] == "sobjects":
            return self._sobjects(method, parts[1:], body)
        if parts[:2] == ["jobs", "ingest"]:
            return self._bulk(method, parts[2:], body)
        return 404, _said("NOT_FOUND", "The requested resource does not exist")

    def _query(self, soql: str) -> tuple[int, Any]:
        try:
            sobject, tests, operator = parse_lookup(soql)
        except SOQLError as error:
            return 400, _said("MALFORMED_QUERY", str(error))
        found = self.store.find(sobject, tests, operator)
        return 200, {"totalSize": len(found), "done": True, "records": [{"Id": record_id} for record_id in found]}

    def _sobjects(self, method: str, parts: list[str], body: str) -> tuple[int, Any]:
        if not parts:
            return 200, {
                "sobjects": [{"name": name, "label": name, "createable": True} for name in self.store.objects()]
            }
        fields = json.loads(body) if body else {}
        if len(parts) == 1 and method == "POST":
            return 201, {"id": self.store.create(parts[0], fields), "success": True, "errors": []}
        if len(parts) == 2 and method == "PATCH":
            return (204, None) if self.store.update(parts[0], parts[1], fields) else _missing()
        if len(parts) == 2 and method == "DELETE":
            return (204, None) if self.store.delete(parts[0], parts[1]) else _missing()
        return 405, _said("METHOD_NOT_ALLOWED", f"{method} is not allowed here")

    def _bulk(self, method: str, parts: list[str], body: str) -> tuple[int, Any]:
        if not parts and method == "POST":
            spec = json.loads(body)
            job_id = f"750{next(self._counter):013d}"
            with self._lock:
                self._jobs[job_id] = {**spec, "id": job_id, "state": "Open", "csv": ""}
            return 200, {"id": job_id, "state": "Open", "object": spec.get("object")}
        with self._lock:
            job = self._jobs.get(parts[0]) if parts else None
        if job is None:
            return 404, _said("NOT_FOUND", "no such job")
        if parts[1:] == ["batches"] and method == "PUT":
            job["csv"] += body
            return 201, None
        if len(parts) == 1 and method == "PATCH" and json.loads(body or "{}").get("state") == "UploadComplete":
            processed, failed = self.store.apply_csv(job["object"], job["operation"], job.get("externalIdFieldName", ""),
                                                     job["csv"])  # fmt: skip
            job.update(state="JobComplete", numberRecordsProcessed=processed, numberRecordsFailed=failed)
            return 200, {key: value for key, value in job.items() if key != "csv"}
        if len(parts) == 1 and method == "GET":
            return 200, {key: value for key, value in job.items() if key != "csv"}
        return 405, _said("METHOD_NOT_ALLOWED", f"{method} is not allowed here")


def _missing() -> tuple[int, Any]:
    return 404, _said("NOT_FOUND", "The requested resource does not exist")


def _handler_for(emulator: SalesforceEmulator) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def _serve(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length).decode("utf-8", errors="replace") if length else ""
            status, answer = self._answer(body)
            emulator.calls.append((self.command, self.path, status, body))
            if status == 0:
                self.close_connection = True
                self.connection.close()
                return
            data = b"" if answer is None else json.dumps(answer).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            if status == 429:
                self.send_header("Retry-After", "1")
            self.end_headers()
            self.wfile.write(data)

        def _answer(self, body: str) -> tuple[int, Any]:
            if self.path.startswith(TOKEN_PATH):
                return emulator.token(dict(parse_qsl(body)))
            if not self.path.startswith(API):
                return 404, _said("NOT_FOUND", "The requested resource does not exist")
            fault = emulator.draw_fault(self.headers.get("Authorization"))
            if fault == RESET:
                return 0, None
            if fault and fault != EXPIRE:
                return int(fault), _said("EMULATED_FAULT", f"emulated {fault}")
            if not emulator.authorized(self.headers.get("Authorization")):
                return 401, _said("INVALID_SESSION_ID", "Session expired or invalid")
            return emulator.api(self.command, self.path[len(API) :], body)

        do_POST = do_PUT = do_PATCH = do_GET = do_DELETE = _serve

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base class's name
            """Quiet: ``calls`` is the log."""

    return Handler
