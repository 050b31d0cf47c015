"""Loading a destination instance for the CLI, turning config errors into located one-line messages.

``framework.instance`` does the checking and says where each problem is (file, line, subscription,
field); this module only decides how the command line shows it: one ``actions: error:`` line per
problem, and an exit code of 2.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from framework.cli.command_error import CommandError

if TYPE_CHECKING:
    import requests

    from framework.auth import TokenStore

__all__ = ["load_instance", "read_raw_config"]

_EVENT_ONLY_SUFFIXES = (".ndjson", ".jsonl", ".gz")  # never an instance config, always events


def load_instance(
    path: str,
    *,
    endpoint: str | None = None,
    session: requests.Session | None = None,
    paths: list[str] | None = None,
    token_store: TokenStore | None = None,
    destination: str | None = None,
) -> Any:
    """A ready ``DestinationInstance`` from a TOML or Segment JSON file, or a CommandError saying why not.

    ``paths`` (``--path``) lets an instance name a destination that is being written and not installed;
    ``destination`` (``--destination``) names a Segment settings JSON's destination; ``token_store``
    shares refreshed tokens between workers (the queue's).
    """
    from framework.instance import DestinationInstance, InstanceConfigError

    _require_file(path)
    chosen: Any = _destination_under(path, paths) if paths else None
    try:
        return DestinationInstance.from_file(
            path, destination=chosen or destination, endpoint=endpoint, session=session, token_store=token_store
        )
    except InstanceConfigError as error:
        raise CommandError(_config_errors_text(path, error.errors)) from None


def _destination_under(path: str, paths: list[str]) -> Any:
    """The definition the config names, when a package under ``paths`` provides it (else the registry's)."""
    from framework.cli.destination_lookup import find_all

    slug = read_raw_config(path).destination
    found = find_all(paths)
    if found.sources.get(slug, "installed") != "installed":
        return found.by_slug[slug]
    if slug not in found.by_slug and found.errors:
        raise CommandError(
            f'{path}: destination "{slug}" is not installed, and these failed to load under --path '
            f"(it may be one of them; fix it and run again): {'; '.join(found.errors)}"
        )
    return None


def read_raw_config(path: str, destination: str | None = None) -> Any:
    """The instance config as read (settings, auth, subscriptions), before compilation; for the emulator."""
    from framework.instance import InstanceConfigError, read_config_file

    _require_file(path)
    try:
        return read_config_file(path, destination).config
    except InstanceConfigError as error:
        raise CommandError(_config_errors_text(path, error.errors)) from None


def _require_file(path: str) -> None:
    if not Path(path).is_file():
        raise CommandError(
            f"{path}: no such instance config file (pass a .toml or Segment settings .json; see fixtures/instances/)"
        )
    if path.lower().endswith(_EVENT_ONLY_SUFFIXES):
        raise CommandError(
            f"{path}: this looks like an event file; --instance takes an instance config (a .toml "
            "or Segment settings .json, see fixtures/instances/), and event files go after the command"
        )


def _config_errors_text(path: str, errors: list[str]) -> str:
    """All problems, one per line, each already located (file and line, subscription and field)."""
    return "\n".join(error if error.startswith(path) else f"{path}: {error}" for error in errors)
