"""The ``actions`` command: one subcommand per module in this package, standard-library argparse.

``main(argv)`` returns the exit code instead of exiting, so tests call it directly::

    >>> main(["list"])   # doctest: +SKIP
    0

Exit codes: 0 success, 1 the command ran and found problems (validation errors, failing test cases,
events that failed), 2 it could not run as asked (bad arguments or config, unreadable file), 130
interrupted. A user error is one line on stderr (``actions: error: what, where, what to do``), never a
traceback.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from framework.cli.command_error import EXIT_INTERRUPTED, EXIT_OK, EXIT_USAGE, CommandError
from framework.cli.commands import COMMANDS

__all__ = ["main", "build_parser"]


def build_parser() -> argparse.ArgumentParser:
    """The full parser: every module in ``COMMANDS`` adds its own subparser."""
    parser = argparse.ArgumentParser(
        prog="actions",
        description="Run, test and write Segment-style action destinations.",
        epilog="Run 'actions COMMAND --help' for a command's options. Docs: docs/operating.md, "
        "docs/writing-a-destination.md.",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for command in COMMANDS:
        command.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Parse ``argv`` (default: ``sys.argv[1:]``), run the subcommand, return its exit code."""
    parser = build_parser()
    try:
        args = parser.parse_args(list(argv) if argv is not None else None)
    except SystemExit as exit_request:  # argparse exits on --help and on usage errors
        return _exit_code(exit_request.code)
    try:
        return int(args.run(args))
    except CommandError as error:
        _print_error(error.message)
        return error.exit_code
    except (ValueError, LookupError) as error:
        # A framework error about the user's input that a command did not translate: still one line.
        lines = _user_error_lines(error)
        if lines is None:
            raise
        _print_error("\n".join(lines))
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("actions: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:  # `actions describe x | head`: the reader left, which is fine
        return EXIT_OK


def _print_error(message: str) -> None:
    for line in message.splitlines() or [""]:
        print(f"actions: error: {line}", file=sys.stderr)


def _user_error_lines(error: BaseException) -> list[str] | None:
    """The lines to show for the framework's own user-input errors; None for anything else (a bug)."""
    from framework.instance import InstanceConfigError
    from framework.mapping import MappingError
    from framework.registry import UnknownDestinationError
    from framework.subscriptions import FQLSyntaxError

    if isinstance(error, InstanceConfigError):
        return list(error.errors)
    if isinstance(error, (MappingError, FQLSyntaxError, UnknownDestinationError)):
        errors = getattr(error, "errors", None)
        return [str(item) for item in errors] if errors else [str(error)]
    return None


def _exit_code(code: object) -> int:
    if code is None:
        return EXIT_OK
    return code if isinstance(code, int) else EXIT_USAGE
