"""``actions explain --instance FILE --event FILE``: why each subscription takes or skips each event.

First the instance's id (the ``id`` in its config, else derived from it: what its queued jobs carry).
For every event and subscription: the trigger's verdict (and, when it does not match, the condition
that failed: ``type = "identify" is false: type is "track"``), then each mapped field's value and
source. Nothing is sent.
"""

from __future__ import annotations

import argparse
from typing import Any

from framework.catalog.field_text import trace_value_text
from framework.cli.command_error import EXIT_OK
from framework.cli.destination_lookup import add_path_option
from framework.cli.event_input import read_event_records
from framework.cli.instance_loading import load_instance
from framework.cli.table import render_table

__all__ = ["register", "run"]


def register(subparsers: Any) -> None:
    """Add ``explain`` to the ``actions`` parser."""
    parser = subparsers.add_parser(
        "explain", help="show each trigger's verdict and each field's source", description=__doc__
    )
    parser.add_argument("--instance", required=True, metavar="FILE", help="instance config (.toml or Segment .json)")
    parser.add_argument("--destination", metavar="SLUG", help="the destination of a Segment settings JSON")
    parser.add_argument("--event", required=True, metavar="FILE", help="event file (JSON, NDJSON, .gz, or -)")
    parser.add_argument("--line", type=int, metavar="N", help="only the event starting on line N")
    parser.add_argument(
        "--all-fields", action="store_true", help="also show the fields of subscriptions whose trigger does not match"
    )
    add_path_option(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Explain every event against every subscription."""
    from framework.delivery.delivery_mode import delivery_mode_text  # heavy: only when the command runs

    instance = load_instance(args.instance, paths=args.path, destination=args.destination)
    print(f"Instance {instance.id} ({instance.definition.slug}): the id its jobs carry in the queue\n")
    for record in read_event_records(args.event, args.line):
        print(f"{record.location}  {record.event.get('type', '?')} {record.event.get('messageId', '')}".rstrip())
        for explanation in instance.explain(record.event):
            _show(explanation, args.all_fields)
            if explanation.matched and explanation.enabled and not explanation.error:
                sub = next(s for s in instance.subscriptions if s.index == explanation.index)
                print(f"      delivery: {delivery_mode_text(instance, sub)}")
        print()
    return EXIT_OK


def _show(explanation: Any, all_fields: bool) -> None:
    head = f"  [{explanation.index}] {explanation.subscription} → {explanation.action}: "
    if not explanation.enabled:
        print(head + "disabled")
        return
    if explanation.error:
        print(head + f"error: {explanation.error}")
    elif explanation.matched:
        print(head + f"matches ({explanation.subscribe})")
    else:
        print(head + f"filtered: {explanation.reason}")
    if explanation.fields and (explanation.matched or all_fields):
        rows = [[trace.field, trace_value_text(trace), trace.source] for trace in explanation.fields]
        print(render_table(["field", "value", "source"], rows, indent="      "))
