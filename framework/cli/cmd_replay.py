"""``actions replay FILE... --instance CONFIG``: send recorded Segment events through a destination instance.

Three modes: ``--dry-run`` (nothing leaves the machine; each request is printed, secrets redacted),
``--emulator`` (the destination's emulator runs in-process on loopback and the instance points at it),
or live (credentials from the config, whose ``${ENV_VAR}`` values come from the environment).

Events run concurrently, up to the destination's ``concurrency_limit``, but the events of one user keep
their file order. A progress bar shows on stderr when it is a terminal; the summary table always
prints; ``--report json`` writes every event's results for machines; ``--resume STATEFILE`` skips
messageIds an earlier run delivered.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from framework.cli.command_error import EXIT_FAILED, EXIT_INTERRUPTED, EXIT_OK, CommandError
from framework.cli.emulators import RunningEmulator, start_emulator
from framework.cli.destination_lookup import add_path_option
from framework.cli.instance_loading import load_instance, read_raw_config
from framework.cli.keyed_pool import KeyedWorkerPool
from framework.cli.progress import ProgressBar
from framework.cli.replay_report import JsonReport
from framework.cli.replay_tally import ReplayTally
from framework.cli.resume_state import ResumeState
from framework.cli.table import render_table
from framework.events import EVENT_FILE_SUFFIXES, BadLine, EventRecord, iter_event_files, read_events

if TYPE_CHECKING:
    import requests

    from framework.instance import SubscriptionResult

__all__ = ["register", "run"]

_DEFAULT_CONCURRENCY = 4
# Added by the HTTP library to every request; they say nothing about the destination.
_TRANSPORT_HEADERS = {"accept", "accept-encoding", "connection", "content-length", "user-agent"}


def register(subparsers: Any) -> None:
    """Add ``replay`` to the ``actions`` parser."""
    parser = subparsers.add_parser("replay", help="replay event files through a destination instance",
                                   description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("files", nargs="+", metavar="FILE", help="event files or directories; - for stdin")
    parser.add_argument("--instance", required=True, metavar="CONFIG", help="instance config (.toml or Segment .json)")
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--dry-run", action="store_true", help="send nothing; print each request, redacted")
    mode.add_argument("--emulator", action="store_true", help="run against the destination's local emulator")
    parser.add_argument("--concurrency", type=_positive_int, metavar="N",
                        help="events in flight at once (default and maximum: the destination's concurrency_limit)")
    parser.add_argument("--report", choices=["json"], help="also write every event's results as JSON")
    parser.add_argument("--report-file", metavar="PATH", help="where --report goes (default: stdout)")
    parser.add_argument("--resume", metavar="STATEFILE", help="skip messageIds delivered by an earlier run; record new ones")
    parser.add_argument("--show-prospects", action="store_true", help="with --emulator: print its prospects afterwards")
    parser.add_argument("--progress", action=argparse.BooleanOptionalAction, default=None,
                        help="force the progress bar on or off (default: on when stderr is a terminal)")
    parser.add_argument("--strict", action="store_true", help="exit 1 on bad lines and invalid events too, not only failures")
    add_path_option(parser)
    parser.set_defaults(run=run)


def _positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be 1 or more")
    return value


@dataclass
class _Run:
    """Everything one replay shares between the reading loop and the worker threads."""

    instance: Any
    tally: ReplayTally
    progress: ProgressBar
    dry_run: bool
    report_on_stdout: bool = False
    report: JsonReport | None = None
    resume: ResumeState | None = None
    writes: Counter[Any] = field(default_factory=Counter)  # successful writes per prospect id (emulator)
    without_message_id: int = 0  # events --resume cannot record, so a later run sends them again


def run(args: argparse.Namespace) -> int:
    """Replay, print the summary (and prospects), return 1 when any event failed."""
    _check_arguments(args)
    emulator = _maybe_start_emulator(args)
    try:
        state = _prepare(args, emulator)
        with state.instance:
            interrupted = _replay_until_done_or_interrupted(args, state)
        _print_summary(args, state, interrupted)
        if emulator is not None and args.show_prospects:
            _print_prospects(emulator, state)
    finally:
        if emulator is not None:
            emulator.stop()
    return EXIT_INTERRUPTED if interrupted else _exit_code(args, state.tally)


def _replay_until_done_or_interrupted(args: argparse.Namespace, state: _Run) -> bool:
    """True when Ctrl+C stopped the replay: the summary is then partial, and says so."""
    try:
        _replay(args, state)
    except KeyboardInterrupt:
        return True
    return False


def _print_summary(args: argparse.Namespace, state: _Run, interrupted: bool) -> None:
    out = sys.stderr if _report_on_stdout(args) else sys.stdout
    if interrupted:
        print(f"Interrupted: the summary covers the events finished so far. {_how_to_continue(args)}", file=out)
    if args.dry_run:
        print("Dry run: nothing was sent; 'delivered' counts requests that were built.", file=out)
    print(state.tally.render(), file=out)
    _print_disabled(state, out)
    _print_resume_notes(args, state, out)


def _print_disabled(state: _Run, out: Any) -> None:
    """Disabled subscriptions never produce a result, so without this line they would just be missing."""
    disabled = [subscription.name for subscription in state.instance.subscriptions if not subscription.enabled]
    if disabled:
        print(f"\nDisabled (enabled = false, not run): {', '.join(disabled)}", file=out)


def _how_to_continue(args: argparse.Namespace) -> str:
    if args.resume and not args.dry_run:
        return f"Run the same command again: --resume {args.resume} skips what was delivered."
    return "Run again with --resume STATEFILE to skip what was delivered."


def _print_resume_notes(args: argparse.Namespace, state: _Run, out: Any) -> None:
    """What --resume could not do: record a dry run, or events without a messageId."""
    if state.resume is None:
        return
    if state.resume.read_only:
        print(f"\n--resume {args.resume}: read, not written (a dry run delivers nothing to record).", file=out)
    if state.without_message_id:
        count = state.without_message_id
        print(f"\n--resume {args.resume}: {count} event{'s have' if count != 1 else ' has'} no messageId, so "
              f"{'they' if count != 1 else 'it'} cannot be recorded and a later run sends "
              f"{'them' if count != 1 else 'it'} again.", file=out)


def _check_arguments(args: argparse.Namespace) -> None:
    if args.show_prospects and not args.emulator:
        raise CommandError("--show-prospects needs --emulator (only the emulator's prospects can be listed)")
    if args.report_file and not args.report:
        raise CommandError("--report-file needs --report json")
    missing = [name for name in args.files if name != "-" and not Path(name).exists()]
    if missing:
        raise CommandError(f"{missing[0]}: no such event file or directory (pass NDJSON, JSON or .gz files, "
                           "a directory, or - for stdin)")
    _check_outputs_are_not_inputs(args)
    for name in args.files:
        if name != "-" and Path(name).is_dir() and next(iter_event_files([name]), None) is None:
            print(f"actions: warning: {name}: no event files in this directory (read: *.json, *.ndjson, *.jsonl "
                  "and their .gz; hidden files are skipped)", file=sys.stderr)


def _check_outputs_are_not_inputs(args: argparse.Namespace) -> None:
    """The report and the state file are written before events are read: never over (or among) the events."""
    for option, name in (("--report-file", args.report_file), ("--resume", args.resume)):
        if not name or name == "-":
            continue
        target = Path(name).resolve()
        for source in args.files:
            given = Path(source).resolve() if source != "-" else None
            if given == target:
                raise CommandError(f"{option} {name} is also an event file to replay: writing it would destroy "
                                   "the events before they are read; write it somewhere else")
            if given is not None and given.is_dir() and target.is_relative_to(given) \
                    and target.name.lower().endswith(EVENT_FILE_SUFFIXES):
                raise CommandError(f"{option} {name} is inside the event directory {source}, so it would be read "
                                   "back as events; write it somewhere else")


def _maybe_start_emulator(args: argparse.Namespace) -> RunningEmulator | None:
    if not args.emulator:
        return None
    config = read_raw_config(args.instance)
    emulator = start_emulator(config.destination, dict(config.settings), config.auth, list(config.subscriptions))
    print(f"Started the {config.destination} emulator at {emulator.base_url}", file=sys.stderr)
    return emulator


def _prepare(args: argparse.Namespace, emulator: RunningEmulator | None) -> _Run:
    session = _dry_run_session() if args.dry_run else None
    instance = load_instance(args.instance, endpoint=emulator.base_url if emulator else None, session=session,
                             paths=args.path)
    return _Run(
        instance=instance,
        tally=ReplayTally(),
        progress=ProgressBar(label="events", enabled=args.progress),
        dry_run=args.dry_run,
        report_on_stdout=_report_on_stdout(args),
        report=JsonReport(args.report_file) if args.report else None,
        resume=ResumeState(Path(args.resume), read_only=args.dry_run) if args.resume else None,
    )


def _dry_run_session() -> requests.Session:
    """A session whose every request is answered in-process with an empty 200: nothing leaves the machine."""
    from framework.testing import MockTransport, Reply

    return MockTransport(lambda request: Reply(200, json={})).session()


def _replay(args: argparse.Namespace, state: _Run) -> None:
    workers = _concurrency(args, state.instance)
    try:
        with KeyedWorkerPool(lambda record: _send(state, record), workers) as pool:
            for item in read_events(args.files):
                if isinstance(item, BadLine):
                    state.tally.add_bad_line(item)
                    if state.report:
                        state.report.add_bad_line(item)
                    continue
                state.tally.add_event()
                if state.resume is not None and item.event.get("messageId") is None:
                    state.without_message_id += 1
                if state.resume is not None and state.resume.already_delivered(item.event.get("messageId")):
                    state.tally.add_skipped()
                    if state.report:
                        state.report.add_skipped(item)
                    continue
                pool.submit(_user_key(item), item)
    finally:
        state.progress.close()
        if state.report:
            state.report.finish(state.tally.summary())
        if state.resume is not None:
            state.resume.close()


def _concurrency(args: argparse.Namespace, instance: Any) -> int:
    if args.dry_run:
        return 1  # requests are printed: keep them in file order
    limit = instance.definition.concurrency_limit
    if args.concurrency is None:
        return limit or _DEFAULT_CONCURRENCY
    return min(args.concurrency, limit) if limit else args.concurrency


def _user_key(record: EventRecord) -> str:
    """The key that keeps one user's events in order: userId, else anonymousId, else the email trait."""
    event = record.event
    traits = event.get("traits") if isinstance(event.get("traits"), dict) else {}
    for value in (event.get("userId"), event.get("anonymousId"), traits.get("email"), event.get("messageId")):
        if isinstance(value, (str, int)) and str(value):
            return str(value)
    return record.location


