"""``actions serve --instance CONFIG...``: Segment's HTTP tracking API in front of the delivery queue.

Point any Segment library at it (``host`` = this server, the instance's write key) and its events
are committed to the queue before the library hears 200; by default the delivery workers run in this
process too, so this one command is a whole deployment. ``--no-workers`` when ``actions worker``
processes deliver from the shared queue instead. Ctrl+C or SIGTERM: the requests in flight are
answered, the deliveries in flight settle, then it stops. See docs/serving.md.

    actions serve --instance fixtures/instances/pardot.toml --write-key "$SEGMENT_WRITE_KEY"
    actions serve --instance fixtures/instances/pardot.toml --write-key dev-write-key --emulator
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from framework.cli.arg_types import port_number
from framework.cli.cmd_console import add_console_options, console_options_for, console_token
from framework.cli.command_error import EXIT_OK, CommandError
from framework.cli.destination_lookup import add_path_option
from framework.cli.instance_loading import load_instance, read_raw_config
from framework.cli.queue_option import add_queue_option, open_queue_for

__all__ = ["register", "run"]


def register(subparsers: Any) -> None:
    """Add ``serve`` to the ``actions`` parser."""
    parser = subparsers.add_parser(
        "serve",
        help="serve Segment's tracking API (/v1/batch, /v1/track, ...) in front of the queue",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--instance",
        action="append",
        required=True,
        metavar="CONFIG",
        help="instance config (.toml or Segment settings .json); repeat for several",
    )
    parser.add_argument("--destination", metavar="SLUG", help="the destination of Segment settings JSON files")
    add_queue_option(parser)
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    parser.add_argument(
        "--port", type=port_number, default=8088, help="port to listen on (default 8088; 0: any free port)"
    )
    parser.add_argument(
        "--write-key", metavar="KEY", help="the write key, when one instance is served and its config names none"
    )
    parser.add_argument(
        "--emulator",
        action="store_true",
        help="deliver to the destination's local emulator, started in this process (one instance)",
    )
    workers = parser.add_mutually_exclusive_group()
    workers.add_argument(
        "--workers",
        type=int,
        metavar="N",
        help="deliveries in flight in this process (default: the destinations' limits)",
    )
    workers.add_argument(
        "--no-workers", action="store_true", help="only accept and enqueue; `actions worker` processes deliver"
    )
    add_console_options(parser, prefix="console-")
    add_path_option(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Load the instances, open the queue, serve until SIGINT/SIGTERM."""
    if args.workers is not None and args.workers < 1:
        raise CommandError(f"--workers {args.workers}: give at least 1, or --no-workers to deliver elsewhere")
    if args.emulator and len(args.instance) > 1:
        raise CommandError("--emulator serves one instance; drop it, or pass one --instance")
    keys = _write_keys(args.instance, args.write_key, args.destination)
    emulator = _maybe_start_emulator(args)
    try:
        _serve(args, keys, emulator.base_url if emulator else None)
    finally:
        if emulator is not None:
            _print_holdings(emulator)
            emulator.stop()
    return EXIT_OK


def _serve(args: argparse.Namespace, keys: list[str], endpoint: str | None) -> None:
    from framework.delivery import JobProducer
    from framework.intake import IntakeMetrics, IntakeServer, WriteKeys, create_app
    from framework.intake.delivery_companion import DeliveryCompanion

    queue = open_queue_for(args, emulator=args.emulator)
    console_queue = None
    try:
        instances = [
            load_instance(
                path, endpoint=endpoint, paths=args.path, token_store=queue.token_store(), destination=args.destination
            )
            for path in args.instance
        ]
        metrics = IntakeMetrics(queue)
        companion = (
            None
            if args.no_workers
            else DeliveryCompanion(queue, instances, concurrency=args.workers, on_outcome=metrics.record_settled)
        )
        if companion is not None:
            metrics.watch_worker(companion.health)
        app = create_app(
            WriteKeys(zip(keys, (JobProducer(instance) for instance in instances), strict=True)),
            queue,
            metrics,
            worker_health=companion.health if companion is not None else None,
        )
        console_queue = _mount_console(app, args, queue, dict(zip(args.instance, instances, strict=True)))
        companions = [] if companion is None else [companion]
        try:
            server = IntakeServer(app, args.host, args.port, companions=companions)
        except OSError as error:
            raise CommandError(
                f"cannot listen on {args.host}:{args.port}: {error.strerror or error}; pick another --port or --host"
            ) from None
        _announce(server.url, queue.url, instances, args.instance, args.no_workers)
        if args.console_url_suffix:
            print(
                f"actions serve: operators' console at {server.url}/console/ (log in with the console token)",
                file=sys.stderr,
                flush=True,
            )
        server.run()
    finally:
        if console_queue is not None:
            console_queue.close()
        queue.close()


