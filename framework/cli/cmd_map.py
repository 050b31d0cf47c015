"""``actions map --mapping FILE --event FILE``: one mapping on events, field by field, with sources.

For each event: every output field's value and where it came from (``@if exists $.traits.email →
then: @path $.traits.email``), then the resolved payload as JSON. ``--action SLUG:ACTION`` also
validates the payload the way the runtime would before calling the destination.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from framework.catalog.field_text import trace_value_text
from framework.cli.command_error import EXIT_FAILED, EXIT_OK, CommandError
from framework.cli.destination_lookup import add_path_option, find_destination
from framework.cli.event_input import read_event_records
from framework.cli.json_files import read_json_file
from framework.cli.table import render_table

__all__ = ["register", "run"]


def register(subparsers: Any) -> None:
    """Add ``map`` to the ``actions`` parser."""
    parser = subparsers.add_parser("map", help="show how a mapping resolves on events", description=__doc__)
    parser.add_argument("--mapping", required=True, metavar="FILE", help="a mapping-kit mapping (JSON object)")
    parser.add_argument("--event", required=True, metavar="FILE", help="event file (JSON, NDJSON, .gz, or -)")
    parser.add_argument("--line", type=int, metavar="N", help="only the event starting on line N")
    parser.add_argument("--action", metavar="SLUG:ACTION", help="validate the payload as this action would")
    add_path_option(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Compile the mapping (located errors if invalid), then show each event's resolution."""
    from framework.mapping import MappingValidationError, compile_mapping

    mapping = read_json_file(args.mapping, "a mapping (a JSON object of output fields)")
    if not isinstance(mapping, dict):
        raise CommandError(
            f"{args.mapping}: a mapping must be a JSON object of output fields, not {type(mapping).__name__}"
        )
    action = _action(args.action, args.path) if args.action else None
    if action is not None:
        mapping = {**action.default_mapping(), **mapping}
    try:
        compiled = compile_mapping(mapping)
    except MappingValidationError as error:
        raise CommandError("\n".join(f"{args.mapping}: {problem}" for problem in error.errors)) from None
    for pointer, text in _literal_paths(mapping):
        print(
            f"actions: warning: {args.mapping}: {pointer} is the literal text {json.dumps(text)}; to read it from "
            f'the event, write {{"@path": {json.dumps(text)}}}',
            file=sys.stderr,
        )
    failures = sum(_show(record, compiled, action) for record in read_event_records(args.event, args.line))
    return EXIT_FAILED if failures else EXIT_OK


def _literal_paths(value: Any, pointer: str = "") -> list[tuple[str, str]]:
    """Strings that look like event paths but are plain text: ``"$.traits.email"`` without ``@path``.

    The mapping is valid and the field gets the text itself, a mistake nothing else would point out.
    """
    if isinstance(value, str):
        return [(pointer, value)] if value.startswith("$.") else []
    if isinstance(value, list):
        return [found for index, item in enumerate(value) for found in _literal_paths(item, f"{pointer}/{index}")]
    if not isinstance(value, dict):
        return []
    return [
        found
        for key, item in value.items()
        if not (key.startswith("@") and isinstance(item, str))
        for found in _literal_paths(item, f"{pointer}/{key}")
    ]


def _action(reference: str, paths: list[str]) -> Any:
    slug, _, key = reference.partition(":")
    definition = find_destination(slug, paths)
    if not key:
        raise CommandError(
            f"--action {reference}: name the action too, as SLUG:ACTION "
            f"(e.g. {slug}:{next(iter(definition.actions), 'ACTION')})"
        )
    if key not in definition.actions:
        raise CommandError(
            f"--action {reference}: {slug} has no action {key!r} (actions: {', '.join(definition.actions)})"
        )
    return definition.actions[key]


def _show(record: Any, compiled: Any, action: Any) -> int:
    """Print one event's traces and payload; 1 when it cannot be mapped or validated."""
    from framework.errors import PayloadValidationError
    from framework.mapping import MappingError

    print(f"{record.location}  {record.event.get('type', '?')} {record.event.get('messageId', '')}".rstrip())
    try:
        traces = compiled.explain(record.event)
        payload = compiled(record.event)
    except MappingError as error:
        print(f"  cannot map this event: {error}")
        return 1
    rows = [[trace.field, trace_value_text(trace), trace.source] for trace in traces]
    print(render_table(["field", "value", "source"], rows, indent="  "))
    print("  payload: " + json.dumps(payload, ensure_ascii=False, default=str))
    if action is not None:
        try:
            cleaned = action.validate_payload(payload)
        except PayloadValidationError as error:
            print(f"  invalid for {action.title}: {error}")
            return 1
        print("  validated: " + json.dumps(cleaned, ensure_ascii=False, default=str))
        dropped = [key for key in payload if key not in action.fields]
        if dropped:
            print(
                f"  not fields of {action.title}, so never sent: {', '.join(dropped)} "
                f"(its fields: {', '.join(action.fields)})"
            )
    print()
    return 0