def _send(state: _Run, record: EventRecord) -> None:
    try:
        results = list(state.instance.send(record.event))
    except Exception as error:  # a bug in a destination must cost one event, not the replay
        reason = f"{type(error).__name__}: {error}"
        state.tally.add_crash(reason)
        if state.report:
            state.report.add_crash(record, reason)
        state.progress.advance(note=f"{state.tally.total('failed')} failed")
        return
    state.tally.add_results(results)
    if state.report:
        state.report.add_event(record, results)
    if state.resume is not None and all(result.ok for result in results):
        state.resume.mark_delivered(record.event.get("messageId"))
    _count_writes(state, results)
    if state.dry_run:
        _print_requests(record, results, sys.stderr if state.report_on_stdout else sys.stdout)
    state.progress.advance(note=f"{state.tally.total('failed')} failed" if state.tally.total("failed") else "")


def _count_writes(state: _Run, results: list[SubscriptionResult]) -> None:
    for result in results:
        if result.status.value != "delivered":
            continue
        for exchange in result.exchanges:
            body = _json_or_none(exchange.response_body)
            if isinstance(body, dict) and "id" in body:
                state.writes[body["id"]] += 1


def _json_or_none(text: Any) -> Any:
    if not isinstance(text, str):
        return text
    try:
        return json.loads(text)
    except ValueError:
        return None


