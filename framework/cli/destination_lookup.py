"""The CLI's side of finding destinations: the ``--path`` option, and registry errors as CommandErrors.

Finding itself is ``framework.registry`` (built-ins, installed plugins, and packages under ``--path``);
this module keeps the argparse option and turns the registry's lookup errors into the CLI's located
messages. ``Found``, ``find_all`` and ``slug_of`` are re-exported for code that still imports them here.
The registry is imported on first use: it loads pydantic, which the CLI's start-up must not.
"""

from __future__ import annotations

import argparse
import os
from typing import TYPE_CHECKING, Any

from framework.cli.command_error import CommandError

if TYPE_CHECKING:
    from framework.definition import DestinationDefinition
    from framework.registry import Found

__all__ = ["add_path_option", "find_all", "find_destination", "PATH_VARIABLE"]  # and, lazily, Found and slug_of

PATH_VARIABLE = "ACTIONS_PATH"
"""Folders searched as if given with ``--path`` (``os.pathsep``-separated), for a shell session of work."""


def add_path_option(parser: argparse.ArgumentParser) -> None:
    """``--path DIR`` (repeatable): also look for destination packages in DIR (and in ``$ACTIONS_PATH``)."""
    parser.add_argument(
        "--path",
        action="append",
        default=_from_environment(),
        metavar="DIR",
        help=f"also look for destination packages in DIR (a package, a folder of packages, or a project made by "
        f"actions init); repeatable; ${PATH_VARIABLE} adds folders too",
    )


def __getattr__(name: str) -> Any:
    """``Found`` and ``slug_of``, from the registry, loaded when first asked for."""
    if name in ("Found", "slug_of"):
        from framework import registry

        return getattr(registry, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def find_all(paths: list[str]) -> Found:
    """``framework.registry.find_all``, with a folder that is not a directory as a CommandError."""
    from framework.registry import PathNotADirectoryError
    from framework.registry import find_all as registry_find_all

    try:
        return registry_find_all(paths)
    except PathNotADirectoryError as error:
        raise CommandError(_path_message(error, paths)) from None


def find_destination(slug: str, paths: list[str]) -> DestinationDefinition:
    """The destination ``slug`` (or its folder, package or entry-point name), or a CommandError listing the known."""
    from framework.registry import PathNotADirectoryError, UnknownDestinationError
    from framework.registry import find_destination as registry_find_destination

    try:
        return registry_find_destination(slug, paths)
    except PathNotADirectoryError as error:
        raise CommandError(_path_message(error, paths)) from None
    except UnknownDestinationError as error:
        raise CommandError(str(error)) from None


def _from_environment() -> list[str]:
    return [part for part in os.environ.get(PATH_VARIABLE, "").split(os.pathsep) if part]


def _path_message(error: ValueError, paths: list[str]) -> str:
    folder = str(error).split(": ", 1)[0]
    if folder in _from_environment():
        return f"${PATH_VARIABLE} names {folder}, which is not a directory; fix it, or unset {PATH_VARIABLE}"
    return f"--path {error}"
