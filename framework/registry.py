"""Finding destinations by slug: the built-in ``destinations`` package plus third-party plugins.

Built-ins are the subpackages of ``destinations`` whose ``__init__`` exposes a ``DestinationDefinition``
as ``definition`` (or ``destination``). Third-party packages register in the ``action_destinations``
entry-point group; the value names a definition or a module holding one::

    [project.entry-points.action_destinations]
    acme = "acme_destination:definition"

Finding one destination by name does not import the others: the built-in package's ``SLUGS`` table
(slug → subpackage) names the one package to import, and the entry points are only listed, not loaded,
to check that none of them answers to that name. Anything else (an unknown name, a built-in missing
from the table or failing to import, a name an entry point also has, ``--path`` folders, listing them
all) takes the full scan, so every answer and message is the one the scan gives.

The full scan happens on first need and is cached. A destination that fails to import is not fatal: the
others still load, and ``load_errors()`` names the broken one and why, so ``actions list`` can show
it instead of hiding it.

A destination being written (say, just made by ``actions init``) is neither built in nor installed
until ``pip install -e``: :func:`find_all` and :func:`find_destination` also import the packages in
folders given with ``--path`` (a package, a folder of packages, or a project folder holding its package
next to ``pyproject.toml``). A package there whose slug is already built in or installed is refused
and named, as a duplicate entry point is: nothing silently replaces a destination.
"""

from __future__ import annotations

import importlib
import importlib.metadata
import importlib.util
import sys
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

from framework.definition import DestinationDefinition
from framework.import_errors import describe_import_error, one_line

__all__ = [
    "ENTRY_POINT_GROUP",
    "DestinationLoadError",
    "Found",
    "PathNotADirectoryError",
    "UnknownDestinationError",
    "clear_cache",
    "find_all",
    "find_destination",
    "get_destination",
    "list_destinations",
    "load_errors",
    "slug_of",
]

ENTRY_POINT_GROUP = "action_destinations"
_BUILTIN_PACKAGE = "destinations"
_ATTRIBUTES = ("definition", "destination")
_INDEX = "SLUGS"  # the built-in package's slug → subpackage table


@dataclass(frozen=True)
class DestinationLoadError:
    """A destination that could not be loaded: which one, from where, and why."""

    name: str
    source: str  # "built-in destinations.foo" or "entry point foo = pkg.mod:attr"
    message: str

    def __str__(self) -> str:
        return f"{self.name} ({self.source}): {self.message}"


class UnknownDestinationError(LookupError):
    """No destination has the slug asked for; the message lists the known ones."""

    def __init__(self, slug: str, known: list[str], message: str | None = None) -> None:
        listed = ", ".join(known) if known else "none are installed"
        super().__init__(message or f'Unknown destination "{slug}". Known destinations: {listed}.')
        self.slug = slug
        self.known = known


class PathNotADirectoryError(ValueError):
    """A folder to search (``--path``) is not a directory; the message says which and what to pass."""


@dataclass
class Found:
    """Every destination found, by slug, where each came from, and what failed to load (readable lines)."""

    by_slug: dict[str, DestinationDefinition] = field(default_factory=dict)
    sources: dict[str, str] = field(default_factory=dict)
    aliases: dict[str, str] = field(default_factory=dict)  # folder, package or entry-point name → slug
    errors: list[str] = field(default_factory=list)
    empty_paths: list[str] = field(default_factory=list)  # folders searched where no destination was found


@dataclass
class _Scan:
    by_slug: dict[str, DestinationDefinition]
    aliases: dict[str, str]
    errors: list[DestinationLoadError]
    sources: dict[str, str] = field(default_factory=dict)


_lock = threading.Lock()
_scan: _Scan | None = None
_entry_point_names: frozenset[str] | None = None


def get_destination(slug: str) -> DestinationDefinition:
    """The destination registered as ``slug`` (``"actions-pardot"``; the folder name ``"pardot"`` works too).

    Raises :class:`UnknownDestinationError` listing the known slugs.
    """
    alone = _built_in_alone(slug)
    if alone is not None:
        return alone
    scan = _scanned()
    key = scan.aliases.get(slug, slug)
    if key not in scan.by_slug:
        raise UnknownDestinationError(slug, sorted(scan.by_slug))
    return scan.by_slug[key]


def find_all(paths: Sequence[str | Path] = ()) -> Found:
    """Built-in and installed destinations, then the ones under ``paths`` (refused when a slug is taken)."""
    found = Found()
    scan = _scanned()
    for slug in sorted(scan.by_slug):
        found.by_slug[slug] = scan.by_slug[slug]
        found.sources[slug] = scan.sources[slug]
    found.aliases.update(scan.aliases)
    found.errors.extend(one_line(str(error)) for error in scan.errors)
    for directory in paths:
        if not _scan_directory(Path(directory), found):
            found.empty_paths.append(str(directory))
    return found


