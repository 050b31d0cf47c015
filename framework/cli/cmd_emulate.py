"""``actions emulate NAME [options]``: run a destination's API emulator on loopback in the foreground.

Everything after NAME goes to the emulator's own command line (``actions emulate pardot --help``).
Point an instance at it with ``endpoint = "http://127.0.0.1:8080"`` in its TOML config.
"""

from __future__ import annotations

import argparse
from typing import Any

from framework.cli.emulators import run_emulator_main

__all__ = ["register", "run"]


def register(subparsers: Any) -> None:
    """Add ``emulate`` to the ``actions`` parser."""
    parser = subparsers.add_parser(
        "emulate",
        help="run a destination's API emulator (e.g. pardot)",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("name", metavar="NAME", help="destination folder or slug, e.g. pardot")
    parser.add_argument("options", nargs=argparse.REMAINDER, help="options for the emulator (--port N, ...)")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Hand over to the emulator's ``main``."""
    return run_emulator_main(args.name, args.options)
