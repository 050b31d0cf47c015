"""``actions queue stats``: what the queue holds, per instance and subscription, and which accounts are paused.

``actions queue prune [--keep 3d] [--instance ID]``: delete delivered jobs older than the retention now
(workers do it on their own, in small batches, by each instance's ``[delivery] keep_delivered``).
"""

from __future__ import annotations

import argparse
import json
import time
from typing import Any

from framework.cli.cmd_queue_migrate import add_migrate_parser, run_migrate
from framework.cli.command_error import EXIT_OK, CommandError
from framework.cli.queue_option import add_queue_option, open_queue_for
from framework.cli.table import render_table

__all__ = ["register", "run"]

_STATES = ("queued", "running", "retrying", "parked", "polling", "delivered", "filtered", "invalid", "dead")


def register(subparsers: Any) -> None:
    """Add ``queue`` (``queue stats``) to the ``actions`` parser."""
    parser = subparsers.add_parser("queue", help="inspect the delivery queue", description=__doc__)
    sub = parser.add_subparsers(dest="queue_command", metavar="SUBCOMMAND", required=True)
    stats = sub.add_parser("stats", help="job counts per instance and subscription, paused accounts")
    add_queue_option(stats)
    stats.add_argument("--instance", metavar="ID", help="only this instance id")
    stats.add_argument("--json", action="store_true", help="print the counts as JSON")
    prune = sub.add_parser("prune", help="delete delivered jobs older than the retention (workers also do it)")
    add_queue_option(prune)
    prune.add_argument("--keep", metavar="DURATION", default="3d", help='keep jobs delivered within this ("3d", "12h")')
    prune.add_argument("--instance", metavar="ID", help="only this instance id (default: every instance in the queue)")
    add_migrate_parser(sub)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Print the counts: queued (due now), running (in flight), retrying, parked, and the finished states."""
    if args.queue_command == "migrate":
        return run_migrate(args)
    if args.queue_command == "prune":
        return run_prune(args)
    queue = open_queue_for(args)
    try:
        stats = queue.stats(args.instance)
    finally:
        queue.close()
    if args.json:
        print(
            json.dumps(
                {
                    "queue": queue.url,
                    "rows": [row.__dict__ for row in stats.rows],
                    "paused_accounts": {k: {"until": u, "reason": r} for k, (u, r) in stats.paused_accounts.items()},
                },
                indent=2,
            )
        )
        return EXIT_OK
    print(f"Queue {queue.url}")
    if not stats.rows:
        print("No jobs" + (f" for instance {args.instance}" if args.instance else "") + ".")
    else:
        rows = [
            [row.instance_id, f"[{row.subscription}] {row.subscription_name}", *(row.counts.get(s, 0) for s in _STATES)]
            for row in stats.rows
        ]
        rows.append(["total", "", *(stats.total(s) for s in _STATES)])
        print(render_table(["instance", "subscription", *_STATES], rows))
    for account, (until, reason) in sorted(stats.paused_accounts.items()):
        print(f"Paused until {time.strftime('%Y-%m-%d %H:%M:%S', time.localtime(until))}: {account}: {reason}")
    return EXIT_OK


def run_prune(args: argparse.Namespace) -> int:
    """Delete delivered jobs older than ``--keep``, batch by batch, and say how many per instance."""
    from framework.delivery.retention import prune_delivered
    from framework.instance.config import parse_duration

    try:
        keep = parse_duration(args.keep)
    except ValueError as error:
        raise CommandError(f"--keep {args.keep}: {error}") from None
    queue = open_queue_for(args)
    try:
        instances = [args.instance] if args.instance else sorted({row.instance_id for row in queue.stats().rows})
        pruned = prune_delivered(queue, dict.fromkeys(instances, keep), until_done=True)
    finally:
        queue.close()
    for instance_id, count in pruned.items():
        print(f"{instance_id}: {count} delivered job(s) older than {args.keep} deleted")
    if not pruned:
        print("No jobs.")
    return EXIT_OK
