"""``actions replay --report json``: every event's results, written as they finish, for machines.

The document is ``{"events": [...], "summary": {...}}``. It is streamed (one event per line inside the
array) so replaying a large archive does not hold every result in memory, and a half-written report
after a crash is still easy to salvage line by line. Secrets never appear: the results carry statuses,
reasons and codes, not requests.
"""

from __future__ import annotations

import json
import sys
import threading
from pathlib import Path
from typing import IO, Any

from framework.cli.command_error import CommandError
from framework.cli.replay_tally import result_fields
from framework.events import BadLine, EventRecord

__all__ = ["JsonReport"]


class JsonReport:
    """Writes the report to ``path`` (``None`` or ``-`` for stdout); thread-safe."""

    def __init__(self, path: str | None) -> None:
        self._lock = threading.Lock()
        self._first = True
        self._owned = path not in (None, "-")
        try:
            self._out: IO[str] = Path(path).open("w", encoding="utf-8") if self._owned else sys.stdout  # type: ignore[arg-type]
        except OSError as error:
            raise CommandError(f"--report-file {path}: cannot write ({error.strerror})") from None
        self._out.write('{"events": [\n')

    def add_event(self, record: EventRecord, results: list[Any]) -> None:
        """One event and its per-subscription results."""
        self._write(
            {
                "path": record.path,
                "line": record.line,
                "messageId": record.event.get("messageId"),
                "type": record.event.get("type"),
                "results": [result_fields(result) for result in results],
            }
        )

    def add_skipped(self, record: EventRecord) -> None:
        """An event ``--resume`` skipped."""
        self._write({"path": record.path, "line": record.line, "messageId": record.event.get("messageId"), "skipped": "already delivered"})

    def add_bad_line(self, bad: BadLine) -> None:
        """A line that is not an event."""
        self._write({"path": bad.path, "line": bad.line, "bad_line": bad.reason})

    def add_crash(self, record: EventRecord, reason: str) -> None:
        """An event whose send raised."""
        self._write({"path": record.path, "line": record.line, "messageId": record.event.get("messageId"), "error": reason})

    def finish(self, summary: dict[str, Any]) -> None:
        """Close the events array, write the summary, and close the file."""
        with self._lock:
            self._out.write('\n], "summary": ' + json.dumps(summary, ensure_ascii=False) + "}\n")
            self._out.flush()
            if self._owned:
                self._out.close()

    def _write(self, item: dict[str, Any]) -> None:
        line = json.dumps(item, ensure_ascii=False, default=str)
        with self._lock:
            self._out.write(("" if self._first else ",\n") + line)
            self._first = False
