"""The console's Starlette app: the routes, the login gate, and rendering with every secret scrubbed.

Pages: ``/`` overview, ``/dead-letters`` (and ``/dead-letters/{id}``, ``.../mapping``), ``/tester``,
``/instances``; ``/login`` and ``/logout``; ``/static/console.css``. Without a session every route
answers 401 (the login form, nothing else); a wrong token at login answers 401 too. Every POST but
the login needs the session's CSRF token. ``read_only`` hides every action and refuses its routes.
"""

from __future__ import annotations

import contextlib
import json
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from framework.console.forms import read_form
from framework.console.guard import CSRF_FIELD, SESSION_COOKIE, ConsoleGuard
from framework.console.health import quota_rows, slowest_and_failing
from framework.console.masking import masked_auth, masked_settings, scrub, secret_values
from framework.console.overview import (
    DAY,
    FUNNEL,
    SETTLED_STEPS,
    StatsSnapshots,
    funnel_rows,
    minute_series,
    window_counts,
)

__all__ = ["ConsoleOptions", "create_console_app"]

_HERE = Path(__file__).parent
PAGE_SIZE = 50
Handler = Callable[[Request], Awaitable[Response]]


@dataclass
class ConsoleOptions:
    """What the console serves: the queue, the loaded instances (by config path), and who may act."""

    queue: Any
    token: str
    instances: dict[str, Any] = field(default_factory=dict)  # config path -> DestinationInstance
    load_problems: dict[str, str] = field(default_factory=dict)  # config path -> why it did not load
    read_only: bool = False
    refresh: float = 2.0  # seconds between stats snapshots
    dry_instances: dict[str, Any] = field(default_factory=dict)  # instance id -> its dry-run copy
    # Where the background counts are read (default ``queue``): on SQLite a connection of its own, so
    # a long count never holds the lock that pages and workers take on ``queue``'s connection.
    stats_queue: Any = None


class _Console:
    """The routes' shared state: options, guard, templates, the stats snapshots, secrets to scrub."""

    def __init__(self, options: ConsoleOptions) -> None:
        self.options = options
        self.guard = ConsoleGuard(options.token)
        self.snapshots = StatsSnapshots(options.stats_queue or options.queue, options.refresh)
        self.secrets = secret_values(options.instances.values(), [options.token])
        self.templates = Environment(
            loader=FileSystemLoader(_HERE / "templates"), autoescape=select_autoescape(["html"])
        )
        self.templates.filters["when"] = _when
        self.templates.filters["tojson_pretty"] = lambda v: json.dumps(v, indent=2, ensure_ascii=False, default=str)
        self.by_id = {instance.id: instance for instance in options.instances.values()}
        self.paths_by_id = {instance.id: path for path, instance in options.instances.items()}

    def render(self, request: Request, name: str, status: int = 200, **context: Any) -> HTMLResponse:
        """A page, with the session's CSRF token and the mount prefix, secrets scrubbed."""
        session = request.cookies.get(SESSION_COOKIE)
        html = self.templates.get_template(name).render(
            base=request.scope.get("root_path", ""),
            csrf=self.guard.csrf_token(session),
            csrf_field=CSRF_FIELD,
            read_only=self.options.read_only,
            logged_in=self.guard.csrf_token(session) is not None,
            **context,
        )
        return HTMLResponse(scrub(html, self.secrets), status_code=status)

    def dry_instance(self, instance_id: str) -> Any:
        """The instance's copy whose transport answers in-process (for the tester's requests)."""
        if instance_id not in self.options.dry_instances:
            from framework.delivery.dry_run import dry_run_session
            from framework.instance import DestinationInstance

            live = self.by_id[instance_id]
            self.options.dry_instances[instance_id] = DestinationInstance.from_file(
                self.paths_by_id[instance_id],
                destination=live.definition,  # the same destination, found the same way (--path, Segment JSON)
                endpoint=live.endpoint,
                session=dry_run_session(),
            )
        return self.options.dry_instances[instance_id]


