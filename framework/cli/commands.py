"""The subcommands of ``actions``, in the order ``actions --help`` lists them.

Each is a module with ``register(subparsers)``, which adds its parser and sets ``run`` to a function
taking the parsed arguments and returning the exit code. Modules import the heavier parts of the
framework inside ``run``, so ``actions --help`` stays fast and works even when one part is broken.
"""

from __future__ import annotations

from types import ModuleType

from framework.cli import (
    cmd_audiences,
    cmd_console,
    cmd_delete_user,
    cmd_describe,
    cmd_dlq,
    cmd_emulate,
    cmd_enqueue,
    cmd_explain,
    cmd_fields,
    cmd_hooks,
    cmd_init,
    cmd_list,
    cmd_map,
    cmd_queue,
    cmd_replay,
    cmd_serve,
    cmd_test,
    cmd_validate,
    cmd_worker,
)

__all__ = ["COMMANDS"]

COMMANDS: tuple[ModuleType, ...] = (
    cmd_list,
    cmd_describe,
    cmd_validate,
    cmd_init,
    cmd_map,
    cmd_explain,
    cmd_test,
    cmd_replay,
    cmd_enqueue,
    cmd_worker,
    cmd_queue,
    cmd_dlq,
    cmd_emulate,
    cmd_serve,
    cmd_console,
    cmd_fields,
    cmd_hooks,
    cmd_audiences,
    cmd_delete_user,
)
