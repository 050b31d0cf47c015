"""The one exception a subcommand raises for a user error: printed as one line, never as a traceback.

A message says what is wrong, where (file and line, subscription and field) and what to do, so the
person at the terminal can fix it without reading code::

    actions: error: fixtures/instances/x.toml: no such file (pass the path of a .toml or .json instance config)
"""

from __future__ import annotations

__all__ = ["CommandError", "EXIT_OK", "EXIT_FAILED", "EXIT_USAGE", "EXIT_INTERRUPTED"]

EXIT_OK = 0
EXIT_FAILED = 1  # the command ran and found problems (validation errors, failing cases, failed events)
EXIT_USAGE = 2  # the command could not run as asked (bad arguments, unreadable files, bad config)
EXIT_INTERRUPTED = 130


class CommandError(Exception):
    """A user-facing error: ``message`` is the whole line shown after ``actions: error:``."""

    def __init__(self, message: str, exit_code: int = EXIT_USAGE) -> None:
        super().__init__(message)
        self.message = message
        self.exit_code = exit_code
