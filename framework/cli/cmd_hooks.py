"""``actions hooks run --instance FILE``: run the instance's action hooks and keep what they saved.

Every subscription whose action has hooks (``onMappingSave``) runs them with the inputs in its mapping
(``[subscriptions.mapping.onMappingSave.inputs]``) and the instance's settings and credentials. The
outputs are written beside the instance as ``NAME.hooks.json`` (framework.runtime.hooks says why a
file and not the instance itself); a hook that fails is reported and keeps nothing.
"""

from __future__ import annotations

import argparse
from typing import Any

from framework.cli.command_error import EXIT_FAILED, EXIT_OK
from framework.cli.destination_lookup import add_path_option
from framework.cli.instance_loading import load_instance

__all__ = ["register", "run"]


def register(subparsers: Any) -> None:
    """Add ``hooks`` (with its ``run`` subcommand) to the ``actions`` parser."""
    parser = subparsers.add_parser("hooks", help="run an instance's action hooks (onMappingSave)", description=__doc__)
    commands = parser.add_subparsers(dest="hooks_command", metavar="SUBCOMMAND", required=True)
    run_parser = commands.add_parser("run", help="run every hook and write NAME.hooks.json beside the instance")
    run_parser.add_argument(
        "--instance", required=True, metavar="FILE", help="instance config (.toml or Segment .json)"
    )
    run_parser.add_argument("--destination", metavar="SLUG", help="the destination of a Segment settings JSON")
    add_path_option(run_parser)
    run_parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Run the hooks, print one line each, write the outputs; exit 1 when a hook failed."""
    from framework.runtime.hooks import run_subscription_hooks, write_saved_hooks

    with load_instance(args.instance, paths=args.path, destination=args.destination) as instance:
        runs = run_subscription_hooks(
            instance.definition,
            instance.subscriptions,
            settings=instance.settings,
            auth=instance.credentials.current(),
            session=instance.session,
            endpoint=instance.endpoint,
        )
    if not runs:
        print(f"{args.instance}: no subscription's action has hooks; nothing to run.")
        return EXIT_OK
    for hook_run in runs:
        outcome = (
            f"failed: {hook_run.result.error}"
            if hook_run.result.error
            else f"saved {sorted(hook_run.result.saved_data)}"
        )
        print(f"{hook_run.subscription} {hook_run.hook}: {outcome}")
    print(f"wrote {write_saved_hooks(args.instance, runs)}")
    return EXIT_FAILED if any(hook_run.result.error for hook_run in runs) else EXIT_OK
