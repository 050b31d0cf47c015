"""A local stand-in for the Pardot v5 API and the Salesforce token endpoint, served by waitress.

One server answers both the token endpoint and the API, on any host name, so pointing an instance's
``endpoint`` (the request client's origin override) at it sends every request of the destination
there. What it emulates, with the confidence the research gives it, is in
``/work/shared/reference/pardot-v5.md`` §8; the rules are in the modules beside this one.

>>> with PardotEmulator(custom_fields=["Tier__c"]) as emulator:      # doctest: +SKIP
...     requests.post(emulator.base_url + UPSERT_PATH, ...)
...     emulator.prospects()

From a shell (the ``actions emulate pardot`` command calls :func:`main`)::

    python -m destinations.pardot.emulator --port 8080 --faults "500:0.1,reset:0.02" --seed 7

Primed for an instance's config (what ``actions replay --emulator`` runs): :func:`start_for_instance`.
The user guide is ``docs/pardot-emulator.md``.
"""

from __future__ import annotations

import argparse
import errno
import logging
import sys
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import UTC, datetime, tzinfo
from typing import Any

from waitress import create_server, wasyncore
from waitress.task import ThreadedTaskDispatcher

from framework.cli.arg_types import port_number

from .fault_mix import FaultMix, parse_fault_mix
from .faults import FAULT_KINDS, Fault
from .for_instance import RunningPardotEmulator, start_for_instance
from .limits import ConcurrencyGate, DailyQuota
from .oauth import TokenAuthority
from .serving import stamp_arrivals
from .store import ProspectStore
from .wsgi import TOKEN_PATH, UPSERT_PATH, EmulatorApp, ReceivedRequest

__all__ = [
    "PardotEmulator",
    "Fault",
    "FAULT_KINDS",
    "ReceivedRequest",
    "RunningPardotEmulator",
    "start_for_instance",
    "parse_fault_mix",
    "serve",
    "main",
    "UPSERT_PATH",
    "TOKEN_PATH",
    "DEFAULT_BUSINESS_UNIT",
    "DEFAULT_CLIENT_ID",
    "DEFAULT_CLIENT_SECRET",
    "DEFAULT_REFRESH_TOKEN",
    "DEFAULT_ACCESS_TOKEN",
]

DEFAULT_BUSINESS_UNIT = "0Uv000000000001AAA"
DEFAULT_CLIENT_ID = "emulator-client-id"
DEFAULT_CLIENT_SECRET = "emulator-client-secret"
DEFAULT_REFRESH_TOKEN = "emulator-refresh-token"
DEFAULT_ACCESS_TOKEN = "emulator-access-token"
# More than the concurrency limit, so the sixth request reaches the gate. A request held by a
# timeout fault gets a spare thread for as long as it is held, so holds never starve the rest.
_WORKER_THREADS = 16


