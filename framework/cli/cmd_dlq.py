"""``actions dlq list|show|retry|purge``: inspect and re-drive dead letters (and invalid jobs).

* ``list [--instance ID] [--reason TEXT] [--since 2026-12-01|24h]``: one line per dead letter.
* ``show ID``: the job, its event and every attempt: status, resolution, error, redacted request.
* ``retry ID...|--all|--reason TEXT``: queue them again, due now, with a fresh give-up window
  (fix the cause first: re-authorise, edit the mapping); ``actions worker`` then delivers them.
  ``retry --mapping NEW.json --dry-run --instance CONFIG``: per dead letter, the payload the new mapping
  would send next to the body that failed; nothing is re-sent.
* ``purge ID...|--all|--reason TEXT``: delete them for good.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path
from typing import Any

from framework.cli.arg_types import job_id
from framework.cli.command_error import EXIT_OK, CommandError
from framework.cli.queue_option import add_queue_option, open_queue_for
from framework.cli.table import render_table

__all__ = ["register", "run"]


def register(subparsers: Any) -> None:
    """Add ``dlq`` to the ``actions`` parser."""
    parser = subparsers.add_parser(
        "dlq",
        help="inspect and re-drive dead letters",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = parser.add_subparsers(dest="dlq_command", metavar="SUBCOMMAND", required=True)
    listing = sub.add_parser("list", help="list dead letters")
    _add_selection(listing)
    show = sub.add_parser("show", help="a dead letter's attempts, errors and redacted requests")
    show.add_argument("id", type=job_id, metavar="ID")
    add_queue_option(show)
    retry = sub.add_parser("retry", help="queue dead letters again")
    _add_selection(retry, ids=True)
    retry.add_argument("--mapping", metavar="NEW.json", help="with --dry-run: preview this mapping's payloads")
    retry.add_argument("--dry-run", action="store_true", help="change nothing; show what would be re-driven")
    retry.add_argument(
        "--config",
        dest="instance_config",
        metavar="CONFIG",
        help="the instance config (needed with --mapping, for the action's validation)",
    )
    purge = sub.add_parser("purge", help="delete dead letters for good")
    _add_selection(purge, ids=True)
    parser.set_defaults(run=run)


def _add_selection(parser: argparse.ArgumentParser, *, ids: bool = False) -> None:
    if ids:
        parser.add_argument("ids", nargs="*", type=job_id, metavar="ID")
        parser.add_argument("--all", action="store_true", help="every dead letter matching the other options")
    parser.add_argument("--instance", metavar="ID", help="only this instance id")
    parser.add_argument("--reason", metavar="TEXT", help="only those whose reason contains TEXT")
    parser.add_argument(
        "--since", metavar="WHEN", help="only those enqueued since a date (2026-12-01) or a duration ago (24h)"
    )
    add_queue_option(parser)


def run(args: argparse.Namespace) -> int:
    """Dispatch to the subcommand."""
    queue = open_queue_for(args)
    try:
        return {"list": _list, "show": _show, "retry": _retry, "purge": _purge}[args.dlq_command](queue, args)
    finally:
        queue.close()


def _selection(args: argparse.Namespace) -> Any:
    from framework.delivery import DeadLetterSelection

    return DeadLetterSelection(instance_id=args.instance, reason=args.reason, since=_since(args.since))


def _since(text: str | None) -> float | None:
    if not text:
        return None
    from framework.instance.config import parse_duration

    try:
        return time.time() - parse_duration(text)
    except ValueError:
        pass
    try:
        return time.mktime(time.strptime(text, "%Y-%m-%d"))
    except ValueError:
        raise CommandError(f"--since {text}: write a date (2026-12-01) or a duration (24h, 7d)") from None


def _list(queue: Any, args: argparse.Namespace) -> int:
    rows = [
        [
            job.id,
            job.instance_id,
            job.subscription_name,
            job.message_id,
            job.state.value,
            job.tries,
            _short(job.last_error),
        ]
        for job in queue.dead_letters(_selection(args))
    ]
    if not rows:
        print("No dead letters match.")
        return EXIT_OK
    print(render_table(["id", "instance", "subscription", "messageId", "state", "attempts", "reason"], rows))
    print(f"\n{len(rows)} dead letter{'s' if len(rows) != 1 else ''}. Details: actions dlq show ID")
    return EXIT_OK


def _show(queue: Any, args: argparse.Namespace) -> int:
    job = queue.job(args.id)
    if job is None:
        raise CommandError(f"dlq show {args.id}: no job with that id in {queue.url} (see actions dlq list)")
    print(
        f"Job {job.id}: {job.state.value}, instance {job.instance_id}, subscription [{job.subscription}] "
        f"{job.subscription_name}, messageId {job.message_id}"
    )
    print(f"Reason: {job.last_error or '(none)'}")
    print(f"Event: {json.dumps(job.event, ensure_ascii=False)}")
    for attempt in queue.attempts(job.id):
        when = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(attempt.started_at))
        print(
            f"\nAttempt {attempt.number} at {when} ({attempt.latency_ms:.0f} ms): {attempt.status}"
            f"{', ' + attempt.resolution if attempt.resolution else ''}"
            f"{', HTTP ' + str(attempt.http_status) if attempt.http_status else ''}"
            f"{', code ' + attempt.error_code if attempt.error_code else ''}"
        )
        if attempt.message:
            print(f"  {attempt.message}")
        if attempt.request:
            request = attempt.request
            print(f"  {request.get('method')} {request.get('url')}")
            for name, value in (request.get("headers") or {}).items():
                print(f"  {name}: {value}")
            if request.get("body"):
                print(f"  {request['body']}")
    return EXIT_OK


def _chosen(queue: Any, args: argparse.Namespace) -> list[Any]:
    if args.ids and args.all:
        raise CommandError("give job ids or --all, not both")
    if args.ids:
        jobs = [queue.job(job_id) for job_id in args.ids]
        missing = [str(job_id) for job_id, job in zip(args.ids, jobs, strict=True) if job is None]
        if missing:
            raise CommandError(f"no job {', '.join(missing)} in {queue.url} (see actions dlq list)")
        return jobs
    if not (args.all or args.reason or args.instance or args.since):
        raise CommandError("name the dead letters: job ids, --all, or --reason/--instance/--since")
    return list(queue.dead_letters(_selection(args)))


def _retry(queue: Any, args: argparse.Namespace) -> int:
    jobs = _chosen(queue, args)
    if args.mapping:
        return _preview(queue, args, jobs)
    if args.dry_run:
        print(f"Would queue again {len(jobs)} dead letter{'s' if len(jobs) != 1 else ''} (nothing changed).")
        return EXIT_OK
    count = queue.redrive([job.id for job in jobs])
    print(
        f"Queued again: {count} job{'s' if count != 1 else ''}, due now. Deliver them with: actions worker --instance CONFIG"
    )
    return EXIT_OK


def _preview(queue: Any, args: argparse.Namespace, jobs: list[Any]) -> int:
    from framework.cli.instance_loading import load_instance
    from framework.delivery.mapping_preview import preview_mapping

    if not args.dry_run:
        raise CommandError(
            "--mapping previews only (add --dry-run); to re-send with a new mapping, put it in the "
            "instance config, then run actions dlq retry"
        )
    if not args.instance_config:
        raise CommandError("--mapping needs --config CONFIG (the instance config, for the action's validation)")
    try:
        mapping = json.loads(Path(args.mapping).read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise CommandError(f"--mapping {args.mapping}: cannot read a JSON mapping ({error})") from None
    instance = load_instance(args.instance_config)
    for preview in preview_mapping(queue, instance, jobs, mapping):
        print(f"Job {preview.job.id} ({preview.job.message_id}): {_short(preview.job.last_error)}")
        print(f"  failed:   {json.dumps(preview.failed_body, ensure_ascii=False)}")
        print(
            f"  new:      {json.dumps(preview.new_payload, ensure_ascii=False)}"
            if preview.problem is None
            else f"  new:      cannot be built: {preview.problem}"
        )
    print(f"\n{len(jobs)} dead letter{'s' if len(jobs) != 1 else ''} previewed; nothing was sent or changed.")
    return EXIT_OK


def _purge(queue: Any, args: argparse.Namespace) -> int:
    jobs = _chosen(queue, args)
    count = queue.purge([job.id for job in jobs])
    print(f"Purged {count} job{'s' if count != 1 else ''} and their attempts.")
    return EXIT_OK


def _short(text: str, width: int = 100) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"
