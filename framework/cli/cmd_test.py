"""``actions test [PATH...]``: run declarative mapping test cases and print a diff per failure.

Default PATH: ``fixtures/mappings``. See ``framework.testing.mapping_cases`` (and docs/operating.md)
for the case format. A case file that cannot be read is reported (file and why) and the other files
still run. Exit 1 when any case fails, 2 when a case file could not be read or there was no case.
``--path DIR`` (and ``$ACTIONS_PATH``) finds destinations that are not installed yet.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from framework.cli.command_error import EXIT_FAILED, EXIT_OK, EXIT_USAGE, CommandError
from framework.cli.destination_lookup import add_path_option, find_destination

if TYPE_CHECKING:  # the runner imports requests: loaded by the command, not by `actions --help`
    from framework.testing.mapping_cases import LoadedCases

__all__ = ["register", "run", "DEFAULT_CASES"]

DEFAULT_CASES = "fixtures/mappings"


def register(subparsers: Any) -> None:
    """Add ``test`` to the ``actions`` parser."""
    parser = subparsers.add_parser("test", help="run declarative mapping test cases", description=__doc__)
    parser.add_argument("paths", nargs="*", metavar="PATH", default=[],
                        help=f"case files or directories (default: {DEFAULT_CASES})")
    parser.add_argument("-q", "--quiet", action="store_true", help="print failures and the summary only")
    add_path_option(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Run every case that could be read, print PASS/FAIL lines, diffs, unreadable files and a summary."""
    loaded = _load(args.paths)
    for problem in loaded.problems:
        print(f"actions: error: {problem}", file=sys.stderr)
    failed = sum(not _report(case, args) for case in _run_all(loaded, args.path))
    print(_summary(len(loaded.cases), failed, len(loaded.problems)))
    if loaded.problems:
        return EXIT_USAGE
    return EXIT_FAILED if failed else EXIT_OK


def _load(paths: list[str]) -> LoadedCases:
    from framework.testing.mapping_cases import CaseError, load_cases

    if not paths and not Path(DEFAULT_CASES).is_dir():
        raise CommandError(f"{DEFAULT_CASES}: no such folder here; with no PATH, actions test reads the cases in "
                           f"{DEFAULT_CASES}/ under the current folder: run it from the project folder, or pass "
                           "case files or folders")
    shown = ", ".join(paths or [DEFAULT_CASES])
    try:
        loaded = load_cases(paths or [DEFAULT_CASES])
    except CaseError as error:
        raise CommandError(str(error)) from None
    if not loaded.cases and not loaded.problems:
        found = "no case files (*.json)" if not loaded.files else "case files with no case in them"
        raise CommandError(f"{shown}: {found}, so nothing was tested; write cases as described in "
                           "docs/operating.md, or pass the folder that holds them")
    return loaded


def _run_all(loaded: LoadedCases, paths: list[str]) -> list[Any]:
    from framework.testing.mapping_cases import run_case

    return [run_case(case, lambda slug: find_destination(slug, paths)) for case in loaded.cases]


def _report(outcome: Any, args: argparse.Namespace) -> bool:
    """Print one case's line (and diff); True when it passed."""
    case = outcome.case
    if outcome.passed:
        if not args.quiet:
            print(f"PASS  {case.id}")
        return True
    print(f"FAIL  {case.id}  ({case.source})\n      {outcome.message}")
    for line in outcome.diff:
        print(f"      {line}")
    return False


def _summary(cases: int, failed: int, unreadable: int) -> str:
    line = f"\n{cases - failed} passed, {failed} failed, {cases} case{'s' if cases != 1 else ''}"
    if unreadable:
        line += f"; {unreadable} not run: the case file or case could not be read (errors above)"
    return line
