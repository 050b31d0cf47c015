"""The ASGI app: Segment's tracking-API routes in front of the delivery queue, plus /health and /metrics.

=========================================  ==========================================================
route                                      answers
=========================================  ==========================================================
``POST /v1/batch``, ``/v1/import``         a batch (``{"batch": [...], "sentAt": ...}``)
``POST /v1/identify`` ... ``/v1/alias``    one event; its type is the route's
``POST /v1/i``, ``/v1/t``, ... ``/v1/b``   analytics.js's short names for the same routes
``GET /health``                            200 ``{"status": "ok", "depth": N, "worker": {...}}``; 503
                                           ``unavailable`` when the queue cannot be read, 503
                                           ``degraded`` when the in-process worker is down or has
                                           settled nothing for ``STALL_AFTER_S`` despite due work
``GET /metrics``                           Prometheus' text format
=========================================  ==========================================================

A tracking request is answered ``200 {"success": true}`` only after its jobs are committed; a
refused one gets 400 (the body, its JSON or an event breaks a rule) or 401 (the write key) with
``{"success": false, "code", "message"}`` and nothing enqueued; 503 when the queue could not commit.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from typing import Any

from starlette.applications import Starlette
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from framework.delivery import EnqueueResult, JobProducer, JobQueue
from framework.delivery.supervisor import WorkerHealth
from framework.intake.acceptance import TrackingIntake
from framework.intake.group_commit import GroupCommit
from framework.intake.metrics import CONTENT_TYPE, IntakeMetrics
from framework.intake.request_rules import RequestRejected, read_cap, read_tracking_request, too_large
from framework.intake.write_keys import WriteKeys, write_key_from_header

__all__ = ["create_app", "TRACKING_ROUTES"]


TRACKING_ROUTES: dict[str, str | None] = {
    "batch": None,
    "import": None,
    "identify": "identify",
    "track": "track",
    "page": "page",
    "screen": "screen",
    "group": "group",
    "alias": "alias",
    "b": None,
    "i": "identify",
    "t": "track",
    "p": "page",
    "s": "screen",
    "g": "group",
    "a": "alias",
}
"""Route name under ``/v1/`` → the event type it implies (None: a batch)."""

_SUCCESS = b'{"success":true}'
STALL_AFTER_S = 300.0  # jobs due this long and nothing settled for as long: /health says "degraded"
BODY_READ_TIMEOUT = 30.0
"""Seconds a body may pause between two chunks before the request is answered 408 (slow clients)."""
_log = logging.getLogger("framework.intake")
Endpoint = Callable[[Request], Awaitable[Response]]


def create_app(
    write_keys: WriteKeys[JobProducer],
    queue: JobQueue,
    metrics: IntakeMetrics | None = None,
    worker_health: Callable[[], WorkerHealth] | None = None,
) -> Starlette:
    """The app serving ``write_keys``' instances into ``queue``; ``metrics`` gets its own registry if omitted;
    ``worker_health`` is the in-process delivery worker's state (``/health`` reports it)."""
    metrics = metrics or IntakeMetrics(queue)
    committer = GroupCommit(queue, on_committed=_count_duplicates(metrics))
    intake = TrackingIntake(committer, metrics)
    instance_ids = sorted(
        {producer.instance_id for producers in write_keys.by_key().values() for producer in producers}
    )
    routes = [
        Route(f"/v1/{name}", _tracking_endpoint(name, kind, write_keys, intake, metrics), methods=["POST"])
        for name, kind in TRACKING_ROUTES.items()
    ]
    routes.append(Route("/health", _health_endpoint(queue, instance_ids, worker_health), methods=["GET"]))
    routes.append(Route("/metrics", _metrics_endpoint(metrics), methods=["GET"]))

    @contextlib.asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        yield
        await committer.close()

    app = Starlette(routes=routes, lifespan=lifespan)
    app.state.metrics = metrics
    return app


def _count_duplicates(metrics: IntakeMetrics) -> Callable[[EnqueueResult], None]:
    def on_committed(result: EnqueueResult) -> None:
        if result.duplicate_count:
            metrics.duplicates.inc(result.duplicate_count)

    return on_committed


