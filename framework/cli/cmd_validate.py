"""``actions validate [SLUG]``: static checks of destination definitions; exit 1 when any error is found.

Run it before committing a destination: it catches what would otherwise surface only when a user sets
up an instance (a preset naming a renamed field, a default trigger that does not parse).
"""

from __future__ import annotations

import argparse
from typing import Any

from framework.cli.command_error import EXIT_FAILED, EXIT_OK
from framework.cli.destination_lookup import add_path_option, find_all, find_destination

__all__ = ["register", "run"]


def register(subparsers: Any) -> None:
    """Add ``validate`` to the ``actions`` parser."""
    parser = subparsers.add_parser("validate", help="check destination definitions statically", description=__doc__)
    parser.add_argument("slug", nargs="?", metavar="SLUG", help="only this destination (default: all)")
    add_path_option(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Print findings per destination and a verdict line; errors make the exit code 1."""
    if args.slug:
        definitions = [find_destination(args.slug, args.path)]
        load_errors: list[str] = []
    else:
        found = find_all(args.path)
        definitions = [found.by_slug[slug] for slug in sorted(found.by_slug)]
        load_errors = found.errors
    errors = sum(_report(definition) for definition in definitions)
    for problem in load_errors:
        print(f"error: cannot load destination: {problem}")
    errors += len(load_errors)
    if errors:
        print(f"\nOne or more validation errors were found ({errors}).")
        return EXIT_FAILED
    print(f"\n{len(definitions)} destination{'s' if len(definitions) != 1 else ''} valid.")
    return EXIT_OK


def _report(definition: Any) -> int:
    from framework.definition import check_definition  # loads pydantic: inside the command, not at start-up
    from framework.registry import slug_of

    findings = check_definition(definition)
    errors = sum(1 for finding in findings if finding.level == "error")
    warnings = len(findings) - errors
    verdict = "ok" if not errors else f"{errors} error{'s' if errors != 1 else ''}"
    if warnings:
        verdict += f", {warnings} warning{'s' if warnings != 1 else ''}"
    print(f"{slug_of(definition)} ({definition.name}): {verdict}")
    for finding in findings:
        print(f"  {finding}")
    return errors
