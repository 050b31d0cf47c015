"""Finding destinations for the CLI: the registry, plus packages in directories given with ``--path``.

The registry knows built-ins and installed plugins. A destination being written (say, just made by
``actions init``) is neither until it is installed, so ``--path DIR`` imports the packages in ``DIR``
(or ``DIR`` itself when it is a package) and looks for a ``definition`` (or ``destination``) in each,
the same attribute names the registry uses.
"""

from __future__ import annotations

import argparse
import difflib
import importlib
import os
import pkgutil
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from framework.cli.command_error import CommandError
from framework.import_errors import describe_import_error, one_line

if TYPE_CHECKING:
    from framework.definition import DestinationDefinition

__all__ = ["add_path_option", "Found", "find_all", "find_destination", "slug_of", "PATH_VARIABLE"]

PATH_VARIABLE = "ACTIONS_PATH"
"""Folders searched as if given with ``--path`` (``os.pathsep``-separated), for a shell session of work."""

_ATTRIBUTES = ("definition", "destination")


@dataclass
class Found:
    """Every destination found, by slug, and the ones that failed to load (as readable lines)."""

    by_slug: dict[str, DestinationDefinition] = field(default_factory=dict)
    sources: dict[str, str] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    empty_paths: list[str] = field(default_factory=list)  # --path folders where no destination was found


def add_path_option(parser: argparse.ArgumentParser) -> None:
    """``--path DIR`` (repeatable): also look for destination packages in DIR (and in ``$ACTIONS_PATH``)."""
    parser.add_argument(
        "--path",
        action="append",
        default=_from_environment(),
        metavar="DIR",
        help=f"also look for destination packages in DIR (a package, or a folder of packages); repeatable; "
        f"${PATH_VARIABLE} adds folders too",
    )


def _from_environment() -> list[str]:
    return [part for part in os.environ.get(PATH_VARIABLE, "").split(os.pathsep) if part]


def slug_of(definition: Any) -> str:
    """The slug a destination is found by (its name when it has no slug)."""
    return str(getattr(definition, "slug", None) or definition.name)


def find_all(paths: list[str]) -> Found:
    """Destinations under ``paths`` first (they shadow installed ones while you work), then the registry."""
    found = Found()
    for directory in paths:
        if not _scan_directory(Path(directory), found):
            found.empty_paths.append(directory)
    _scan_registry(found)
    return found


def find_destination(slug: str, paths: list[str]) -> DestinationDefinition:
    """The destination ``slug`` (or its folder name), or a CommandError listing the known slugs."""
    found = find_all(paths)
    for key, definition in found.by_slug.items():
        if slug in (key, key.removeprefix("actions-")):
            return definition
    known = ", ".join(sorted(found.by_slug)) or "none"
    guess = _closest(slug, list(found.by_slug))
    suggestion = f' Did you mean "{guess}"?' if guess else ""
    hint = " Pass --path DIR for a destination that is not installed." if not paths and not guess else ""
    empty = "".join(f" Nothing under --path {path} exposes a `definition`: pass the folder that holds the "
                    "package (the --dir of actions init), or the package folder itself." for path in found.empty_paths)
    hint += empty
    broken = f" These failed to load (it may be one of them; fix it and run again): {'; '.join(found.errors)}." if found.errors else ""
    raise CommandError(f'unknown destination "{slug}".{suggestion} Known: {known}.{hint}{broken}')


def _closest(slug: str, slugs: list[str]) -> str | None:
    """The known slug a typo most likely meant (``actions-pardto`` → ``actions-pardot``), or None."""
    candidates = {key: key for key in slugs} | {key.removeprefix("actions-"): key for key in slugs}
    matches = difflib.get_close_matches(slug, list(candidates), n=1, cutoff=0.75)
    return candidates[matches[0]] if matches else None


def _scan_registry(found: Found) -> None:
    from framework import registry

    for definition in registry.list_destinations():
        found.by_slug.setdefault(slug_of(definition), definition)
        found.sources.setdefault(slug_of(definition), "installed")
    found.errors.extend(one_line(str(error)) for error in registry.load_errors())


def _scan_directory(directory: Path, found: Found) -> bool:
    """Import the package(s) in ``directory``; False when none of them is (or fails to be) a destination."""
    if not directory.is_dir():
        if str(directory) in _from_environment():
            raise CommandError(f"${PATH_VARIABLE} names {directory}, which is not a directory; fix it, or unset "
                               f"{PATH_VARIABLE}")
        raise CommandError(f"--path {directory}: no such directory (pass the folder holding your destination package)")
    if (directory / "__init__.py").exists():
        return _import_package(directory.resolve().parent, directory.resolve().name, found)
    packages = [info.name for info in sorted(pkgutil.iter_modules([str(directory)]), key=lambda i: i.name)
                if info.ispkg and not info.name.startswith(("_", "."))]
    return sum(_import_package(directory.resolve(), name, found) for name in packages) > 0


def _import_package(parent: Path, name: str, found: Found) -> bool:
    """True when the package is a destination, or tried to be one and failed to import."""
    if str(parent) not in sys.path:
        sys.path.insert(0, str(parent))
    try:
        module = importlib.import_module(name)
    except Exception as error:  # a broken package under --path is reported, the rest still load
        found.errors.append(f"{parent / name}: cannot import: {describe_import_error(error, parent / name)}")
        return True
    definition = _definition_in(module)
    if definition is None:
        return False
    found.by_slug[slug_of(definition)] = definition
    found.sources[slug_of(definition)] = str(parent / name)
    return True


def _definition_in(module: Any) -> Any:
    from framework.definition import DestinationDefinition

    for attribute in _ATTRIBUTES:
        candidate = getattr(module, attribute, None)
        if isinstance(candidate, DestinationDefinition):
            return candidate
    return None
