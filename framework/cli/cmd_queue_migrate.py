"""``actions queue migrate --queue URL``: create or upgrade a shared queue's schema.

A PostgreSQL queue's tables are created here and nowhere else: run it once before starting workers,
and again after upgrading action-destinations (it says when nothing changed). Every other command on
a queue without its schema stops and names this command. The embedded SQLite queue creates its own
schema when it is opened, so there this command only says so.

``cmd_queue`` adds it under ``actions queue`` with ``add_migrate_parser(queue_subparsers)``.
"""

from __future__ import annotations

import argparse
from typing import Any

from framework.cli.command_error import EXIT_OK, CommandError

__all__ = ["add_migrate_parser", "run_migrate"]


def add_migrate_parser(queue_subparsers: Any) -> argparse.ArgumentParser:
    """Add ``migrate`` to the ``actions queue`` subcommands; returns its parser."""
    parser = queue_subparsers.add_parser(
        "migrate",
        help="create or upgrade a PostgreSQL queue's schema",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--queue",
        metavar="URL",
        required=True,
        help="the queue to migrate, e.g. postgresql://actions@db.internal:5432/actions",
    )
    parser.set_defaults(run=run_migrate)
    return parser


def run_migrate(args: argparse.Namespace) -> int:
    """Migrate the queue at ``args.queue`` and say what changed."""
    from framework.delivery.queue_url import QueueURLError, redact_queue_url

    url: str = args.queue
    shown = redact_queue_url(url)
    scheme = url.split(":", 1)[0].lower() if "://" in url else "sqlite"
    if scheme in ("sqlite", ""):
        print(
            f"{shown}: the embedded SQLite queue creates and upgrades its schema itself when opened; nothing to migrate"
        )
        return EXIT_OK
    if scheme not in ("postgresql", "postgres"):
        raise CommandError(
            f"--queue {shown}: unknown kind of queue {scheme!r}; migrate takes postgresql://USER@HOST/DB"
        )
    try:
        from framework.delivery.postgres_queue import migrate_queue
    except ModuleNotFoundError as error:
        raise CommandError(
            f"--queue {shown}: the PostgreSQL queue needs the postgres extra "
            f"(missing {error.name}): pip install 'action-destinations[postgres]'"
        ) from None
    try:
        before, after = migrate_queue(url)
    except QueueURLError as error:
        raise CommandError(str(error)) from None
    if before == after:
        print(f"{shown}: the queue's schema is up to date (version {after})")
    elif before == 0:
        print(
            f"{shown}: created the queue's schema (version {after}); start workers with "
            f"'actions worker --queue {shown} ...'"
        )
    else:
        print(f"{shown}: upgraded the queue's schema from version {before} to {after}")
    return EXIT_OK
