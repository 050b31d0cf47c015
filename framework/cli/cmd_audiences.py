"""``actions audiences create|get --instance FILE``: make or check an Engage audience's list at the destination.

What Segment does when an audience is connected to an audience destination (Klaviyo): ``create``
calls the destination's ``create_audience`` with the audience's name and settings, and prints the
external id it answers (the list's id, which the audience's events then carry as
``context.personas.external_audience_id``); ``get`` calls ``get_audience`` with an external id and
prints it once the destination has checked the list is there and the account owns it::

    actions audiences create --instance fixtures/instances/actions-klaviyo.toml --name "VIP users"
    actions audiences get --instance fixtures/instances/actions-klaviyo.toml --id XyZ123

(To try it locally, point the instance's ``endpoint`` at ``actions emulate klaviyo``.) ``--settings JSON`` gives the audience's own settings (the destination's ``audience_fields``, e.g.
``{"listId": "XyZ123"}``); ``--json`` prints Segment's ``{"externalId": ...}``. The instance's settings,
credentials and ``endpoint`` are used; secrets never appear in what is printed. The logic is
``framework.runtime.audience_calls``.
"""

from __future__ import annotations

import argparse
import json
from typing import Any

from framework.cli.command_error import EXIT_FAILED, EXIT_OK, CommandError
from framework.cli.destination_lookup import add_path_option
from framework.cli.instance_loading import load_instance
from framework.cli.refusal_line import refusal_line

__all__ = ["register", "run"]


def register(subparsers: Any) -> None:
    """Add ``audiences`` (with ``create`` and ``get``) to the ``actions`` parser."""
    parser = subparsers.add_parser(
        "audiences", help="create or check an audience's list at an audience destination", description=__doc__
    )
    commands = parser.add_subparsers(dest="audiences_command", metavar="SUBCOMMAND", required=True)
    create = commands.add_parser("create", help="create the audience at the destination; print its external id")
    create.add_argument("--name", required=True, help="the audience's name (Segment's audienceName)")
    create.add_argument(
        "--personas", metavar="JSON", help="Engage's personas object (computation_id, computation_key, namespace)"
    )
    get = commands.add_parser("get", help="check an audience's external id at the destination; print it")
    get.add_argument("--id", required=True, dest="external_id", metavar="EXTERNAL_ID", help="the external id to check")
    for sub in (create, get):
        sub.add_argument("--instance", required=True, metavar="FILE", help="instance config (.toml or Segment .json)")
        sub.add_argument("--destination", metavar="SLUG", help="the destination of a Segment settings JSON")
        sub.add_argument("--settings", metavar="JSON", help="the audience's settings, as a JSON object")
        sub.add_argument("--json", action="store_true", help='print Segment\'s {"externalId": ...}')
        add_path_option(sub)
        sub.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Print the external id; exit 1 when the destination refused, 2 for bad arguments or config."""
    from framework.runtime.audience_calls import create_audience, get_audience, instance_parts

    audience_settings = json_object("--settings", args.settings)
    personas = json_object("--personas", getattr(args, "personas", None))
    with load_instance(args.instance, paths=args.path, destination=args.destination) as instance:
        definition = instance.definition
        _require_audiences(args.instance, definition)
        if args.audiences_command == "create":
            _check_audience_settings(definition, audience_settings)
        try:
            if args.audiences_command == "create":
                result = create_audience(definition, args.name, audience_settings=audience_settings,
                                         personas=personas or None, **instance_parts(instance))  # fmt: skip
            else:
                result = get_audience(definition, args.external_id, audience_settings=audience_settings,
                                      **instance_parts(instance))  # fmt: skip
        except Exception as error:  # the destination's refusal, shown on one line without secrets
            raise CommandError(f"{args.instance}: {refusal_line(instance, _doing(args), error)}", EXIT_FAILED) from None
    print(json.dumps(result.to_dict()) if args.json else result.external_id)
    return EXIT_OK


def json_object(option: str, text: str | None) -> dict[str, Any]:
    """An option's JSON object (empty when not given), or a CommandError saying where its JSON breaks."""
    if text is None:
        return {}
    try:
        value = json.loads(text)
    except json.JSONDecodeError as error:
        raise CommandError(f"{option} is not JSON: {error.msg} at column {error.colno}.") from None
    if not isinstance(value, dict):
        raise CommandError(f"{option} must be a JSON object, not {type(value).__name__}.")
    return value


def _require_audiences(path: str, definition: Any) -> None:
    config = definition.audience_config
    if config is None or not config.creates_audiences:
        raise CommandError(
            f"{path}: {definition.name} ({definition.slug}) does not create audiences: its definition has no "
            "audience_config with create_audience and get_audience."
        )


def _check_audience_settings(definition: Any, audience_settings: dict[str, Any]) -> None:
    """``--settings`` checked against the destination's audience fields before anything is sent."""
    from framework.definition.audience_config import validate_audience_settings
    from framework.errors import PayloadValidationError

    if not audience_settings:
        return
    try:
        validate_audience_settings(definition, audience_settings)
    except PayloadValidationError as error:
        declared = ", ".join(definition.audience_fields) or "none"
        raise CommandError(
            f"--settings: {error.message} (the audience settings of {definition.name}: {declared})"
        ) from None


def _doing(args: argparse.Namespace) -> str:
    if args.audiences_command == "create":
        return f"creating audience {args.name!r}"
    return f"checking audience {args.external_id!r}"
