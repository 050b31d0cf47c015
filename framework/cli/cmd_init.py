"""``actions init NAME``: scaffold a destination package that validates and passes its tests as generated.

The package gets a definition (``__init__.py``), one action (``send_event.py``), tests that use the
harness (``tests/``) and an event fixture (``fixtures/``). It is not registered anywhere: use it with
``--path DIR`` while you work, then install it with an ``action_destinations`` entry point
(docs/writing-a-destination.md).
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from framework.cli.command_error import EXIT_OK, CommandError
from framework.cli.scaffold import AUTH_SCHEMES, names_for, render_destination

__all__ = ["register", "run"]


def register(subparsers: Any) -> None:
    """Add ``init`` to the ``actions`` parser."""
    parser = subparsers.add_parser("init", help="scaffold a new destination package", description=__doc__)
    parser.add_argument("name", metavar="NAME", help="the destination's name, e.g. 'Acme CRM'")
    parser.add_argument("--auth", choices=AUTH_SCHEMES, default="custom",
                        help="authentication scheme (default: custom, an API key setting)")
    parser.add_argument("--dir", default=".", metavar="DIR", help="folder to create the package in (default: .)")
    parser.add_argument("--slug", help="the slug to register (default: actions-<name>)")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Write the package and say what to run next."""
    try:
        names = names_for(args.name, args.slug)
    except ValueError as error:
        raise CommandError(f"actions init: {error}") from None
    parent = Path(args.dir)
    target = parent / names.package
    if target.exists():
        raise CommandError(f"{target}: already exists; choose another NAME or --dir (nothing was written)")
    try:
        written = render_destination(names, args.auth, target)
    except OSError as error:
        raise CommandError(f"{target}: cannot write ({error.strerror or error}); check --dir") from None
    print(f"Created {names.title} ({names.slug}, auth {args.auth}) in {target}:")
    for path in written:
        print(f"  {path.relative_to(parent)}")
    print(
        "\nNext:\n"
        f"  actions validate {names.slug} --path {parent}\n"
        f"  {_cd(parent)}python -m pytest {names.package}/tests\n"
        f"  actions list --path {parent}\n"
        "Register it for good with an entry point: see docs/writing-a-destination.md."
    )
    return EXIT_OK


def _cd(parent: Path) -> str:
    """``cd DIR && `` when the tests must run from elsewhere; nothing when DIR is where the user is."""
    return "" if parent.resolve() == Path.cwd().resolve() else f"cd {parent} && "