def create_console_app(options: ConsoleOptions) -> Starlette:
    """The console app; mount it anywhere (``actions serve`` mounts it at ``/console``)."""
    console = _Console(options)
    page = _gate(console)
    routes = [
        Route("/login", _login_form(console), methods=["GET"]),
        Route("/login", _login(console), methods=["POST"]),
        Route("/logout", page(_logout(console), changes=True), methods=["POST"]),
        Route("/", page(_overview(console)), methods=["GET"]),
        Route("/dead-letters", page(_dead_letters(console)), methods=["GET"]),
        Route("/dead-letters/retry", page(_retry(console), changes=True, acts=True), methods=["POST"]),
        Route("/dead-letters/purge", page(_purge(console), changes=True, acts=True), methods=["POST"]),
        Route("/dead-letters/{job_id:int}", page(_dead_letter(console)), methods=["GET"]),
        Route("/dead-letters/{job_id:int}/mapping", page(_mapping_form(console), acts=True), methods=["GET"]),
        Route(
            "/dead-letters/{job_id:int}/mapping",
            page(_mapping_post(console), changes=True, acts=True),
            methods=["POST"],
        ),
        Route("/tester", page(_tester(console)), methods=["GET"]),
        Route("/tester", page(_tester(console), changes=True), methods=["POST"]),
        Route("/instances", page(_instances(console)), methods=["GET"]),
        Mount("/static", StaticFiles(directory=_HERE / "static"), name="static"),
    ]

    @contextlib.asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        yield
        console.snapshots.close()

    app = Starlette(routes=routes, lifespan=lifespan)
    app.state.console = console
    return app


# -- the gate ---------------------------------------------------------------------------------------


def _gate(console: _Console) -> Callable[..., Handler]:
    """Wrap a handler: 401 without a session, 403 for a POST without the CSRF token or for an action
    in read-only mode."""

    def wrap(handler: Handler, *, changes: bool = False, acts: bool = False) -> Handler:
        async def guarded(request: Request) -> Response:
            session = request.cookies.get(SESSION_COOKIE)
            if console.guard.csrf_token(session) is None:
                return console.render(request, "login.html", status=401, error=None)
            if acts and console.options.read_only:
                return PlainTextResponse("The console is read-only: actions are off.", status_code=403)
            if changes:
                form = await read_form(request)
                offered = form.get(CSRF_FIELD)
                if not console.guard.csrf_ok(session, offered if isinstance(offered, str) else None):
                    return PlainTextResponse("Missing or wrong CSRF token: reload the page.", status_code=403)
            return await handler(request)

        return guarded

    return wrap


def _login_form(console: _Console) -> Handler:
    async def endpoint(request: Request) -> Response:
        return console.render(request, "login.html", error=None)

    return endpoint


def _login(console: _Console) -> Handler:
    async def endpoint(request: Request) -> Response:
        form = await read_form(request)
        offered = form.get("token")
        session = console.guard.login(offered if isinstance(offered, str) else "")
        if session is None:
            return PlainTextResponse("401 Unauthorized", status_code=401)
        response = RedirectResponse(f"{request.scope.get('root_path', '')}/", status_code=303)
        response.set_cookie(
            SESSION_COOKIE,
            session,
            httponly=True,
            samesite="strict",
            path=f"{request.scope.get('root_path', '')}/",
        )
        return response

    return endpoint


def _logout(console: _Console) -> Handler:
    async def endpoint(request: Request) -> Response:
        console.guard.logout(request.cookies.get(SESSION_COOKIE))
        response = RedirectResponse(f"{request.scope.get('root_path', '')}/login", status_code=303)
        response.delete_cookie(SESSION_COOKIE, path=f"{request.scope.get('root_path', '')}/")
        return response

    return endpoint


# -- overview ---------------------------------------------------------------------------------------


