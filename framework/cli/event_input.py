"""The events a single-event command (``map``, ``explain``) works on: read, bad lines reported, located.

``--event`` takes any file ``framework.events`` reads (one JSON object, an array, NDJSON, gzip, ``-``);
``--line N`` picks the event starting on line N. Bad lines are printed to stderr with their location
and do not stop the others; a file with no events at all is a user error.
"""

from __future__ import annotations

import sys
from pathlib import Path

from framework.cli.command_error import CommandError
from framework.events import BadLine, EventRecord, read_events

__all__ = ["read_event_records"]


def read_event_records(path: str, line: int | None = None) -> list[EventRecord]:
    """The events in ``path`` (only the one starting at ``line`` when given)."""
    if path != "-" and not Path(path).exists():
        raise CommandError(f"{path}: no such event file (pass a JSON or NDJSON file of Segment events, or -)")
    records: list[EventRecord] = []
    for item in read_events([path]):
        if isinstance(item, BadLine):
            if line is None or item.line == line:
                print(f"actions: warning: {item}", file=sys.stderr)
            continue
        if line is None or item.line == line:
            records.append(item)
    if not records:
        where = f" at line {line}" if line is not None else ""
        raise CommandError(f"{path}: no event{where} to use (see the warnings above for lines that are not events)")
    return records
