"""Rendering a new destination project from the templates in ``templates/destination/``.

The project is installable as it is: ``pyproject.toml`` (with the ``action_destinations`` entry
point), the package (``templates/destination/package_name/``, renamed to the package's name), its
tests and fixtures. A template file ``x.py.tmpl`` becomes ``x.py``; the tree is walked as it is, so
adding a file to the scaffold means adding a template, not code. Templates are Jinja with the values
of :class:`ScaffoldNames` plus the chosen auth scheme.
"""

from __future__ import annotations

import keyword
import re
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # importlib.resources is imported by render_destination, not at every command's start-up
    from importlib.resources.abc import Traversable

__all__ = ["AUTH_SCHEMES", "ScaffoldNames", "names_for", "render_destination"]

AUTH_SCHEMES = ("oauth2", "basic", "custom", "none")
_TEMPLATE_SUFFIX = ".tmpl"
_PACKAGE_FOLDER = "package_name"  # the template folder that becomes the package, named after it

_SETTINGS = {
    "oauth2": "{}",
    "basic": '{"username": "test-user", "password": "test-password"}',
    "custom": '{"api_key": "test-api-key"}',
    "none": "{}",
}
_AUTH = {
    "oauth2": "{\n"
    '    "access_token": "test-access-token",\n'
    '    "refresh_token": "test-refresh-token",\n'
    '    "client_id": "test-client-id",\n'
    '    "client_secret": "test-client-secret",\n'
    "}",
}


@dataclass(frozen=True)
class ScaffoldNames:
    """The names a destination goes by: shown (title), imported (package), looked up (slug)."""

    title: str
    package: str
    slug: str
    api_base: str


def names_for(name: str, slug: str | None = None) -> ScaffoldNames:
    """Derive the names from what the user typed (``"Acme CRM"``, ``acme-crm`` or ``acme_crm``).

    Raises ValueError with what to type instead when no Python package name can be made from it.
    """
    words = [word for word in re.split(r"[^0-9A-Za-z]+", name) if word]
    if not words:
        raise ValueError(f"{name!r} has no letters or digits; use a name such as 'Acme CRM'")
    package = "_".join(word.lower() for word in words)
    if package[0].isdigit() or keyword.iskeyword(package):
        raise ValueError(
            f"{name!r} gives the package name {package!r}, which Python cannot import; start the name with a letter"
        )
    title = " ".join(word if word.isupper() else word[0].upper() + word[1:] for word in words)
    chosen_slug = slug or "actions-" + "-".join(word.lower() for word in words)
    host = "-".join(word.lower() for word in words)
    return ScaffoldNames(title, package, chosen_slug, f"https://api.{host}.example.com/v1")


def render_destination(names: ScaffoldNames, auth: str, target: Path) -> list[Path]:
    """Write the project into ``target`` (which must not exist); the files written, in order."""
    from importlib import resources

    import jinja2  # only `actions init` renders templates: not at every command's start-up

    values = {
        **asdict(names),
        "auth": auth,
        "settings_literal": _SETTINGS[auth],
        "auth_literal": _AUTH.get(auth, "None"),
        "path_hint": str(target.parent),
        "project_hint": str(target),
        "distribution": names.package.replace("_", "-"),
        "class_name": "".join(part.capitalize() for part in names.package.split("_")),
    }
    environment = jinja2.Environment(keep_trailing_newline=True, undefined=jinja2.StrictUndefined, autoescape=False)
    written: list[Path] = []
    root = resources.files("framework.cli") / "templates" / "destination"
    for relative, template in _templates(root):
        destination = target / _named(relative, names.package)
        destination.parent.mkdir(parents=True, exist_ok=True)
        destination.write_text(
            environment.from_string(template.read_text(encoding="utf-8")).render(values), encoding="utf-8"
        )
        written.append(destination)
    return written


def _named(relative: Path, package: str) -> Path:
    """The template path with the package folder renamed after the package."""
    return Path(*(package if part == _PACKAGE_FOLDER else part for part in relative.parts))


def _templates(root: Traversable, prefix: Path = Path()) -> list[tuple[Path, Traversable]]:
    found: list[tuple[Path, Traversable]] = []
    for entry in sorted(root.iterdir(), key=lambda e: e.name):
        if entry.is_dir():
            if not entry.name.startswith(("_", ".")):
                found.extend(_templates(entry, prefix / entry.name))
        elif entry.name.endswith(_TEMPLATE_SUFFIX):
            found.append((prefix / entry.name.removesuffix(_TEMPLATE_SUFFIX), entry))
    return found