def _overview(console: _Console) -> Handler:
    async def endpoint(request: Request) -> Response:
        snapshot = await run_in_threadpool(console.snapshots.latest)
        rows = funnel_rows(snapshot.stats)
        totals = {step: sum(row.steps[step] for row in rows) for step in FUNNEL}
        failing = sorted((row for row in rows if row.failed), key=lambda row: row.failed, reverse=True)[:5]
        chart_max = max([row.steps["delivered"] for row in rows] + [row.failed for row in rows] + [1])
        series = minute_series(snapshot)
        names = {(row.instance_id, row.subscription): row.subscription_name for row in rows}
        slowest, most_failing = slowest_and_failing(snapshot.latency, names)
        return console.render(
            request,
            "overview.html",
            rows=rows,
            totals=totals,
            funnel=FUNNEL,
            failing=failing,
            chart_max=chart_max,
            windows={"last hour": window_counts(snapshot, 3600), "last day": window_counts(snapshot, DAY)},
            settled_steps=SETTLED_STEPS,
            series=series,
            series_max=max([d + f for _, d, f in series] + [1]),
            paused=sorted(snapshot.stats.paused_accounts.items()),
            slowest=slowest,
            most_failing=most_failing,
            quotas=quota_rows(console.by_id.values(), snapshot.quota, time.time()),
            taken=snapshot.taken,
            age=max(0.0, time.time() - snapshot.taken),
        )

    return endpoint


# -- dead letters -----------------------------------------------------------------------------------


class FormInputError(ValueError):
    """A filter or form value that cannot be used; the message names the field and why."""


def _selection(values: Any) -> Any:
    from framework.delivery import DeadLetterSelection
    from framework.instance.config import parse_duration

    since_text = (values.get("since") or "").strip()
    since = None
    if since_text:
        try:
            since = time.time() - parse_duration(since_text)
        except ValueError:
            try:
                since = time.mktime(time.strptime(since_text, "%Y-%m-%d"))
            except ValueError:
                raise FormInputError(f"since {since_text}: write a date (2026-12-01) or a duration (24h, 7d)") from None
    subscription_text = (values.get("subscription") or "").strip()
    if subscription_text and not subscription_text.isdigit():
        raise FormInputError(f"subscription {subscription_text}: give the subscription's number (0, 1, ...)")
    after_text = (values.get("after") or "0").strip()
    return DeadLetterSelection(
        instance_id=(values.get("instance") or "").strip() or None,
        reason=(values.get("reason") or "").strip() or None,
        since=since,
        subscription=int(subscription_text) if subscription_text else None,
        after_id=int(after_text) if after_text.isdigit() else 0,
    )


def _dead_letters(console: _Console) -> Handler:
    async def endpoint(request: Request) -> Response:
        params = request.query_params
        try:
            selection = _selection(params)
        except FormInputError as error:
            return console.render(request, "dead_letters.html", status=400, error=str(error), jobs=[], params=params)
        jobs = await run_in_threadpool(lambda: list(console.options.queue.dead_letters(selection, limit=PAGE_SIZE + 1)))
        more = len(jobs) > PAGE_SIZE
        jobs = jobs[:PAGE_SIZE]
        next_query = None
        if more:
            kept = {k: v for k, v in params.items() if k != "after" and v}
            kept["after"] = str(jobs[-1].id)
            next_query = "&".join(f"{k}={_quote(v)}" for k, v in kept.items())
        filter_query = "&".join(f"{k}={_quote(v)}" for k, v in params.items() if k != "after" and v)
        return console.render(
            request,
            "dead_letters.html",
            jobs=jobs,
            params=params,
            error=None,
            next_query=next_query,
            filter_query=filter_query,
            instances=sorted(console.by_id),
        )

    return endpoint


def _quote(value: str) -> str:
    from urllib.parse import quote

    return quote(value, safe="")


def _dead_letter(console: _Console) -> Handler:
    async def endpoint(request: Request) -> Response:
        job_id = request.path_params["job_id"]
        queue = console.options.queue
        job = await run_in_threadpool(queue.job, job_id)
        if job is None:
            return console.render(request, "message.html", status=404, title="No such job", message=f"No job {job_id}.")
        attempts = await run_in_threadpool(queue.attempts, job_id)
        return console.render(request, "dead_letter.html", job=job, attempts=attempts)

    return endpoint


