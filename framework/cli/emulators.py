"""Local emulators of destination APIs, by destination: run one standalone or inside a replay.

A destination ships its emulator as ``destinations/<folder>/emulator`` with a ``main(argv)``
(``actions emulate <folder>`` hands it the rest of the command line). ``actions replay --emulator``
starts it in-process on a free loopback port and points the instance's endpoint at it; for that the
emulator is told the instance's credentials and the custom fields its mappings write, so the fixture
instance works unchanged: the emulator plays the business unit the config describes.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from framework.cli.command_error import CommandError

__all__ = ["RunningEmulator", "emulator_module", "start_emulator", "run_emulator_main"]


@dataclass
class RunningEmulator:
    """An emulator serving on loopback: its base URL, how to stop it, and its records if it has any."""

    base_url: str
    stop: Callable[[], None]
    prospects: Callable[[], list[dict[str, Any]]] | None = None


def emulator_module(name: str) -> Any:
    """The emulator module of destination folder or slug ``name`` (``pardot`` or ``actions-pardot``)."""
    folder = name.removeprefix("actions-").replace("-", "_")
    try:
        return importlib.import_module(f"destinations.{folder}.emulator")
    except ModuleNotFoundError as error:
        if error.name and not f"destinations.{folder}.emulator".startswith(error.name):
            raise  # the emulator exists but one of its own imports is missing: a real bug
        raise CommandError(
            f'no emulator for destination "{name}": destinations/{folder}/emulator does not exist '
            "(emulators ship with built-in destinations; try 'actions emulate pardot')"
        ) from None


def run_emulator_main(name: str, argv: Sequence[str]) -> int:
    """``actions emulate NAME ...``: the emulator's own command line, in the foreground."""
    module = emulator_module(name)
    main = getattr(module, "main", None)
    if main is None:
        raise CommandError(f'the emulator of "{name}" has no main(argv) to run from the command line')
    return int(main(list(argv)) or 0)


def start_emulator(slug: str, settings: dict[str, Any], auth: dict[str, Any] | None,
                   subscriptions: list[dict[str, Any]]) -> RunningEmulator:
    """Start the destination's emulator in-process on a free port, primed for this instance."""
    starter = _STARTERS.get(slug)
    if starter is None:
        raise CommandError(f'--emulator: there is no in-process emulator for "{slug}" (known: '
                           f'{", ".join(sorted(_STARTERS))}); point endpoint at your own stand-in instead')
    logging.getLogger("waitress").setLevel(logging.ERROR)
    return starter(settings, auth or {}, subscriptions)


def _start_pardot(settings: dict[str, Any], auth: dict[str, Any], subscriptions: list[dict[str, Any]]) -> RunningEmulator:
    module = emulator_module("pardot")
    unit = str(settings.get("businessUnitID") or module.DEFAULT_BUSINESS_UNIT)
    emulator = module.PardotEmulator(business_units=[unit], custom_fields=sorted(_custom_fields(subscriptions)))
    if auth.get("access_token"):
        emulator.add_access_token(str(auth["access_token"]))
    if auth.get("client_id") and auth.get("client_secret"):
        emulator.add_client(str(auth["client_id"]), str(auth["client_secret"]))
        if auth.get("refresh_token"):
            emulator.add_refresh_token(str(auth["refresh_token"]), str(auth["client_id"]))
    base_url = emulator.start("127.0.0.1", 0)
    return RunningEmulator(base_url, emulator.stop, emulator.prospects)


def _custom_fields(subscriptions: list[dict[str, Any]]) -> set[str]:
    """Custom field API names (``*__c``) the mappings write under ``customFields``."""
    names: set[str] = set()
    for subscription in subscriptions:
        mapping = subscription.get("mapping") if isinstance(subscription, dict) else None
        custom = mapping.get("customFields") if isinstance(mapping, dict) else None
        if isinstance(custom, dict):
            names.update(key for key in custom if isinstance(key, str) and key.endswith("__c"))
    return names


_STARTERS: dict[str, Callable[[dict[str, Any], dict[str, Any], list[dict[str, Any]]], RunningEmulator]] = {
    "actions-pardot": _start_pardot,
}
