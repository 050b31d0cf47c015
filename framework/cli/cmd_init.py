"""``actions init NAME``: scaffold an installable destination project that validates and passes its tests.

The project (``DIR/<package>/``) gets a ``pyproject.toml`` with the ``action_destinations`` entry
point, the package (a definition, one action ``send_event.py``, a response classifier
``classifier.py``), tests that use the harness and the standard suite (``tests/``), and an event
fixture (``fixtures/``). Use it with ``--path DIR`` while you work; ``pip install -e DIR/<package>``
registers it, and ``actions list`` then shows it without ``--path``.
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
    parser.add_argument(
        "--auth",
        choices=AUTH_SCHEMES,
        default="custom",
        help="authentication scheme (default: custom, an API key setting)",
    )
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
        f"Register it for good (its pyproject.toml declares the entry point): pip install -e {target}"
    )
    return EXIT_OK


def _cd(parent: Path) -> str:
    """``cd DIR && `` when the tests must run from elsewhere; nothing when DIR is where the user is."""
    return "" if parent.resolve() == Path.cwd().resolve() else f"cd {parent} && "