def _print_requests(record: EventRecord, results: list[SubscriptionResult], out: Any) -> None:
    lines: list[str] = []
    for result in results:
        for exchange in result.exchanges:
            lines.append(f"{record.location}  [{result.subscription}]")
            lines.append(f"  {exchange.method} {exchange.url}")
            lines.extend(f"  {name}: {value}" for name, value in (exchange.headers or {}).items()
                         if name.lower() not in _TRANSPORT_HEADERS)
            lines.append("  " + _body_text(exchange.body))
    if lines:
        print("\n".join(lines), file=out, flush=True)


def _body_text(body: Any) -> str:
    if isinstance(body, (dict, list)):
        return json.dumps(body, ensure_ascii=False)
    return "" if body is None else str(body)


def _report_on_stdout(args: argparse.Namespace) -> bool:
    return bool(args.report) and args.report_file in (None, "-")


def _print_prospects(emulator: RunningEmulator, state: _Run) -> None:
    prospects = emulator.prospects() if emulator.prospects else []
    out = sys.stdout
    columns = ["id", "email", "firstName", "lastName", "company", "jobTitle", "city"]
    custom = sorted({key for prospect in prospects for key in prospect if key.endswith("__c")})
    rows = [[prospect.get(c) for c in columns + custom] + [state.writes.get(prospect.get("id"), 0)] for prospect in prospects]
    updated = sum(1 for prospect in prospects if state.writes.get(prospect.get("id"), 0) > 1)
    print(f"\nProspects in the emulator: {len(prospects)} created, {updated} of them updated afterwards", file=out)
    if rows:
        print(render_table(columns + custom + ["writes"], rows), file=out)


def _exit_code(args: argparse.Namespace, tally: ReplayTally) -> int:
    if tally.total("failed"):
        return EXIT_FAILED
    if args.strict and (tally.bad_lines or tally.total("invalid")):
        return EXIT_FAILED
    return EXIT_OK
