"""``--queue URL`` on every command that touches the queue, and opening it with a one-line error.

Without ``--queue`` the queue is ``$ACTIONS_QUEUE`` when set, else ``.actions/queue.db`` under the
working directory. Runs against an emulator default to ``.actions/emulator-queue.db`` instead, so an
emulator run's dedup never makes a later live run skip events.
"""

from __future__ import annotations

import argparse
import os
import sqlite3
from typing import Any

from framework.cli.command_error import CommandError

__all__ = ["add_queue_option", "open_queue_for", "queue_failure", "EMULATOR_QUEUE"]

EMULATOR_QUEUE = ".actions/emulator-queue.db"


def add_queue_option(parser: argparse.ArgumentParser) -> None:
    """Add ``--queue URL``."""
    parser.add_argument(
        "--queue",
        metavar="URL",
        help="the queue: sqlite:///PATH (default $ACTIONS_QUEUE, else .actions/queue.db) or postgresql://USER@HOST/DB",
    )


def open_queue_for(args: argparse.Namespace, *, emulator: bool = False) -> Any:
    """The queue the arguments name, or a CommandError saying why it cannot be opened."""
    from framework.delivery import QueueURLError, open_queue, redact_queue_url
    from framework.delivery.queue_file_problems import QueueFileError

    url = args.queue or os.environ.get("ACTIONS_QUEUE") or (EMULATOR_QUEUE if emulator else None)
    try:
        return open_queue(url)
    except (QueueURLError, QueueFileError) as error:
        raise CommandError(str(error)) from None
    except OSError as error:
        raise CommandError(
            f"--queue {redact_queue_url(url or '.actions/queue.db')}: cannot open the queue ({error})"
        ) from None


def queue_failure(args: argparse.Namespace, error: sqlite3.Error) -> CommandError:
    """A SQLite error raised while a command used its queue (a full disk, a corrupt page), as one line."""
    from pathlib import Path

    from framework.delivery.queue_file_problems import explain

    url = getattr(args, "queue", None) or os.environ.get("ACTIONS_QUEUE") or ".actions/queue.db"
    path = url.split("://", 1)[1].split("?", 1)[0] if "://" in url else url
    if path.startswith("/./"):
        path = path[1:]
    return CommandError(str(explain(Path(path), error)))
