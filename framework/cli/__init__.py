"""The ``actions`` command: one subcommand per module in this package, standard-library argparse.

``main(argv)`` returns the exit code instead of exiting, so tests call it directly::

    >>> main(["list"])   # doctest: +SKIP
    0

``main()`` with no ``argv`` is the ``actions`` program itself (the console script, ``python -m
framework.cli``): its process ends with the command, so it skips the collector's last full pass at
exit (see :func:`_spare_the_exit_collection`).

Exit codes: 0 success, 1 the command ran and found problems (validation errors, failing test cases,
events that failed), 2 it could not run as asked (bad arguments or config, unreadable file), 130
interrupted. A user error is one line on stderr (``actions: error: what, where, what to do``), never a
traceback.
"""

from __future__ import annotations

import argparse
import gc
import sqlite3
import sys
from collections.abc import Sequence

from framework.cli.command_error import EXIT_INTERRUPTED, EXIT_OK, EXIT_USAGE, CommandError
from framework.cli.commands import COMMANDS
from framework.cli.queue_option import queue_failure

__all__ = ["main", "build_parser"]


def build_parser() -> argparse.ArgumentParser:
    """The full parser: every module in ``COMMANDS`` adds its own subparser."""
    return _build()[0]


def _build() -> tuple[argparse.ArgumentParser, dict[str, argparse.ArgumentParser]]:
    """The parser and each command's own parser, so a mistake is reported with that command's usage."""
    parser = argparse.ArgumentParser(
        prog="actions",
        description="Run, test and write Segment-style action destinations.",
        epilog="Run 'actions COMMAND --help' for a command's options. Docs: docs/operating.md, "
        "docs/writing-a-destination.md.",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for command in COMMANDS:
        command.register(subparsers)
    return parser, dict(subparsers.choices)


def main(argv: Sequence[str] | None = None) -> int:
    """Parse ``argv`` (default: ``sys.argv[1:]``, the program's own), run the subcommand, return its exit code."""
    code = _main(argv)
    if argv is None:
        _spare_the_exit_collection()
    return code


def _spare_the_exit_collection() -> None:
    """Freeze what is alive, so the interpreter's exit does not walk it all for cycles.

    CPython's last full collection at exit visits every object the start-up made (modules, classes,
    pydantic schemas) to find the few cycles that are garbage: a fifth of a one-event replay's CPU.
    The young generations are collected first, so the cycles made last (an error path's) are still
    finalized, as the exit would have done. Only for the program: an in-process caller (a test) goes
    on allocating, and frozen objects are never collected.
    """
    gc.collect(1)
    gc.freeze()


def _main(argv: Sequence[str] | None) -> int:
    parser, commands = _build()
    arguments = list(argv) if argv is not None else sys.argv[1:]
    if not arguments:  # a bare `actions`: the list of commands says more than "COMMAND is required"
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    try:
        _check_command_name(parser, commands, arguments)
        args, extras = parser.parse_known_args(arguments)
        extras = _take_trailing_files(args, commands[args.command], extras)
        if extras:  # reported by the command's own parser: its usage, and the option a typo meant
            commands[args.command].error(_unrecognized(extras, commands[args.command]))
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
    except sqlite3.Error as error:  # the queue failed under a command: a full disk, a corrupt page
        _print_error(queue_failure(args, error).message)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("actions: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:  # `actions describe x | head`: the reader left, which is fine
        return EXIT_OK


def _check_command_name(
    parser: argparse.ArgumentParser, commands: dict[str, argparse.ArgumentParser], arguments: list[str]
) -> None:
    """A mistyped command gets the one it most likely meant (``replya`` → ``replay``)."""
    name = next((argument for argument in arguments if not argument.startswith("-")), None)
    if name is None or name in commands:
        return
    import difflib  # only for a mistyped command

    guess = difflib.get_close_matches(name, list(commands), n=1)
    if guess:
        parser.error(
            f"argument COMMAND: invalid choice: {name!r} (did you mean {guess[0]!r}? choose from {', '.join(commands)})"
        )


def _take_trailing_files(args: argparse.Namespace, command: argparse.ArgumentParser, extras: list[str]) -> list[str]:
    """Files after the options (``replay a.ndjson --dry-run b.ndjson``) join the files before them.

    argparse stops filling a ``FILE...`` positional at the first option; people do not expect that.
    """
    listing = next(
        (action for action in command._actions if not action.option_strings and action.nargs in ("+", "*")), None
    )
    if listing is None or not extras or any(extra.startswith("-") and extra != "-" for extra in extras):
        return extras
    before = getattr(args, listing.dest)
    setattr(args, listing.dest, [*([] if before is listing.default else before), *extras])
    return []


def _unrecognized(extras: list[str], command: argparse.ArgumentParser) -> str:
    """``unrecognized arguments: --dryrun (did you mean --dry-run?)``."""
    import difflib  # only for a mistyped option

    options = [option for action in command._actions for option in action.option_strings]
    guesses = [
        match
        for extra in extras
        if extra.startswith("-")
        for match in difflib.get_close_matches(extra.split("=")[0], options, n=1)
    ]
    hint = f" (did you mean {' '.join(guesses)}?)" if guesses else ""
    return f"unrecognized arguments: {' '.join(extras)}{hint}"


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