class PardotEmulator:
    """The emulator's Python API: configure credentials, limits and faults; start; inspect.

    Business units map to the environment whose hosts may use them (``"production"``,
    ``"sandbox"``, or None for either); the environment is only checked when a request names a real
    Pardot/Salesforce host in ``Host``. ``xml_auth_errors`` answers authentication failures (codes
    49, 181, 184, 201) as legacy XML with 400/403, the way older Pardot deployments did.

    ``faults`` is a random fault mix (``"500:0.1,reset:0.02"`` or ``{"500": 0.1}``, see
    :mod:`.fault_mix`) drawn once per API request, reproducibly when ``seed`` is given. A fault that
    answers an error is decided before the prospect store is touched; ``reset_after`` and
    ``timeout_after`` act after the write. ``timeout_hold`` is how long a ``timeout`` fault (and
    :meth:`pause`) holds a request; stopping the emulator releases held requests at once.
    ``latency`` is the time from a request's arrival to its answer, for every API request and token
    refresh: the emulator's own work is inside it, not added to it (an API answered in 50 ms is
    ready 50 ms after the request came in). Its concurrency gate counts a request in flight for all
    of it. A request held by :meth:`pause` or a ``timeout`` fault is answered when released, as
    late as it had to be and no later.
    """

    def __init__(
        self,
        *,
        business_units: Mapping[str, str | None] | Iterable[str] = (DEFAULT_BUSINESS_UNIT,),
        clients: Mapping[str, str] | None = None,
        refresh_tokens: Mapping[str, str] | None = None,
        access_tokens: Iterable[str] = (DEFAULT_ACCESS_TOKEN,),
        custom_fields: Iterable[str] = (),
        concurrency_limit: int = 5,
        concurrency_status: int = 400,
        daily_limit: int = 100_000,
        daily_limit_status: int = 429,
        quota_timezone: tzinfo = UTC,
        token_ttl: float = 7200.0,
        rotate_refresh_tokens: bool = False,
        ampsea: bool = True,
        latency: float = 0.0,
        xml_auth_errors: bool = False,
        clock: Callable[[], datetime] | None = None,
        faults: str | Mapping[str, float] | None = None,
        seed: int | None = None,
        timeout_hold: float = 30.0,
    ) -> None:
        units = dict(business_units) if isinstance(business_units, Mapping) else dict.fromkeys(business_units)
        self.authority = TokenAuthority(ttl=token_ttl, rotate_refresh_tokens=rotate_refresh_tokens, clock=clock)
        self._seed_credentials(clients, refresh_tokens, access_tokens)
        self.app = EmulatorApp(
            authority=self.authority,
            stores={unit: ProspectStore(custom_fields, ampsea=ampsea, clock=clock) for unit in units},
            business_units=units,
            gate=ConcurrencyGate(concurrency_limit, status=concurrency_status),
            quota=DailyQuota(daily_limit, status=daily_limit_status, tz=quota_timezone, clock=clock),
            fault_mix=FaultMix(faults, seed),
            latency=latency,
            hold_limit=timeout_hold,
            xml_auth_errors=xml_auth_errors,
        )
        self._server: Any = None
        self._thread: threading.Thread | None = None
        self._stopping = threading.Event()
        self.base_url = ""

    def _seed_credentials(
        self, clients: Mapping[str, str] | None, refresh_tokens: Mapping[str, str] | None, access_tokens: Iterable[str]
    ) -> None:
        for client_id, secret in (clients or {DEFAULT_CLIENT_ID: DEFAULT_CLIENT_SECRET}).items():
            self.authority.add_client(client_id, secret)
        for refresh_token, client_id in (refresh_tokens or {DEFAULT_REFRESH_TOKEN: DEFAULT_CLIENT_ID}).items():
            self.authority.add_refresh_token(refresh_token, client_id)
        for access_token in access_tokens:
            self.authority.add_access_token(access_token)

    # -- lifecycle ---------------------------------------------------------------------------------

    def start(self, host: str = "127.0.0.1", port: int = 0) -> str:
        """Serve in a background thread and return the base URL (``port=0`` picks a free port)."""
        if self._server is not None:
            raise RuntimeError(f"the emulator is already serving at {self.base_url}")
        self._server = _create_server(self.app, host, port)
        workers = self._server.task_dispatcher
        self.app.faults.open(on_held_change=lambda held: workers.set_thread_count(_WORKER_THREADS + held))
        self.base_url = f"http://{host}:{self._server.effective_port}"
        self._stopping.clear()
        self._thread = threading.Thread(target=self._serve_until_stopped, name="pardot-emulator", daemon=True)
        self._thread.start()
        return self.base_url

    def _serve_until_stopped(self) -> None:
        # Poll the socket map ourselves so that stopping closes the sockets from this same thread.
        while not self._stopping.is_set():
            wasyncore.loop(timeout=0.05, map=self._server._map, count=1)
        self._server.task_dispatcher.shutdown(timeout=5)
        wasyncore.close_all(self._server._map)

    def stop(self) -> None:
        """Stop serving; held requests are released first so no worker thread is left waiting."""
        if self._server is None:
            return
        self.app.resume()
        self.app.faults.close()
        self._stopping.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
        self._server = self._thread = None

    def __enter__(self) -> PardotEmulator:
        if self._server is None:
            self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    # -- configuration -------------------------------------------------------------------------------

    def add_client(self, client_id: str, client_secret: str) -> None:
        """Register a connected app (consumer key and secret) for the token endpoint."""
        self.authority.add_client(client_id, client_secret)

    def add_refresh_token(self, refresh_token: str, client_id: str = DEFAULT_CLIENT_ID) -> None:
        """Register a refresh token granted to ``client_id``."""
        self.authority.add_refresh_token(refresh_token, client_id)

    def add_access_token(self, access_token: str, environment: str | None = None) -> None:
        """Register an access token the API accepts until it expires."""
        self.authority.add_access_token(access_token, environment)

    def expire_tokens(self) -> None:
        """Expire every access token issued so far: the next API call answers 401 code 184."""
        self.authority.expire_all()

    def add_custom_field(self, name: str, business_unit: str | None = None) -> None:
        """Define a custom prospect field (its API name must end in ``__c``)."""
        self._store(business_unit).define_custom_field(name)

    def seed_prospect(
        self,
        email: str,
        *,
        business_unit: str | None = None,
        deleted: bool = False,
        last_activity_at: str | None = None,
        **fields: Any,
    ) -> int:
        """Add a prospect as it exists before a test (``last_activity_at`` is ISO-8601 UTC); its id."""
        return self._store(business_unit).seed(email, deleted=deleted, last_activity_at=last_activity_at, **fields)

    @property
    def latency(self) -> float:
        """Seconds from a request's arrival to its answer, for every API call and token refresh."""
        return self.app.latency

    @latency.setter
    def latency(self, seconds: float) -> None:
        self.app.latency = seconds

    # -- faults --------------------------------------------------------------------------------------

    def inject(self, kind: str, *, count: int = 1, target: str = "api", **options: Any) -> Fault:
        """Make the next ``count`` requests to ``target`` fail as ``kind`` (see ``faults``)."""
        return self.app.faults.add(Fault(kind, target=target, count=count, **options))

    def clear_faults(self) -> None:
        """Drop faults that have not fired yet."""
        self.app.faults.clear()

    def release_timeouts(self) -> None:
        """Answer requests held by ``timeout`` faults right now (with a 504)."""
        self.app.faults.release_all()

    def wait_for_held_requests(self, count: int, timeout: float = 10.0) -> bool:
        """Block until ``count`` requests are held by ``timeout``/``timeout_after`` faults."""
        return self.app.faults.wait_for_held(count, timeout)

    def set_fault_mix(self, faults: str | Mapping[str, float] | None, seed: int | None = None) -> dict[str, float]:
        """Replace the random fault mix (None or ``""`` for none), reseeding when ``seed`` is given.

        Raises ValueError naming the bad item, e.g. for a probability outside 0..1.
        """
        return self.app.fault_mix.set(faults, seed)

    def fault_mix(self) -> dict[str, float]:
        """The random fault probabilities in force, by kind."""
        return self.app.fault_mix.current()

    def pause(self) -> None:
        """Hold API calls (inside the concurrency gate) and token refreshes until :meth:`resume`."""
        self.app.pause()

    def resume(self) -> None:
        """Let held requests finish."""
        self.app.resume()

    # -- inspection ----------------------------------------------------------------------------------

    def prospects(self, business_unit: str | None = None) -> list[dict[str, Any]]:
        """Every prospect of the unit (the first configured one by default), deleted ones included."""
        return self._store(business_unit).all()

    def requests(self) -> list[ReceivedRequest]:
        """Token and API requests received so far (the last 10,000), in arrival order."""
        return self.app.received_requests()

    def in_flight(self, business_unit: str | None = None) -> int:
        """API requests of the unit being served right now."""
        return self.app.gate.in_flight(business_unit or self._default_unit())

    def wait_for_in_flight(self, count: int, business_unit: str | None = None, timeout: float = 10.0) -> bool:
        """Block until ``count`` API requests of the unit are held in the server (after :meth:`pause`)."""
        return self.app.gate.wait_for(business_unit or self._default_unit(), count, timeout)

    def refreshes_in_flight(self) -> int:
        """Token refreshes begun and not yet answered."""
        return self.authority.refreshes_in_flight()

    def wait_for_refreshes(self, count: int, timeout: float = 10.0) -> bool:
        """Block until ``count`` token refreshes are held in the server (after :meth:`pause`)."""
        return self.authority.wait_for_refreshes(count, timeout)

    def stats(self) -> dict[str, Any]:
        """The counters ``GET /_emulator/stats`` returns (api_calls, by_status, max_in_flight...)."""
        return self.app.stats()

    def reset_stats(self) -> None:
        """Zero the counters (prospects are kept)."""
        self.app.reset_stats()

    def quota_used(self, business_unit: str | None = None) -> int:
        """API calls counted against today's quota for the unit."""
        return self.app.quota.used(business_unit or self._default_unit())

    def _default_unit(self) -> str:
        return next(iter(self.app.stores))

    def _store(self, business_unit: str | None) -> ProspectStore:
        unit = business_unit or self._default_unit()
        if unit not in self.app.stores:
            raise KeyError(f"unknown business unit {unit!r}; configured: {sorted(self.app.stores)}")
        return self.app.stores[unit]


