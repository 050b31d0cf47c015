"""``actions replay FILE... --instance CONFIG``: deliver recorded Segment events through a destination instance.

The events are enqueued in the durable queue (``--queue``), then delivered until those jobs are
settled: retried with backoff, kept in order per user, within the destination's concurrency limit,
dead-lettered with their reason when the give-up window runs out. Run the same command again after an
interruption (Ctrl+C, a crash, kill -9) and it delivers only what is not delivered yet; ``--fresh``
delivers everything again.

``--dry-run`` sends nothing and uses no queue: each request is printed, secrets redacted.
``--emulator`` starts the destination's emulator in-process and delivers to it (its own queue file,
``.actions/emulator-queue.db``, and always fresh: the emulator starts empty).
"""

from __future__ import annotations

import argparse
import json
import signal
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from framework.cli.command_error import EXIT_FAILED, EXIT_INTERRUPTED, EXIT_OK, CommandError
from framework.cli.destination_lookup import add_path_option
from framework.cli.emulators import start_emulator
from framework.cli.instance_loading import load_instance, read_raw_config
from framework.cli.progress import ProgressBar
from framework.cli.queue_option import add_queue_option, open_queue_for
from framework.cli.run_summary import summary_text, waiting_text
from framework.cli.table import render_table
from framework.events import EVENT_FILE_SUFFIXES, iter_event_files, read_events

if TYPE_CHECKING:
    from framework.delivery.run_report import NdjsonReport
    from framework.delivery.run_tally import RunTally
    from framework.events import EventRecord
    from framework.runtime import SubscriptionResult

__all__ = ["register", "run", "add_delivery_options", "terminate_as_interrupt"]

# Added by the HTTP library to every request; they say nothing about the destination.
_TRANSPORT_HEADERS = {"accept", "accept-encoding", "connection", "content-length", "user-agent"}