def _mount_console(app: Any, args: argparse.Namespace, queue: Any, instances: dict[str, Any]) -> Any:
    """The operators' console at ``/console`` (docs/console.md), over the same queue and instances.

    On SQLite the console's background counts get a connection of its own (returned, to close): they
    then never hold the lock the workers' connection takes (WAL readers do not block the writer).
    """
    from framework.console import create_console_app

    if console_token(args) is None:
        print(
            "actions serve: console off (set ACTIONS_CONSOLE_TOKEN or --console-token to serve /console/)",
            file=sys.stderr,
        )
        args.console_url_suffix = None
        return None
    own = open_queue_for(args, emulator=args.emulator) if queue.url.startswith("sqlite") else None
    options = console_options_for(args, queue, instances)
    options.stats_queue = own
    app.mount("/console", create_console_app(options))
    args.console_url_suffix = "/console/"
    return own


def _write_keys(paths: list[str], given: str | None, destination: str | None) -> list[str]:
    """Each instance's write key: its config's ``write_key``, else ``--write-key`` (one instance only)."""
    if given is not None and len(paths) > 1:
        raise CommandError(
            "--write-key names the key of one instance; with several, write write_key = "
            '"${SEGMENT_WRITE_KEY}" in each instance config'
        )
    keys = []
    for path in paths:
        key = given or read_raw_config(path, destination).write_key
        if not key:
            raise CommandError(
                f'{path}: no write key: add write_key = "${{SEGMENT_WRITE_KEY}}" at the top of the '
                "file (and export the variable), or pass --write-key KEY"
            )
        keys.append(key)
    return keys


def _maybe_start_emulator(args: argparse.Namespace) -> Any:
    """With ``--emulator``: the destination's emulator, in-process on a free port, primed for the instance."""
    if not args.emulator:
        return None
    from framework.cli.destination_lookup import find_destination
    from framework.cli.emulators import start_emulator

    config = read_raw_config(args.instance[0], args.destination)
    definition = find_destination(config.destination, args.path or [])
    emulator = start_emulator(definition, dict(config.settings), config.auth, list(config.subscriptions))
    print(f"actions serve: started the {config.destination} emulator at {emulator.base_url}", file=sys.stderr)
    return emulator


def _print_holdings(emulator: Any) -> None:
    """What the emulator holds when the server stops: the proof that the events arrived."""
    from framework.cli.table import render_table

    title, columns, rows = emulator.holdings()
    print(f"\n{title}", file=sys.stderr)
    if rows:
        print(render_table(list(columns), rows), file=sys.stderr)


def _announce(url: str, queue_url: str, instances: list[Any], paths: list[str], no_workers: bool) -> None:
    """One line per fact on stderr; never a write key."""
    served = ", ".join(f"{instance.id} ({path})" for instance, path in zip(instances, paths, strict=True))
    print(
        f"actions serve: listening on {url} (POST /v1/batch, /v1/track, /v1/identify, ...; GET /health, /metrics)",
        file=sys.stderr,
    )
    print(f"actions serve: queue {queue_url}; instances {served}", file=sys.stderr)
    print(
        "actions serve: delivery "
        + (
            "off (--no-workers): run `actions worker` on this queue"
            if no_workers
            else "workers running in this process"
        ),
        file=sys.stderr,
        flush=True,
    )
