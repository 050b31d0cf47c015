"""``actions test [PATH...]``: run declarative mapping test cases and print a diff per failure.

Default PATH: ``fixtures/mappings``. See ``framework.cli.mapping_cases`` (and docs/operating.md) for
the case format. Exit 1 when any case fails.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from framework.cli.command_error import EXIT_FAILED, EXIT_OK, CommandError
from framework.cli.mapping_cases import load_cases, run_case

__all__ = ["register", "run", "DEFAULT_CASES"]

DEFAULT_CASES = "fixtures/mappings"


def register(subparsers: Any) -> None:
    """Add ``test`` to the ``actions`` parser."""
    parser = subparsers.add_parser("test", help="run declarative mapping test cases", description=__doc__)
    parser.add_argument("paths", nargs="*", metavar="PATH", default=[],
                        help=f"case files or directories (default: {DEFAULT_CASES})")
    parser.add_argument("-q", "--quiet", action="store_true", help="print failures and the summary only")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Run every case, print PASS/FAIL lines, diffs and a summary."""
    if not args.paths and not Path(DEFAULT_CASES).is_dir():
        raise CommandError(f"{DEFAULT_CASES}: no such folder here; with no PATH, actions test reads the cases in "
                           f"{DEFAULT_CASES}/ under the current folder: run it from the project folder, or pass "
                           "case files or folders")
    cases = load_cases(args.paths or [DEFAULT_CASES])
    failed = 0
    for case in cases:
        outcome = run_case(case)
        if outcome.passed:
            if not args.quiet:
                print(f"PASS  {case.id}")
            continue
        failed += 1
        print(f"FAIL  {case.id}  ({case.source})\n      {outcome.message}")
        for line in outcome.diff:
            print(f"      {line}")
    print(f"\n{len(cases) - failed} passed, {failed} failed, {len(cases)} case{'s' if len(cases) != 1 else ''}")
    return EXIT_FAILED if failed else EXIT_OK