def _create_server(app: Any, host: str, port: int) -> Any:
    """waitress's server, stamping arrivals (see :mod:`.serving`), or the bind error with nothing left behind.

    waitress starts its worker threads and opens its sockets before it binds; when the bind fails
    (a taken port) they would stay open, so they are shut here before the error goes on.
    """
    sockets: dict[int, Any] = {}
    workers = ThreadedTaskDispatcher()
    workers.set_thread_count(_WORKER_THREADS)
    try:
        server = create_server(
            app, map=sockets, _dispatcher=workers, host=host, port=port, clear_untrusted_proxy_headers=True
        )
    except OSError:
        workers.shutdown(timeout=5)
        wasyncore.close_all(sockets)
        raise
    stamp_arrivals(sockets)
    return server


def serve(host: str = "127.0.0.1", port: int = 8080, *, stop: threading.Event | None = None, **options: Any) -> None:
    """Run an emulator in the foreground until interrupted (or ``stop`` is set), printing how to connect."""
    emulator = PardotEmulator(**options)
    base_url = emulator.start(host, port)
    units = ", ".join(emulator.app.stores)
    print(
        f"Pardot v5 + Salesforce token emulator at {base_url}\n"
        f"  business unit(s): {units}\n"
        f"  access token: {DEFAULT_ACCESS_TOKEN}  refresh token: {DEFAULT_REFRESH_TOKEN}\n"
        f"  client id/secret: {DEFAULT_CLIENT_ID} / {DEFAULT_CLIENT_SECRET}\n"
        f"  inspect: GET {base_url}/_emulator/prospects   stats: GET {base_url}/_emulator/stats\n"
        f"  faults: POST {base_url}/_emulator/faults   random mix: {emulator.fault_mix() or 'none'}\n"
        "Press Ctrl+C to stop.",
        flush=True,
    )
    try:
        (stop or threading.Event()).wait()
    except KeyboardInterrupt:
        pass
    finally:
        emulator.stop()


