"""The state file behind ``actions replay --resume``: messageIds already delivered, one per line.

Re-running an interrupted replay must not send an event twice (Pardot's upsert is idempotent, but a
future destination's create may not be). The file is append-only and flushed per event, so a crash
loses at most the event in flight, and a human can read or edit it.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import TextIO

from framework.cli.command_error import CommandError

__all__ = ["ResumeState"]


class ResumeState:
    """A set of delivered messageIds loaded from ``path`` and extended as events finish."""

    def __init__(self, path: Path, *, read_only: bool = False) -> None:
        """``read_only`` (a dry run): skip what is recorded, record nothing, since nothing is delivered.

        Recording a dry run would make the real run that follows skip every event it previewed.
        """
        self.path = path
        self.read_only = read_only
        self._lock = threading.Lock()
        self._done = self._load(path)
        self._file: TextIO | None = None
        if read_only:
            return
        try:
            self._file = path.open("a", encoding="utf-8")
        except OSError as error:
            raise CommandError(f"--resume {path}: cannot write the state file ({error.strerror})") from None

    @staticmethod
    def _load(path: Path) -> set[str]:
        if not path.exists():
            return set()
        try:
            return {line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()}
        except (OSError, UnicodeDecodeError) as error:
            raise CommandError(f"--resume {path}: cannot read the state file ({error})") from None

    def __len__(self) -> int:
        return len(self._done)

    def already_delivered(self, message_id: str | None) -> bool:
        """True when an earlier run delivered this messageId (events without one are never skipped)."""
        return message_id is not None and message_id in self._done

    def mark_delivered(self, message_id: str | None) -> None:
        """Record a finished messageId durably (flushed before returning)."""
        if message_id is None or self._file is None:
            return
        with self._lock:
            if message_id not in self._done:
                self._done.add(message_id)
                self._file.write(message_id + "\n")
                self._file.flush()

    def close(self) -> None:
        """Close the state file."""
        with self._lock:
            if self._file is not None:
                self._file.close()
