"""Local emulators of destination APIs: run one standalone, or inside a replay through the definition's hook.

A destination ships its emulator as ``destinations/<folder>/emulator`` with a ``main(argv)`` (``actions
emulate <folder>`` hands it the rest of the command line), and declares ``emulator=`` in its
definition: ``emulator(settings, auth, subscriptions, **options)`` starts one on a free loopback port,
primed to accept the instance as configured, and returns an object with ``base_url``, ``stop()`` and
``holdings() -> (title, columns, rows)``. ``actions replay --emulator`` uses the hook; the framework
knows no destination by name.
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from typing import Any

from framework.cli.command_error import CommandError

__all__ = ["emulator_module", "start_emulator", "run_emulator_main"]


def emulator_module(name: str) -> Any:
    """The emulator module of destination folder or slug ``name``."""
    folder = name.removeprefix("actions-").replace("-", "_")
    try:
        return importlib.import_module(f"destinations.{folder}.emulator")
    except ModuleNotFoundError as error:
        if error.name and not f"destinations.{folder}.emulator".startswith(error.name):
            raise  # the emulator exists but one of its own imports is missing: a real bug
        raise CommandError(
            f'no emulator for destination "{name}": destinations/{folder}/emulator does not exist '
            "(emulators ship with built-in destinations; see 'actions list')"
        ) from None


def run_emulator_main(name: str, argv: Sequence[str]) -> int:
    """``actions emulate NAME ...``: the emulator's own command line, in the foreground."""
    module = emulator_module(name)
    main = getattr(module, "main", None)
    if main is None:
        raise CommandError(f'the emulator of "{name}" has no main(argv) to run from the command line')
    return int(main(list(argv)) or 0)


def start_emulator(
    definition: Any,
    settings: dict[str, Any],
    auth: dict[str, Any] | None,
    subscriptions: list[dict[str, Any]],
    **options: Any,
) -> Any:
    """Start the destination's emulator through its definition's ``emulator`` hook."""
    hook = getattr(definition, "emulator", None)
    if hook is None:
        raise CommandError(
            f'--emulator: destination "{definition.slug}" declares no emulator (emulator= in its '
            "definition); point the instance's endpoint at your own stand-in instead"
        )
    return hook(settings, auth or {}, subscriptions, **options)