def find_destination(name: str, paths: Sequence[str | Path] = ()) -> DestinationDefinition:
    """The destination called ``name``: its slug, the slug without ``actions-``, its folder, package or
    entry-point name. Raises :class:`UnknownDestinationError` saying what is known and what to try."""
    alone = None if paths else _built_in_alone(name)
    if alone is not None:
        return alone
    found = find_all(paths)
    slug = found.aliases.get(name, name)
    for key, definition in found.by_slug.items():
        if slug in (key, key.removeprefix("actions-")):
            return definition
    raise UnknownDestinationError(name, sorted(found.by_slug), _unknown_message(name, found, paths))


def slug_of(definition: Any) -> str:
    """The slug a destination is found by (its name when it has no slug)."""
    return str(getattr(definition, "slug", None) or definition.name)


def list_destinations() -> list[DestinationDefinition]:
    """Every destination that loaded, sorted by slug."""
    scan = _scanned()
    return [scan.by_slug[slug] for slug in sorted(scan.by_slug)]


def load_errors() -> list[DestinationLoadError]:
    """The destinations that failed to load, each named with the reason."""
    return list(_scanned().errors)


def clear_cache() -> None:
    """Forget the scan, so the next call looks again (after installing a plugin, in tests)."""
    global _scan, _entry_point_names
    with _lock:
        _scan = None
        _entry_point_names = None


def _built_in_alone(name: str) -> DestinationDefinition | None:
    """The built-in ``name`` (slug or folder), importing no other destination; None when only the full
    scan can answer (or has already: then it is the cheaper answer)."""
    if _scan is not None:
        return None
    folder, slug = _indexed(name)
    if folder is None or name in _entry_points_listed():
        return None  # unknown here, or an entry point answers to this name too: the scan decides
    try:
        definition = _definition_in(importlib.import_module(f"{_BUILTIN_PACKAGE}.{folder}"))
    except Exception:  # the scan reports the failure as it always has
        return None
    return definition if definition is not None and slug_of(definition) == slug else None


def _indexed(name: str) -> tuple[str | None, str | None]:
    """(subpackage, slug) of the built-in the ``SLUGS`` table names ``name`` (slug or folder), else Nones."""
    table: dict[str, str] = getattr(importlib.import_module(_BUILTIN_PACKAGE), _INDEX, {})
    if name in table:
        return table[name], name
    slugs = [slug for slug, folder in table.items() if folder == name]
    return (name, slugs[0]) if len(slugs) == 1 else (None, None)


def _entry_points_listed() -> frozenset[str]:
    """The names in the entry-point group, read from the installed metadata without loading any plugin."""
    global _entry_point_names
    if _entry_point_names is None:
        listed = importlib.metadata.entry_points(group=ENTRY_POINT_GROUP)
        _entry_point_names = frozenset(entry_point.name for entry_point in listed)
    return _entry_point_names


def _scanned() -> _Scan:
    global _scan
    with _lock:
        if _scan is None:
            _scan = _Scan({}, {}, [])
            _scan_builtins(_scan)
            _scan_entry_points(_scan)
        return _scan


def _scan_builtins(scan: _Scan) -> None:
    import pkgutil  # the full scan's; finding one built-in by name needs no listing

    package = importlib.import_module(_BUILTIN_PACKAGE)
    for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda i: i.name):
        if not info.ispkg or info.name.startswith("_"):
            continue
        module_name = f"{_BUILTIN_PACKAGE}.{info.name}"
        source = f"built-in {module_name}"
        try:
            found = _definition_in(importlib.import_module(module_name))
        except Exception as error:  # a broken destination must not hide the others
            scan.errors.append(DestinationLoadError(info.name, source, _describe(error, module_name)))
            continue
        if found is not None:
            _register(scan, found, source, alias=info.name)


def _scan_entry_points(scan: _Scan) -> None:
    for entry_point in importlib.metadata.entry_points(group=ENTRY_POINT_GROUP):
        source = f"entry point {entry_point.name} = {entry_point.value}"
        try:
            found = _definition_from(entry_point.load())
        except Exception as error:  # a broken plugin must not hide the others
            scan.errors.append(DestinationLoadError(entry_point.name, source, _describe(error, entry_point.module)))
            continue
        if found is None:
            message = "it is neither a DestinationDefinition nor a module exposing one as `definition`"
            scan.errors.append(DestinationLoadError(entry_point.name, source, message))
            continue
        _register(scan, found, source, alias=entry_point.name)


def _register(scan: _Scan, definition: DestinationDefinition, source: str, alias: str) -> None:
    slug = _slug_of(definition)
    if slug in scan.by_slug:
        message = f'slug "{slug}" is already taken by another destination; this one is ignored'
        scan.errors.append(DestinationLoadError(alias, source, message))
        return
    scan.by_slug[slug] = definition
    scan.sources[slug] = "built-in" if source.startswith("built-in") else "installed"
    scan.aliases.setdefault(alias, slug)


