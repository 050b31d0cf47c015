"""``actions test [PATH...]``: run declarative mapping test cases and print a diff per failure.

Default PATH: ``fixtures/mappings``. See ``framework.cli.mapping_cases`` (and docs/operating.md) for
the case format. Exit 1 when any case fails.
"""

from __future__ import annotations

import argparse
from typing import Any

from framework.cli.command_error import EXIT_FAILED, EXIT_OK
from framework.cli.mapping_cases import load_cases, run_case

__all__ = ["register", "run"]


def register(subparsers: Any) -> None:
    """Add ``test`` to the ``actions`` parser."""
    parser = subparsers.add_parser("test", help="run declarative mapping test cases", description=__doc__)
    parser.add_argument("paths", nargs="*", metavar="PATH", default=["fixtures/mappings"],
                        help="case files or directories (default: fixtures/mappings)")
    parser.add_argument("-q", "--quiet", action="store_true", help="print failures and the summary only")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Run every case, print PASS/FAIL lines, diffs and a summary."""
    cases = load_cases(args.paths)
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
    print(f"\n{len(cases) - failed} passed, {failed} failed, {len(cases)} cases")
    return EXIT_FAILED if failed else EXIT_OK