_EPILOG = """\
random faults (--faults KIND:PROBABILITY,...), one draw per API request:
  100-599        that HTTP status with Pardot's JSON error body ({"code": 183, ...})
  429            429 with Retry-After: 1
  66             Pardot's concurrent-request refusal (HTTP 400, code 66)
  reset          connection dropped before the prospect is written
  reset_after    prospect written, then the connection dropped (the answer is lost)
  timeout        no answer for --timeout-hold seconds, then 504 code 214; nothing written
  timeout_after  prospect written, then the answer held for --timeout-hold seconds
  expire         access tokens expire: 401 code 184 until the client refreshes
  probabilities are between 0 and 1 and add up to at most 1; --seed N repeats the same draws.
  example: --faults "500:0.10,503:0.05,429:0.05,66:0.05,reset:0.02,timeout:0.01,expire:0.01" --seed 7

control while it runs (JSON over HTTP):
  GET  /_emulator/prospects[?businessUnitId=ID]   every prospect of a business unit
  GET  /_emulator/requests                        requests received so far
  GET  /_emulator/stats                           api_calls, by_status, max_in_flight, faults_injected...
  POST /_emulator/reset-stats                     zero the counters
  GET  /_emulator/faults                          the random mix and the queued faults
  POST /_emulator/faults {"mix": "500:0.1", "seed": 7}             change the random mix
  POST /_emulator/faults {"kind": "status", "status": 503, "count": 2}   fail the next 2 calls
  see docs/pardot-emulator.md
"""