_slug_of = slug_of


def _unknown_message(name: str, found: Found, paths: Sequence[str | Path]) -> str:
    known = ", ".join(sorted(found.by_slug)) or "none"
    guess = _closest(name, list(found.by_slug))
    suggestion = f' Did you mean "{guess}"?' if guess else ""
    hint = " Pass --path DIR for a destination that is not installed." if not paths and not guess else ""
    hint += "".join(
        f" Nothing under --path {path} exposes a `definition`: pass the folder that holds the "
        "package (the --dir of actions init), or the package folder itself."
        for path in found.empty_paths
    )
    broken = (
        f" These failed to load (it may be one of them; fix it and run again): {'; '.join(found.errors)}."
        if found.errors
        else ""
    )
    return f'unknown destination "{name}".{suggestion} Known: {known}.{hint}{broken}'


def _closest(slug: str, slugs: list[str]) -> str | None:
    """The known slug a typo most likely meant (``actions-pardto`` → ``actions-pardot``), or None."""
    import difflib  # only for an unknown name

    candidates = {key: key for key in slugs} | {key.removeprefix("actions-"): key for key in slugs}
    matches = difflib.get_close_matches(slug, list(candidates), n=1, cutoff=0.75)
    return candidates[matches[0]] if matches else None


def _scan_directory(directory: Path, found: Found) -> bool:
    """Import the package(s) in ``directory``; False when none of them is (or fails to be) a destination."""
    if not directory.is_dir():
        raise PathNotADirectoryError(
            f"{directory}: no such directory (pass the folder holding your destination package)"
        )
    if (directory / "__init__.py").exists():
        return _import_package(directory.resolve().parent, directory.resolve().name, found)
    if (directory / "pyproject.toml").exists() and (directory / directory.name / "__init__.py").exists():
        return _import_package(directory.resolve(), directory.name, found)  # a project made by actions init
    results = [_import_package(parent, name, found) for parent, name in _packages_in(directory.resolve())]
    return any(results)


def _packages_in(directory: Path) -> list[tuple[Path, str]]:
    """The packages directly in ``directory``, and those of the project folders in it (``DIR/acme/acme``)."""
    import pkgutil

    packages: list[tuple[Path, str]] = []
    for info in sorted(pkgutil.iter_modules([str(directory)]), key=lambda i: i.name):
        if info.ispkg and not info.name.startswith(("_", ".")):
            packages.append((directory, info.name))
    for project in sorted(path for path in directory.iterdir() if (path / "pyproject.toml").is_file()):
        if (project / project.name / "__init__.py").is_file() and not (project / "__init__.py").exists():
            packages.append((project, project.name))
    return packages


def _import_package(parent: Path, name: str, found: Found) -> bool:
    """True when the package is a destination, or tried to be one and failed to import or was refused."""
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
    slug = slug_of(definition)
    taken = found.by_slug.get(slug)
    if taken is definition:  # the same module, installed (pip install -e) and under --path
        found.aliases.setdefault(name, slug)
        return True
    if taken is not None:
        found.errors.append(
            f'{parent / name}: slug "{slug}" is already taken by the {found.sources[slug]} '
            f"destination {taken.name!r}; the one under --path is ignored. Give it another slug "
            "(the `slug` of its DestinationDefinition), or uninstall the other"
        )
        return True
    found.by_slug[slug] = definition
    found.sources[slug] = str(parent / name)
    found.aliases.setdefault(name, slug)
    return True


def _definition_from(loaded: Any) -> DestinationDefinition | None:
    if isinstance(loaded, ModuleType):
        return _definition_in(loaded)
    return loaded if _is_definition(loaded) else None


def _definition_in(module: ModuleType) -> DestinationDefinition | None:
    for attribute in _ATTRIBUTES:
        candidate = getattr(module, attribute, None)
        if _is_definition(candidate):
            return candidate
    return None


def _is_definition(candidate: Any) -> bool:
    return isinstance(candidate, DestinationDefinition)


def _describe(error: BaseException, module: str) -> str:
    """The exception in one line, at the plugin's own file and line: enough to fix it without a debugger."""
    return describe_import_error(error, _package_folder(module))


def _package_folder(module: str) -> Path | None:
    """Where the top-level package of ``module`` lives, if it can be found without importing it."""
    try:
        spec = importlib.util.find_spec(module.split(".")[0])
    except (ImportError, ValueError):
        return None
    if spec is None:
        return None
    if spec.submodule_search_locations:
        return Path(next(iter(spec.submodule_search_locations)))
    return Path(spec.origin).parent if spec.origin else None
