"""``actions worker --instance CONFIG...``: deliver the queued jobs of one or more instances.

Runs until Ctrl+C or SIGTERM (in-flight attempts settle; jobs still held go back to the queue), or
with ``--until-empty`` until the instances' jobs are settled (or only parked or scheduled far ahead:
then it says what is still queued and when it is due). Several workers may share one queue: the
destination's concurrency limit holds over all of them.
"""

from __future__ import annotations

import argparse
import sys
import time
from typing import Any

from framework.cli.cmd_replay import add_delivery_options, terminate_as_interrupt
from framework.cli.command_error import EXIT_FAILED, EXIT_INTERRUPTED, EXIT_OK
from framework.cli.destination_lookup import add_path_option
from framework.cli.instance_loading import load_instance
from framework.cli.progress import ProgressBar
from framework.cli.queue_option import open_queue_for
from framework.cli.run_summary import waiting_text

__all__ = ["register", "run"]


def register(subparsers: Any) -> None:
    """Add ``worker`` to the ``actions`` parser."""
    parser = subparsers.add_parser(
        "worker", help="deliver queued jobs", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--instance", required=True, action="append", metavar="CONFIG", help="instance config (repeat for several)"
    )
    parser.add_argument("--destination", metavar="SLUG", help="the destination of Segment settings JSON files")
    parser.add_argument("--until-empty", action="store_true", help="stop once the instances' jobs are settled")
    add_delivery_options(parser)
    add_path_option(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Work, then print the outcomes counted by state."""
    from framework.delivery.run_report import NdjsonReport
    from framework.delivery.supervisor import SupervisedWorker
    from framework.delivery.worker import WorkerOptions

    queue = open_queue_for(args)
    report = NdjsonReport(args.report_file) if args.report else None
    instances = [
        load_instance(path, paths=args.path, token_store=queue.token_store(), destination=args.destination)
        for path in args.instance
    ]
    counts: dict[str, int] = {}
    progress = ProgressBar(label="jobs settled", enabled=args.progress)

    def on_outcome(outcome: Any) -> None:
        counts[outcome.state.value if outcome.final else "retried"] = (
            counts.get(outcome.state.value if outcome.final else "retried", 0) + 1
        )
        if report is not None:
            report.outcome(outcome)
        if outcome.final:
            progress.advance()

    worker = SupervisedWorker(  # waits out a full disk or a lost connection instead of exiting
        queue, instances, on_outcome=on_outcome, options=WorkerOptions(concurrency=args.concurrency)
    )
    out = sys.stderr if args.report and args.report_file in (None, "-") else sys.stdout
    print(
        f"Worker {worker.worker_id}: {', '.join(i.id for i in instances)} from {queue.url}, "
        f"{worker.concurrency} in flight at most",
        file=sys.stderr,
    )
    started = time.monotonic()
    interrupted = False
    try:
        with terminate_as_interrupt():
            exit_ = worker.run(until_empty=args.until_empty)
    except KeyboardInterrupt:
        interrupted = True
        exit_ = None
    finally:
        progress.close()
        for instance in instances:
            instance.close()
    print(
        f"Settled in {time.monotonic() - started:.1f} s: "
        + (", ".join(f"{count} {state}" for state, count in sorted(counts.items())) or "nothing to do"),
        file=out,
    )
    if exit_ is not None and exit_.reason == "waiting":
        print(
            waiting_text(
                exit_.unfinished,
                exit_.next_due,
                exit_.paused_accounts,
                "Run the worker again then (or keep one running).",
            ),
            file=out,
        )
    if report is not None:
        report.finish({"settled": counts, "stopped": exit_.reason if exit_ else "interrupted"})
    queue.close()
    if interrupted:
        return EXIT_INTERRUPTED
    return EXIT_FAILED if counts.get("dead") or (exit_ is not None and exit_.reason == "waiting") else EXIT_OK
