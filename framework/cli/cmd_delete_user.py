"""``actions delete-user --instance FILE --user-id ID``: delete one user's data at the destination (GDPR).

What Segment does with a user deletion for a destination whose definition has ``on_delete``: the
function gets ``{userId, anonymousId}`` and the instance's settings and credentials (and its
``endpoint``), and asks the destination to delete that user (Klaviyo: a data-privacy deletion job
for the profile whose id is the user id)::

    actions delete-user --instance fixtures/instances/actions-klaviyo.toml --user-id 01PROFILE

Prints the destination's answer (its status, or what ``on_delete`` returned); secrets never appear.
The logic is ``framework.runtime.deletion``.
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
    """Add ``delete-user`` to the ``actions`` parser."""
    parser = subparsers.add_parser(
        "delete-user", help="delete one user's data at the destination (its on_delete)", description=__doc__
    )
    parser.add_argument("--instance", required=True, metavar="FILE", help="instance config (.toml or Segment .json)")
    parser.add_argument("--user-id", metavar="ID", help="the user's userId")
    parser.add_argument("--anonymous-id", metavar="ID", help="the user's anonymousId")
    parser.add_argument("--destination", metavar="SLUG", help="the destination of a Segment settings JSON")
    add_path_option(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Print the destination's answer; exit 1 when it refused, 2 for bad arguments or config."""
    from framework.runtime.audience_calls import instance_parts
    from framework.runtime.deletion import delete_user

    if not args.user_id and not args.anonymous_id:
        raise CommandError("delete-user needs --user-id or --anonymous-id: the user whose data is deleted.")
    with load_instance(args.instance, paths=args.path, destination=args.destination) as instance:
        definition = instance.definition
        if definition.on_delete is None:
            raise CommandError(f"{args.instance}: {definition.name} ({definition.slug}) does not delete users: "
                               "its definition has no on_delete.")  # fmt: skip
        try:
            answer = delete_user(definition, user_id=args.user_id, anonymous_id=args.anonymous_id,
                                 **instance_parts(instance))  # fmt: skip
        except Exception as error:  # the destination's refusal, on one line without secrets
            raise CommandError(
                f"{args.instance}: {refusal_line(instance, 'deleting the user', error)}", EXIT_FAILED
            ) from None
    print(_shown(definition.name, answer))
    return EXIT_OK


def _shown(name: str, answer: Any) -> str:
    """A response as its status; anything else on_delete returned as JSON."""
    status = getattr(answer, "status_code", None)
    if isinstance(status, int):
        return f"{name} answered {status}: deletion requested."
    return json.dumps(answer, default=str, ensure_ascii=False)
