"""``actions fields SLUG ACTION FIELD --instance FILE``: a dynamic field's choices, from the destination's API.

The choices are fetched with the instance's settings and credentials (and its ``endpoint``, so an
emulator answers when one is set): the lists, object types or properties that account really has.
``--page TOKEN`` asks for the page after the one that printed that token; ``--json`` prints
Segment's ``{choices, nextPage, error}``. An object field's per-property choices are asked for by
path: ``FIELD.PROPERTY``, ``FIELD.[N].PROPERTY`` for item N of a list of objects, ``FIELD.__keys__``
and ``FIELD.KEY`` (a free-form object's keys, and the values of one); ``--payload JSON`` gives the
mapping's values so far, which some choices depend on (``{"object_details": {"object_type": "deals"}}``).
"""

from __future__ import annotations

import argparse
import json
from typing import Any

from framework.cli.command_error import EXIT_FAILED, EXIT_OK, CommandError
from framework.cli.destination_lookup import add_path_option
from framework.cli.instance_loading import load_instance
from framework.cli.table import render_table

__all__ = ["register", "run"]


def register(subparsers: Any) -> None:
    """Add ``fields`` to the ``actions`` parser."""
    parser = subparsers.add_parser(
        "fields", help="list a dynamic field's choices from the destination's API", description=__doc__
    )
    parser.add_argument("slug", help="the destination's slug (the instance's)")
    parser.add_argument("action", help="the action's key")
    parser.add_argument("field", help="the field's key, or FIELD.PROPERTY, FIELD.[N].PROPERTY, FIELD.KEY")
    parser.add_argument(
        "--instance", required=True, metavar="FILE", help="instance config whose settings and credentials are used"
    )
    parser.add_argument("--page", metavar="TOKEN", help="the next-page token a previous run printed")
    parser.add_argument("--payload", metavar="JSON", help="the mapping's values so far, as a JSON object")
    parser.add_argument("--json", action="store_true", help="print Segment's {choices, nextPage, error} JSON")
    add_path_option(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Print the field's choices; exit 1 when the destination answered with an error."""
    from framework.runtime.dynamic_fields import fetch_choices

    payload = _payload(args.payload)
    json_destination = args.slug if args.instance.endswith(".json") else None  # a TOML names its own
    with load_instance(args.instance, paths=args.path, destination=json_destination) as instance:
        if instance.definition.slug != args.slug:
            raise CommandError(f"{args.instance} is an instance of {instance.definition.slug}, not {args.slug}.")
        try:
            choices, _ = fetch_choices(
                instance.definition,
                args.action,
                args.field,
                settings=instance.settings,
                auth=instance.credentials.current(),
                session=instance.session,
                payload=payload,
                page=args.page,
                endpoint=instance.endpoint,
            )
        except LookupError as error:  # no such action or dynamic field: say which there are
            raise CommandError(str(error).strip("'\"")) from None
    if args.json:
        print(json.dumps(choices.to_dict(), indent=2, ensure_ascii=False))
    else:
        _show(choices)
    return EXIT_FAILED if choices.error else EXIT_OK


def _payload(text: str | None) -> dict[str, Any]:
    """``--payload``'s object, or a CommandError saying where its JSON breaks."""
    if text is None:
        return {}
    try:
        payload = json.loads(text)
    except json.JSONDecodeError as error:
        raise CommandError(f"--payload is not JSON: {error.msg} at column {error.colno}.") from None
    if not isinstance(payload, dict):
        raise CommandError(f"--payload must be a JSON object, not {type(payload).__name__}.")
    return payload


def _show(choices: Any) -> None:
    if choices.error:
        print(f"error: {choices.error}")
    if choices.choices:
        print(render_table(["value", "label"], [[str(c.value), c.label] for c in choices.choices]))
    elif not choices.error:
        print("no choices")
    if choices.next_page:
        print(f"more: --page {choices.next_page}")
