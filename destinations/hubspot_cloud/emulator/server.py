"""The emulator's HTTP side: loopback server, OAuth tokens, the shared fault mix, latency, holdings.

Every API call needs ``authorization: Bearer <token>`` with a token the emulator issued or was
primed with (else 401, so the destination refreshes); ``POST /oauth/v1/token`` trades the primed
refresh token for a new access token. Faults (``destinations.emulation``'s mix) are drawn per API
call: an HTTP status (a 429 carries ``Retry-After: 1``), ``reset`` (connection dropped unanswered)
or ``expire`` (every access token stops working, then 401).
"""

from __future__ import annotations

import argparse
import itertools
import json
import threading
import time
from collections.abc import Mapping, Sequence
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

from destinations.emulation import FaultMix, LoopbackServer, drop_connection, serve_in_foreground, write_answer

from .routes import Call, route
from .store import HubSpotStore

__all__ = ["HubSpotEmulator", "start_hubspot_emulator", "main"]

RESET, EXPIRE = "reset", "expire"
TOKEN_PATH = "/oauth/v1/token"


class HubSpotEmulator(LoopbackServer):
    """A stateful HubSpot on loopback; ``store`` holds what it was sent."""

    server_name = "HubSpot emulator"

    def __init__(self, *, access_token: str = "emulator-access-token", refresh_token: str = "emulator-refresh-token",
                 portal_id: str = "123", group_id_property: bool = True, faults: str | Mapping[str, float] | None = None,
                 seed: int | None = None, latency: float = 0.0) -> None:  # fmt: skip
        self.store = HubSpotStore(portal_id=portal_id, group_id_property=group_id_property)
        self.latency = latency
        self.refresh_token = refresh_token
        self.calls: list[tuple[str, str, int]] = []  # (method, path, status) in arrival order
        self._tokens = {access_token}
        self._issued = itertools.count(1)
        self._faults = FaultMix(faults, seed, named_kinds=(RESET, EXPIRE))
        self._lock = threading.Lock()

    def handler(self) -> type[BaseHTTPRequestHandler]:
        """The request handler serving this emulator."""
        return _handler_for(self)

    def set_faults(self, spec: str | Mapping[str, float] | None, seed: int | None = None) -> dict[str, float]:
        """Replace the fault mix (tests turn faults off to let a run settle)."""
        return self._faults.set(spec, seed)

    def holdings(self) -> tuple[str, list[str], list[list[Any]]]:
        """Contacts and companies held, for ``actions replay --show-emulator``."""
        store = self.store
        rows = [
            ["contact", key, props.get("email"), props.get("lifecyclestage")] for key, props in store.contacts.items()
        ]
        rows += [
            ["company", key, props.get("segment_group_id"), props.get("name")] for key, props in store.companies.items()
        ]
        rows += [[object_type, key, "", str(props)[:60]] for object_type, held in store.objects.items()
                 for key, props in held.items()]  # fmt: skip
        title = f"HubSpot emulator: {len(store.contacts)} contacts, {len(store.companies)} companies, {len(store.events)} events"
        return title, ["record", "id", "key", "detail"], rows

    def authorised(self, header: str | None) -> bool:
        with self._lock:
            return bool(header) and str(header).removeprefix("Bearer ") in self._tokens

    def issue_token(self, form: dict[str, str]) -> tuple[int, Any]:
        """The refresh-token grant: a new access token for the primed refresh token."""
        if form.get("grant_type") != "refresh_token" or form.get("refresh_token") != self.refresh_token:
            return 400, {"status": "BAD_REFRESH_TOKEN", "message": "missing or unknown refresh token"}
        token = f"emulated-access-{next(self._issued)}"
        with self._lock:
            self._tokens.add(token)
        return 200, {
            "access_token": token,
            "refresh_token": self.refresh_token,
            "expires_in": 1800,
            "token_type": "bearer",
        }

    def expire_tokens(self) -> None:
        with self._lock:
            self._tokens.clear()

    def next_fault(self) -> str | None:
        return self._faults.draw()

    def note(self, method: str, path: str, status: int) -> None:
        with self._lock:
            self.calls.append((method, path, status))


def _answer_for(
    emulator: HubSpotEmulator, method: str, target: str, headers: Any, raw: bytes
) -> tuple[int, Any] | None:
    """The (status, body) to answer, or None to drop the connection (fault ``reset``)."""
    parts = urlsplit(target)
    if method == "POST" and parts.path == TOKEN_PATH:
        return emulator.issue_token(dict(parse_qsl(raw.decode("utf-8", errors="replace"))))
    fault = emulator.next_fault()
    if fault == RESET:
        return None
    if fault == EXPIRE:
        emulator.expire_tokens()
    if not emulator.authorised(headers.get("authorization")):
        return 401, {
            "status": "error",
            "message": "Authentication credentials not found.",
            "category": "INVALID_AUTHENTICATION",
        }
    if fault is not None and fault != EXPIRE:
        return int(fault), {"status": "error", "message": f"emulated {fault}", "category": "EMULATED"}
    try:
        body = json.loads(raw) if raw else None
    except ValueError:
        return 400, {"status": "error", "message": "Invalid input JSON", "category": "VALIDATION_ERROR"}
    path = "/".join(unquote(segment) for segment in parts.path.split("/"))
    return route(emulator.store, Call(method, path, dict(parse_qsl(parts.query)), body))


def _handler_for(emulator: HubSpotEmulator) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def _serve(self) -> None:
            raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            if emulator.latency:
                time.sleep(emulator.latency)
            answer = _answer_for(emulator, self.command, self.path, self.headers, raw)
            emulator.note(self.command, self.path, 0 if answer is None else answer[0])
            if answer is None:
                drop_connection(self)
                return
            status, body = answer
            write_answer(
                self, status, b"" if body is None else json.dumps(body).encode(), "application/json;charset=utf-8"
            )

        do_POST = do_PUT = do_PATCH = do_GET = do_DELETE = _serve

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base class's name
            """Quiet: ``calls`` and the store are the log."""

    return Handler


def start_hubspot_emulator(auth: Mapping[str, Any] | None = None, settings: Mapping[str, Any] | None = None,
                           **options: Any) -> HubSpotEmulator:  # fmt: skip
    """A started emulator primed with an instance's tokens and Hub ID (``options``: faults, seed, latency)."""
    auth, settings = auth or {}, settings or {}
    primed: dict[str, Any] = {key: str(auth[key]) for key in ("access_token", "refresh_token") if auth.get(key)}
    if settings.get("portalId"):
        primed["portal_id"] = str(settings["portalId"])
    primed.update({key: options[key] for key in ("faults", "seed", "latency", "group_id_property") if key in options})
    return HubSpotEmulator(**primed).start()


def main(argv: Sequence[str] | None = None) -> int:
    """``actions emulate hubspot_cloud [--port N] [--faults MIX] [--seed S] [--latency S]``."""
    parser = argparse.ArgumentParser(prog="actions emulate hubspot_cloud", description="A local, stateful HubSpot.")
    parser.add_argument("--port", type=int, default=8788)
    parser.add_argument("--faults", default=None, help="e.g. 500:0.1,429:0.05,reset:0.02,expire:0.01")
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--latency", type=float, default=0.0, help="seconds before each answer")
    args = parser.parse_args(list(argv) if argv is not None else None)
    emulator = HubSpotEmulator(faults=args.faults, seed=args.seed, latency=args.latency).start(port=args.port)
    banner = (
        "HubSpot emulator at {base_url}; token emulator-access-token, refresh emulator-refresh-token (Ctrl-C stops)"
    )
    return serve_in_foreground(emulator, banner)