async def _chosen_ids(console: _Console, form: Any) -> list[int]:
    """The job ids a retry or purge form names: ticked ids, or every dead letter matching its filters."""
    if form.get("all") == "1":
        selection = _selection(form)
        return await run_in_threadpool(lambda: [job.id for job in console.options.queue.dead_letters(selection)])
    chosen = [value for value in form.getlist("id") if isinstance(value, str)]
    bad = [value for value in chosen if not value.isdigit()]
    if bad:
        raise FormInputError(f"id {bad[0]}: a job id is a number")
    return [int(value) for value in chosen]


async def _chosen_or_refusal(console: _Console, request: Request, form: Any, verb: str) -> list[int] | Response:
    """The ticked dead letters' ids, or the 400 page that says why there are none to ``verb``."""
    try:
        ids = await _chosen_ids(console, form)
    except FormInputError as error:
        return console.render(request, "message.html", status=400, title=f"Cannot {verb}", message=str(error))
    if not ids:
        return console.render(
            request, "message.html", status=400, title=f"Nothing to {verb}", message="Tick dead letters first."
        )
    return ids


def _retry(console: _Console) -> Handler:
    async def endpoint(request: Request) -> Response:
        form = await read_form(request)
        ids = await _chosen_or_refusal(console, request, form, "retry")
        if isinstance(ids, Response):
            return ids
        count = await run_in_threadpool(console.options.queue.redrive, ids)
        await run_in_threadpool(console.snapshots.refresh_now)
        return console.render(
            request,
            "message.html",
            title="Queued again",
            message=f"Queued again: {count} job{'s' if count != 1 else ''}, due now; the workers deliver them.",
        )

    return endpoint


def _purge(console: _Console) -> Handler:
    async def endpoint(request: Request) -> Response:
        form = await read_form(request)
        ids = await _chosen_or_refusal(console, request, form, "purge")
        if isinstance(ids, Response):
            return ids
        if form.get("confirm") != "yes":
            return console.render(request, "confirm_purge.html", ids=ids)
        count = await run_in_threadpool(console.options.queue.purge, ids)
        await run_in_threadpool(console.snapshots.refresh_now)
        return console.render(
            request, "message.html", title="Purged", message=f"Purged {count} job{'s' if count != 1 else ''} for good."
        )

    return endpoint


def _mapping_form(console: _Console) -> Handler:
    async def endpoint(request: Request) -> Response:
        job = await run_in_threadpool(console.options.queue.job, request.path_params["job_id"])
        instance = console.by_id.get(job.instance_id) if job else None
        if job is None or instance is None:
            return console.render(
                request,
                "message.html",
                status=404,
                title="Cannot edit",
                message="No such job, or its instance is not loaded.",
            )
        sub = next((s for s in instance.subscriptions if s.index == job.subscription), None)
        text = json.dumps(sub.mapping if sub else {}, indent=2, ensure_ascii=False)
        return console.render(request, "mapping.html", job=job, mapping_text=text, preview=None, error=None)

    return endpoint


def _mapping_post(console: _Console) -> Handler:
    async def endpoint(request: Request) -> Response:
        from framework.console.mapping_edit import MappingInputError, parse_mapping_text, send_with_mapping
        from framework.delivery.mapping_preview import preview_mapping

        queue = console.options.queue
        form = await read_form(request)
        job = await run_in_threadpool(queue.job, request.path_params["job_id"])
        instance = console.by_id.get(job.instance_id) if job else None
        if job is None or instance is None:
            return console.render(
                request,
                "message.html",
                status=404,
                title="Cannot edit",
                message="No such job, or its instance is not loaded.",
            )
        text = str(form.get("mapping") or "")
        try:
            mapping = parse_mapping_text(text)
        except MappingInputError as error:
            return console.render(
                request, "mapping.html", status=400, job=job, mapping_text=text, preview=None, error=str(error)
            )
        previews = await run_in_threadpool(preview_mapping, queue, instance, [job], mapping)
        preview = previews[0]
        if form.get("send") != "1" or preview.problem is not None:
            return console.render(request, "mapping.html", job=job, mapping_text=text, preview=preview, error=None)
        if form.get("confirm") != "yes":
            return console.render(
                request,
                "mapping.html",
                job=job,
                mapping_text=text,
                preview=preview,
                error="Tick the confirmation to send.",
            )
        result = await run_in_threadpool(send_with_mapping, instance, job, mapping)
        if result.status.value == "delivered":
            await run_in_threadpool(queue.purge, [job.id])
            await run_in_threadpool(console.snapshots.refresh_now)
            message = f"Delivered job {job.id} with the edited mapping; the dead letter is gone. Put the mapping in the instance config too."
            return console.render(request, "message.html", title="Delivered", message=message)
        return console.render(
            request,
            "mapping.html",
            status=200,
            job=job,
            mapping_text=text,
            preview=preview,
            error=f"Not delivered: {result.status.value}: {result.reason}",
        )

    return endpoint


