"""``--queue URL`` on every command that touches the queue, and opening it with a one-line error.

Without ``--queue`` the queue is ``$ACTIONS_QUEUE`` when set, else ``.actions/queue.db`` under the
working directory. Runs against an emulator default to ``.actions/emulator-queue.db`` instead, so an
emulator run's dedup never makes a later live run skip events.
"""

from __future__ import annotations

import argparse
import os
from typing import Any

from framework.cli.command_error import CommandError

__all__ = ["add_queue_option", "open_queue_for", "EMULATOR_QUEUE"]

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

    url = args.queue or os.environ.get("ACTIONS_QUEUE") or (EMULATOR_QUEUE if emulator else None)
    try:
        return open_queue(url)
    except QueueURLError as error:
        raise CommandError(str(error)) from None
    except OSError as error:
        raise CommandError(
            f"--queue {redact_queue_url(url or '.actions/queue.db')}: cannot open the queue ({error})"
        ) from None
