"""``actions console --queue URL --instance CONFIG...``: the operators' console, served alone.

Open the printed address and log in with the console token (``--token`` or ``$ACTIONS_CONSOLE_TOKEN``;
one of them is required, and the token is never printed). It binds to 127.0.0.1 unless ``--host`` says
otherwise; ``--read-only`` hides every action. ``actions serve`` mounts the same pages at ``/console``
(``--console-token``, ``--console-read-only``). See docs/console.md.
"""

from __future__ import annotations

import argparse
import os
from typing import Any

from framework.cli.command_error import EXIT_OK, CommandError
from framework.cli.queue_option import add_queue_option, open_queue_for

__all__ = ["register", "run", "add_console_options", "console_options_for", "console_token"]


def register(subparsers: Any) -> None:
    """Add ``console`` to the ``actions`` parser."""
    parser = subparsers.add_parser("console", help="serve the operators' console (web pages)", description=__doc__)
    parser.add_argument(
        "--instance", action="append", default=[], metavar="CONFIG", help="instance config; repeat for several"
    )
    add_queue_option(parser)
    parser.add_argument(
        "--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1: this machine only)"
    )
    parser.add_argument("--port", type=int, default=8089, help="port to listen on (default 8089)")
    add_console_options(parser)
    parser.set_defaults(run=run)


def add_console_options(parser: argparse.ArgumentParser, prefix: str = "") -> None:
    """``--token`` and ``--read-only`` (``--console-token``, ``--console-read-only`` on ``actions serve``)."""
    parser.add_argument(
        f"--{prefix}token",
        dest="console_token",
        metavar="TOKEN",
        help="the console token (default $ACTIONS_CONSOLE_TOKEN)",
    )
    parser.add_argument(
        f"--{prefix}read-only",
        dest="console_read_only",
        action="store_true",
        help="console: show everything, change nothing",
    )


def console_token(args: argparse.Namespace) -> str | None:
    """The console token the arguments or the environment give, if any."""
    return args.console_token or os.environ.get("ACTIONS_CONSOLE_TOKEN") or None


def console_options_for(args: argparse.Namespace, queue: Any, instances: dict[str, Any] | None = None) -> Any:
    """The ``ConsoleOptions`` the arguments describe; loads the instances unless given, noting failures."""
    from framework.cli.instance_loading import load_instance
    from framework.console import ConsoleOptions

    token = console_token(args)
    if not token:
        raise CommandError(
            "the console needs a token: pass --token TOKEN or set ACTIONS_CONSOLE_TOKEN (it is never printed)"
        )
    problems: dict[str, str] = {}
    if instances is None:
        instances = {}
        for path in args.instance:
            try:
                instances[path] = load_instance(path, token_store=queue.token_store())
            except CommandError as error:
                problems[path] = str(error)
    return ConsoleOptions(
        queue=queue, token=token, instances=instances, load_problems=problems, read_only=args.console_read_only
    )


def run(args: argparse.Namespace) -> int:
    """Serve the console until interrupted."""
    from framework.console import create_console_app
    from framework.intake import IntakeServer

    queue = open_queue_for(args)
    stats_queue = open_queue_for(args) if queue.url.startswith("sqlite") else None  # see ConsoleOptions
    try:
        options = console_options_for(args, queue)
        options.stats_queue = stats_queue
        try:
            server = IntakeServer(create_console_app(options), args.host, args.port)
        except OSError as error:
            raise CommandError(
                f"cannot listen on {args.host}:{args.port}: {error.strerror or error}; pick another --port or --host"
            ) from None
        print(f"Console on {server.url}/ over {queue.url}" + (" (read-only)" if options.read_only else ""), flush=True)
        server.run()
    finally:
        if stats_queue is not None:
            stats_queue.close()
        queue.close()
    return EXIT_OK