# -- event tester -----------------------------------------------------------------------------------


def _tester(console: _Console) -> Handler:
    async def endpoint(request: Request) -> Response:
        from framework.console.event_tester import EventInputError, parse_event_text, test_event

        ids = sorted(console.by_id)
        if request.method == "GET":
            return console.render(
                request,
                "tester.html",
                instances=ids,
                chosen=ids[0] if ids else "",
                event_text="",
                report=None,
                error=None,
            )
        form = await read_form(request)
        chosen = str(form.get("instance") or (ids[0] if ids else ""))
        event_text = str(form.get("event") or "")
        job_text = str(form.get("job") or "").strip()
        context: dict[str, Any] = {"instances": ids, "chosen": chosen, "report": None, "error": None}
        instance = console.by_id.get(chosen)
        if instance is None:
            return console.render(
                request,
                "tester.html",
                status=400,
                event_text=event_text,
                **{**context, "error": f"instance {chosen}: not loaded here"},
            )
        if job_text:
            if not job_text.isdigit():
                return console.render(
                    request,
                    "tester.html",
                    status=400,
                    event_text=event_text,
                    **{**context, "error": f"job {job_text}: a job id is a number"},
                )
            job = await run_in_threadpool(console.options.queue.job, int(job_text))
            if job is None:
                return console.render(
                    request,
                    "tester.html",
                    status=400,
                    event_text=event_text,
                    **{**context, "error": f"job {job_text}: no such job in the queue"},
                )
            event_text = json.dumps(job.event, indent=2, ensure_ascii=False)
        try:
            event = parse_event_text(event_text)
        except EventInputError as error:
            return console.render(
                request, "tester.html", status=400, event_text=event_text, **{**context, "error": str(error)}
            )
        if form.get("send") == "1":
            if console.options.read_only:
                return PlainTextResponse("The console is read-only: actions are off.", status_code=403)
            if form.get("confirm") != "yes":
                context["error"] = "Tick the confirmation to send the event for real."
            else:
                message = await run_in_threadpool(_enqueue, console, instance, event)
                return console.render(request, "message.html", title="Sent", message=message)
        dry = await run_in_threadpool(console.dry_instance, chosen)
        report = await run_in_threadpool(test_event, instance, dry, event)
        return console.render(request, "tester.html", event_text=event_text, **{**context, "report": report})

    return endpoint


def _enqueue(console: _Console, instance: Any, event: dict[str, Any]) -> str:
    from framework.delivery import JobProducer

    production = JobProducer(instance).produce(event)
    result = console.options.queue.enqueue(production.jobs)
    return (
        f"Enqueued {result.added} job{'s' if result.added != 1 else ''} ({result.duplicate_count} already queued); "
        f"{len(production.filtered)} subscription(s) filtered it, {len(production.invalid)} found it invalid."
    )


# -- instances --------------------------------------------------------------------------------------


def _instances(console: _Console) -> Handler:
    async def endpoint(request: Request) -> Response:
        shown = [
            {
                "path": path,
                "instance": instance,
                "settings": masked_settings(instance.settings, instance.definition.settings_fields),
                "auth": masked_auth(instance),
                "mappings": {
                    sub.index: json.dumps(sub.mapping, indent=2, ensure_ascii=False) for sub in instance.subscriptions
                },
            }
            for path, instance in console.options.instances.items()
        ]
        return console.render(request, "instances.html", shown=shown, load_problems=console.options.load_problems)

    return endpoint


def _when(epoch: float | None) -> str:
    if not epoch:
        return ""
    return time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(epoch))