def _tracking_endpoint(
    route: str,
    event_type: str | None,
    write_keys: WriteKeys[JobProducer],
    intake: TrackingIntake,
    metrics: IntakeMetrics,
) -> Endpoint:
    requests_ok = metrics.requests.labels(route, "200")

    async def endpoint(request: Request) -> Response:
        started = time.perf_counter()
        try:
            await _accept(request, event_type, write_keys, intake)
        except RequestRejected as rejected:
            return _refused(rejected, route, metrics)
        except ClientDisconnect:  # nothing was enqueued and nobody is left to answer: one line, no traceback
            client = f"{request.client.host}:{request.client.port}" if request.client else "a client"
            _log.info("%s disconnected before sending the whole body of /v1/%s; nothing enqueued", client, route)
            return Response(status_code=400)
        requests_ok.inc()
        metrics.request_seconds.observe(time.perf_counter() - started)
        return Response(_SUCCESS, media_type="application/json")

    return endpoint


async def _accept(
    request: Request, event_type: str | None, write_keys: WriteKeys[JobProducer], intake: TrackingIntake
) -> None:
    header_key = write_key_from_header(request.headers.get("authorization"))
    producers: Sequence[JobProducer] = write_keys.targets(header_key) if header_key is not None else ()
    encoding = request.headers.get("content-encoding", "")
    raw = await _capped_body(request, read_cap(event_type, encoding), event_type)
    tracking = read_tracking_request(event_type, raw, encoding)
    if header_key is None:
        producers = write_keys.targets(tracking.write_key)
    await intake.accept(tracking, producers, batch=event_type is None)


async def _capped_body(request: Request, cap: int, event_type: str | None) -> bytes:
    """The raw body, refused as soon as it is longer than ``cap`` (never held whole when too large)."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > cap:
        raise too_large(event_type)
    chunks: list[bytes] = []
    size = 0
    stream = request.stream().__aiter__()
    while True:
        try:
            async with asyncio.timeout(BODY_READ_TIMEOUT):
                chunk = await stream.__anext__()
        except StopAsyncIteration:
            return b"".join(chunks)
        except TimeoutError:
            raise RequestRejected(
                408, "body_timeout", f"the body stopped arriving for {BODY_READ_TIMEOUT:g} s: send it at once"
            ) from None
        size += len(chunk)
        if size > cap:
            raise too_large(event_type)
        chunks.append(chunk)


def _refused(rejected: RequestRejected, route: str, metrics: IntakeMetrics) -> Response:
    metrics.requests.labels(route, str(rejected.status)).inc()
    metrics.rejected.labels(rejected.code).inc()
    headers = {"WWW-Authenticate": 'Basic realm="write key"'} if rejected.status == 401 else None
    return JSONResponse(rejected.body(), status_code=rejected.status, headers=headers)


def _health_endpoint(
    queue: JobQueue, instance_ids: list[str], worker_health: Callable[[], WorkerHealth] | None
) -> Endpoint:
    async def endpoint(_request: Request) -> Response:
        try:
            depth = await asyncio.to_thread(queue.unfinished, instance_ids)
            next_due = await asyncio.to_thread(queue.next_due, instance_ids) if worker_health else None
        except Exception as error:
            body: dict[str, Any] = {
                "status": "unavailable",
                "queue": queue.url,
                "error": f"the queue cannot be read: {type(error).__name__}: {error}",
            }
            if worker_health is not None:
                body["worker"] = worker_health().as_json()
            return JSONResponse(body, status_code=503)
        body = {"status": "ok", "queue": queue.url, "depth": depth, "instances": instance_ids}
        if worker_health is not None:
            health = worker_health()
            body["worker"] = health.as_json()
            problem = worker_problem(health, next_due, time.time())
            if problem is not None:
                body["status"] = "degraded"
                body["problem"] = problem
                return JSONResponse(body, status_code=503)
        return JSONResponse(body)

    return endpoint


def worker_problem(health: WorkerHealth, next_due: float | None, now: float) -> str | None:
    """Why the in-process worker is not delivering (None when it is, or when there is nothing due)."""
    if not health.alive:
        return f"the delivery worker is down (restarts: {health.restarts}, last error: {health.last_error})"
    quiet = health.quiet_for(now)
    if next_due is not None and now - next_due >= STALL_AFTER_S and quiet is not None and quiet >= STALL_AFTER_S:
        return f"the delivery worker has settled no job for {quiet:.0f} s while jobs are due"
    return None


def _metrics_endpoint(metrics: IntakeMetrics) -> Endpoint:
    async def endpoint(_request: Request) -> Response:
        body = await asyncio.to_thread(metrics.render)
        return Response(body, media_type=CONTENT_TYPE)

    return endpoint
