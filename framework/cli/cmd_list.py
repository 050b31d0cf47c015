"""``actions list``: the destinations this installation can run, and the ones that failed to load."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from framework.cli.command_error import EXIT_OK
from framework.cli.destination_lookup import add_path_option, find_all
from framework.cli.table import render_table

__all__ = ["register", "run"]


def register(subparsers: Any) -> None:
    """Add ``list`` to the ``actions`` parser."""
    parser = subparsers.add_parser("list", help="list registered destinations", description=__doc__)
    add_path_option(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Print one row per destination; broken ones go to stderr so a typo in a plugin is not silent."""
    found = find_all(args.path)
    rows = [
        [slug, definition.name, _auth_scheme(definition), ", ".join(definition.actions), found.sources[slug]]
        for slug, definition in sorted(found.by_slug.items())
    ]
    if rows:
        print(render_table(["slug", "name", "auth", "actions", "from"], rows))
    else:
        print("No destinations found. Create one with 'actions init NAME'.")
    for error in found.errors:
        print(f"actions: warning: destination failed to load: {error}", file=sys.stderr)
    for path in found.empty_paths:
        print(
            f"actions: warning: --path {path}: no package here exposes a `definition` (pass the folder that "
            "holds the package, or the package folder itself)",
            file=sys.stderr,
        )
    return EXIT_OK


def _auth_scheme(definition: Any) -> str:
    authentication = getattr(definition, "authentication", None)
    return str(getattr(authentication, "scheme", None) or "none")
