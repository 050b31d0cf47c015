"""Finding destinations by slug: the built-in ``destinations`` package plus third-party plugins.

Built-ins are the subpackages of ``destinations`` whose ``__init__`` exposes a ``DestinationDefinition``
as ``definition`` (or ``destination``). Third-party packages register in the ``action_destinations``
entry-point group; the value names a definition or a module holding one::

    [project.entry-points.action_destinations]
    acme = "acme_destination:definition"

One scan happens on first use and is cached. A destination that fails to import is not fatal: the
others still load, and ``load_errors()`` names the broken one and why, so ``actions list`` can show
it instead of hiding it.
"""

from __future__ import annotations

import importlib
import importlib.metadata
import importlib.util
import pkgutil
import threading
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

from framework.definition import DestinationDefinition
from framework.import_errors import describe_import_error

__all__ = [
    "ENTRY_POINT_GROUP",
    "DestinationLoadError",
    "UnknownDestinationError",
    "get_destination",
    "list_destinations",
    "load_errors",
    "clear_cache",
]

ENTRY_POINT_GROUP = "action_destinations"
_BUILTIN_PACKAGE = "destinations"
_ATTRIBUTES = ("definition", "destination")


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

    def __init__(self, slug: str, known: list[str]) -> None:
        listed = ", ".join(known) if known else "none are installed"
        super().__init__(f'Unknown destination "{slug}". Known destinations: {listed}.')
        self.slug = slug
        self.known = known


@dataclass
class _Scan:
    by_slug: dict[str, DestinationDefinition]
    aliases: dict[str, str]
    errors: list[DestinationLoadError]


_lock = threading.Lock()
_scan: _Scan | None = None


def get_destination(slug: str) -> DestinationDefinition:
    """The destination registered as ``slug`` (``"actions-pardot"``; the folder name ``"pardot"`` works too).

    Raises :class:`UnknownDestinationError` listing the known slugs.
    """
    scan = _scanned()
    key = scan.aliases.get(slug, slug)
    if key not in scan.by_slug:
        raise UnknownDestinationError(slug, sorted(scan.by_slug))
    return scan.by_slug[key]


def list_destinations() -> list[DestinationDefinition]:
    """Every destination that loaded, sorted by slug."""
    scan = _scanned()
    return [scan.by_slug[slug] for slug in sorted(scan.by_slug)]


def load_errors() -> list[DestinationLoadError]:
    """The destinations that failed to load, each named with the reason."""
    return list(_scanned().errors)


def clear_cache() -> None:
    """Forget the scan, so the next call looks again (after installing a plugin, in tests)."""
    global _scan
    with _lock:
        _scan = None


def _scanned() -> _Scan:
    global _scan
    with _lock:
        if _scan is None:
            _scan = _Scan({}, {}, [])
            _scan_builtins(_scan)
            _scan_entry_points(_scan)
        return _scan


def _scan_builtins(scan: _Scan) -> None:
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
    scan.aliases.setdefault(alias, slug)


def _slug_of(definition: DestinationDefinition) -> str:
    return str(getattr(definition, "slug", None) or definition.name)


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
