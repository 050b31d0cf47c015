"""Reading the small JSON files the CLI takes (mappings, test cases) with located, actionable errors.

Event files go through ``framework.events`` instead; these are single documents a person wrote, so a
syntax error points at ``file:line:column`` and says it is JSON that is expected.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from framework.cli.command_error import CommandError

__all__ = ["read_json_file"]


def read_json_file(path: str | Path, what: str) -> Any:
    """The parsed document, or a CommandError naming the file, the position and ``what`` it should be."""
    shown = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise CommandError(f"{shown}: no such file (expected {what})") from None
    except (OSError, UnicodeDecodeError) as error:
        raise CommandError(f"{shown}: cannot read {what}: {error}") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise CommandError(
            f"{shown}:{error.lineno}:{error.colno}: not valid JSON: {error.msg} (expected {what})"
        ) from None
