"""``actions enqueue FILE... --instance CONFIG``: put events in the durable queue for a worker to deliver.

Triggers are evaluated now: events no subscription wants, and malformed ones (with their file:line),
are counted and never stored. Enqueueing the same events again adds nothing (dedup by instance,
subscription and messageId). ``actions worker`` delivers them.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from framework.cli.command_error import EXIT_FAILED, EXIT_OK
from framework.cli.destination_lookup import add_path_option
from framework.cli.instance_loading import load_instance
from framework.cli.progress import ProgressBar
from framework.cli.queue_option import add_queue_option, open_queue_for
from framework.cli.run_summary import summary_text
from framework.events import read_events

__all__ = ["register", "run"]


def register(subparsers: Any) -> None:
    """Add ``enqueue`` to the ``actions`` parser."""
    parser = subparsers.add_parser("enqueue", help="queue event files for delivery by 'actions worker'",
                                   description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("files", nargs="+", metavar="FILE", help="event files or directories; - for stdin")
    parser.add_argument("--instance", required=True, metavar="CONFIG", help="instance config (.toml or Segment .json)")
    parser.add_argument("--destination", metavar="SLUG", help="the destination of a Segment settings JSON")
    parser.add_argument("--fresh", action="store_true", help="queue again what an earlier run queued or delivered")
    parser.add_argument("--progress", action=argparse.BooleanOptionalAction, default=None,
                        help="force the progress line on or off (default: on when stderr is a terminal)")
    add_queue_option(parser)
    add_path_option(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Enqueue, then print what was queued, filtered, refused or already there."""
    from framework.delivery.file_intake import FileIntake
    from framework.delivery.run_tally import RunTally

    queue = open_queue_for(args)
    tally = RunTally()
    progress = ProgressBar(label="events read", enabled=args.progress)
    try:
        instance = load_instance(args.instance, paths=args.path, destination=args.destination)
        with instance:
            intake = FileIntake(queue, instance, tally, fresh=args.fresh)
            intake.read(read_events(args.files), progress.advance)
    finally:
        progress.close()
        queue.close()
    print(summary_text(tally.summary(), tally.bad_lines))
    queued = tally.total("still_queued")
    earlier = queued - intake.added
    print(f"\nQueued for {instance.id}: {queued} job{'s' if queued != 1 else ''} in {queue.url}"
          + (f" ({earlier} of them queued by an earlier run, not yet delivered)" if earlier else "") + ". "
          f"Deliver them with: actions worker --instance {args.instance}"
          f"{' --queue ' + args.queue if args.queue else ''} --until-empty", file=sys.stdout)
    return EXIT_OK if not tally.bad_line_count and not tally.total("invalid") else EXIT_FAILED