def register(subparsers: Any) -> None:
    """Add ``replay`` to the ``actions`` parser."""
    parser = subparsers.add_parser(
        "replay",
        help="deliver event files through a destination instance",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("files", nargs="+", metavar="FILE", help="event files or directories; - for stdin")
    parser.add_argument("--instance", required=True, metavar="CONFIG", help="instance config (.toml or Segment .json)")
    parser.add_argument("--destination", metavar="SLUG", help="the destination of a Segment settings JSON")
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--dry-run", action="store_true", help="send nothing, use no queue; print each request, redacted")
    mode.add_argument("--emulator", action="store_true", help="deliver to the destination's local emulator")
    parser.add_argument("--fresh", action="store_true", help="deliver again what an earlier run delivered")
    parser.add_argument(
        "--show-emulator",
        "--show-prospects",
        dest="show_emulator",
        action="store_true",
        help="with --emulator: print what the emulator holds afterwards",
    )
    add_delivery_options(parser)
    parser.add_argument("--strict", action="store_true", help="exit 1 on bad lines and invalid events too")
    add_path_option(parser)
    parser.set_defaults(run=run)


def add_delivery_options(parser: argparse.ArgumentParser) -> None:
    """Options shared by the commands that deliver: queue, concurrency, report, progress."""
    add_queue_option(parser)
    parser.add_argument(
        "--concurrency",
        type=_positive_int,
        metavar="N",
        help="attempts in flight (default: the destination's concurrency_limit; never above it per account)",
    )
    parser.add_argument("--report", choices=["json"], help="also write every outcome as NDJSON")
    parser.add_argument("--report-file", metavar="PATH", help="where --report goes (default: stdout)")
    parser.add_argument(
        "--progress",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="force the progress line on or off (default: on when stderr is a terminal)",
    )


def _positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be 1 or more")
    return value


def run(args: argparse.Namespace) -> int:
    """Replay, print the summary (and the emulator's holdings), return 1 when anything was not delivered."""
    _check_arguments(args)
    if args.dry_run:
        return _dry_run(args)
    emulator = _maybe_start_emulator(args)
    try:
        return _deliver(args, emulator)
    finally:
        if emulator is not None:
            emulator.stop()


def _deliver(args: argparse.Namespace, emulator: Any) -> int:
    from framework.delivery.replay_run import replay_into_queue
    from framework.delivery.worker import WorkerOptions

    queue = open_queue_for(args, emulator=emulator is not None)
    report = _open_report(args)
    progress = ProgressBar(label="events settled", enabled=args.progress)
    try:
        instance = load_instance(
            args.instance,
            endpoint=emulator.base_url if emulator else None,
            paths=args.path,
            token_store=queue.token_store(),
            destination=args.destination,
        )
        with instance, terminate_as_interrupt():
            result = replay_into_queue(
                queue,
                instance,
                read_events(args.files),
                fresh=args.fresh or emulator is not None,
                options=WorkerOptions(concurrency=args.concurrency),
                on_outcome=_outcome_reporter(progress, report),
                listener=report.line if report else None,
            )
    finally:
        progress.close()
        queue.close()
    out = _summary_stream(args)
    if result.interrupted:
        print(
            "Interrupted: the summary covers what finished. Run the same command again: it delivers only "
            "what is not delivered yet.",
            file=out,
        )
    print(summary_text(result.tally.summary(), result.tally.bad_lines), file=out)
    _print_disabled(instance, out)
    if result.exit is not None and result.exit.reason == "waiting":
        print(
            "\n"
            + waiting_text(
                result.exit.unfinished,
                result.exit.next_due,
                result.exit.paused_accounts,
                f"Deliver them later with: actions worker --instance {args.instance} --until-empty"
                f"{' --queue ' + args.queue if args.queue else ''}",
            ),
            file=out,
        )
    if report is not None:
        report.finish(result.tally.summary())
    if emulator is not None and args.show_emulator:
        _print_holdings(emulator)
    if result.interrupted:
        return EXIT_INTERRUPTED
    return _exit_code(args, result.tally)


def _outcome_reporter(progress: ProgressBar, report: NdjsonReport | None) -> Any:
    counts = {"dead": 0}

    def on_outcome(outcome: Any) -> None:
        if report is not None:
            report.outcome(outcome)
        if outcome.final:
            counts["dead"] += outcome.state.value == "dead"
            progress.advance(note=f"{counts['dead']} dead-lettered" if counts["dead"] else "")

    return on_outcome


@contextmanager
def terminate_as_interrupt() -> Iterator[None]:
    """SIGTERM stops a delivering command as Ctrl+C does: in-flight attempts settle, held jobs go back."""

    def interrupt(signum: int, frame: Any) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _dry_run(args: argparse.Namespace) -> int:
    from framework.delivery.dry_run import dry_run, dry_run_session
    from framework.delivery.run_tally import RunTally

    instance = load_instance(args.instance, session=dry_run_session(), paths=args.path, destination=args.destination)
    tally = RunTally()
    out = _summary_stream(args)
    progress = ProgressBar(label="events", enabled=args.progress)
    interrupted = False
    with instance:
        try:
            dry_run(
                instance,
                read_events(args.files),
                tally,
                on_results=lambda record, results: _print_requests(record, results, out),
                on_event=progress.advance,
            )
        except KeyboardInterrupt:
            interrupted = True
        finally:
            progress.close()
    if interrupted:
        print("Interrupted: the summary covers the events read so far.", file=out)
    print("Dry run: nothing was sent and nothing queued; 'request built' counts requests that would be sent.", file=out)
    print(summary_text(tally.summary(), tally.bad_lines), file=out)
    _print_disabled(instance, out)
    if args.report:
        report = _open_report(args)
        if report is not None:
            report.finish(tally.summary())
    return EXIT_INTERRUPTED if interrupted else _exit_code(args, tally)


def _print_disabled(instance: Any, out: Any) -> None:
    """Disabled subscriptions never produce a result, so without this line they would just be missing."""
    disabled = [subscription.name for subscription in instance.subscriptions if not subscription.enabled]
    if disabled:
        print(f"\nDisabled (enabled = false, not run): {', '.join(disabled)}", file=out)


def _check_arguments(args: argparse.Namespace) -> None:
    if args.show_emulator and not args.emulator:
        raise CommandError("--show-emulator needs --emulator (only an emulator's holdings can be listed)")
    if args.report_file and not args.report:
        raise CommandError("--report-file needs --report json")
    missing = [name for name in args.files if name != "-" and not Path(name).exists()]
    if missing:
        raise CommandError(
            f"{missing[0]}: no such event file or directory (pass NDJSON, JSON or .gz files, "
            "a directory, or - for stdin)"
        )
    _check_outputs_are_not_inputs(args)
    for name in args.files:
        if name != "-" and Path(name).is_dir() and next(iter_event_files([name]), None) is None:
            print(
                f"actions: warning: {name}: no event files in this directory (read: *.json, *.ndjson, *.jsonl "
                "and their .gz; hidden files are skipped)",
                file=sys.stderr,
            )


def _check_outputs_are_not_inputs(args: argparse.Namespace) -> None:
    """The report is written while events are read: never over (or among) the events."""
    name = args.report_file
    if not name or name == "-":
        return
    target = Path(name).resolve()
    for source in args.files:
        given = Path(source).resolve() if source != "-" else None
        if given == target:
            raise CommandError(
                f"--report-file {name} is also an event file to replay: writing it would destroy "
                "the events before they are read; write it somewhere else"
            )
        if (
            given is not None
            and given.is_dir()
            and target.is_relative_to(given)
            and target.name.lower().endswith(EVENT_FILE_SUFFIXES)
        ):
            raise CommandError(
                f"--report-file {name} is inside the event directory {source}, so it would be read "
                "back as events; write it somewhere else"
            )


def _open_report(args: argparse.Namespace) -> NdjsonReport | None:
    if not args.report:
        return None
    from framework.delivery.run_report import NdjsonReport

    try:
        return NdjsonReport(args.report_file)
    except OSError as error:
        raise CommandError(f"--report-file {args.report_file}: cannot write ({error.strerror})") from None


def _maybe_start_emulator(args: argparse.Namespace) -> Any:
    if not args.emulator:
        return None
    from framework.cli.destination_lookup import find_destination

    config = read_raw_config(args.instance, args.destination)
    definition = find_destination(config.destination, args.path or [])
    emulator = start_emulator(definition, dict(config.settings), config.auth, list(config.subscriptions))
    print(f"Started the {config.destination} emulator at {emulator.base_url}", file=sys.stderr)
    return emulator


def _print_holdings(emulator: Any) -> None:
    title, columns, rows = emulator.holdings()
    print(f"\n{title}")
    if rows:
        print(render_table(list(columns), rows))


def _print_requests(record: EventRecord, results: list[SubscriptionResult], out: Any) -> None:
    lines: list[str] = []
    for result in results:
        for exchange in result.exchanges:
            lines.append(f"{record.location}  [{result.subscription}]")
            lines.append(f"  {exchange.method} {exchange.url}")
            lines.extend(
                f"  {name}: {value}"
                for name, value in (exchange.headers or {}).items()
                if name.lower() not in _TRANSPORT_HEADERS
            )
            lines.append("  " + _body_text(exchange.body))
    if lines:
        print("\n".join(lines), file=out)


def _body_text(body: Any) -> str:
    if isinstance(body, (dict, list)):
        return json.dumps(body, ensure_ascii=False)
    return "" if body is None else str(body)


def _summary_stream(args: argparse.Namespace) -> Any:
    return sys.stderr if args.report and args.report_file in (None, "-") else sys.stdout


def _exit_code(args: argparse.Namespace, tally: RunTally) -> int:
    if tally.total("dead_lettered") or tally.total("still_queued"):
        return EXIT_FAILED
    if args.strict and (tally.bad_line_count or tally.total("invalid")):
        return EXIT_FAILED
    return EXIT_OK