def _fault_mix_argument(spec: str) -> str:
    """argparse check for ``--faults``: the spec itself, or the item that is wrong and why."""
    try:
        parse_fault_mix(spec)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None
    return spec


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="actions emulate pardot",
        description="Run the Pardot v5 + Salesforce token emulator on loopback.",
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    parser.add_argument(
        "--port", type=port_number, default=8080, help="port to listen on (default 8080; 0 picks a free one)"
    )
    parser.add_argument(
        "--business-unit",
        action="append",
        dest="business_units",
        metavar="ID",
        help=f"business unit id to accept (repeatable; default {DEFAULT_BUSINESS_UNIT})",
    )
    parser.add_argument(
        "--custom-field",
        action="append",
        default=[],
        dest="custom_fields",
        metavar="NAME__c",
        help="custom prospect field to define (repeatable)",
    )
    parser.add_argument(
        "--daily-limit",
        type=int,
        default=100_000,
        metavar="N",
        help="API calls per business unit per day (default 100000; code 122 after)",
    )
    parser.add_argument(
        "--latency",
        type=float,
        default=0.0,
        metavar="SECONDS",
        help="seconds from each API call's arrival to its answer (default 0)",
    )
    parser.add_argument(
        "--faults", type=_fault_mix_argument, metavar="KIND:P,...", help="random faults per API request (see below)"
    )
    parser.add_argument("--seed", type=int, metavar="N", help="seed for the random faults (reproducible runs)")
    parser.add_argument(
        "--timeout-hold",
        type=float,
        default=30.0,
        metavar="SECONDS",
        help="how long a timeout fault holds its answer (default 30)",
    )
    parser.add_argument("--token-ttl", type=float, default=7200.0, help="seconds an access token stays valid")
    parser.add_argument("--rotate-refresh-tokens", action="store_true", help="issue a new refresh token per refresh")
    parser.add_argument("--xml-auth-errors", action="store_true", help="answer auth failures as legacy XML")
    return parser


def _hint(error: Exception, host: str, port: int) -> str:
    """What to do when the port cannot be had (the most common way the emulator fails to start)."""
    if isinstance(error, OSError) and error.errno == errno.EADDRINUSE:
        return f" ({host}:{port} is taken, maybe by another emulator: pass --port N, or --port 0 for a free one)"
    return ""


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry (``actions emulate pardot [--port N]``); returns the exit status."""
    args = _parser().parse_args(argv)
    logging.getLogger("waitress").setLevel(logging.ERROR)
    try:
        serve(
            args.host,
            args.port,
            business_units=args.business_units or (DEFAULT_BUSINESS_UNIT,),
            custom_fields=args.custom_fields,
            daily_limit=args.daily_limit,
            latency=args.latency,
            token_ttl=args.token_ttl,
            rotate_refresh_tokens=args.rotate_refresh_tokens,
            xml_auth_errors=args.xml_auth_errors,
            faults=args.faults,
            seed=args.seed,
            timeout_hold=args.timeout_hold,
        )
    except (OSError, ValueError) as error:
        print(f"actions emulate pardot: {error}{_hint(error, args.host, args.port)}", file=sys.stderr)
        return 1
    return 0
