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
    starts: list[int] = []
    warned = False
    for item in read_events([path]):
        if isinstance(item, BadLine):
            if line is None or item.line == line:
                print(f"actions: warning: {item}", file=sys.stderr)
                warned = True
            continue
        starts.append(item.line)
        if line is None or item.line == line:
            records.append(item)
    if not records:
        raise CommandError(_no_event_message(path, line, starts, warned))
    return records


def _no_event_message(path: str, line: int | None, starts: list[int], warned: bool) -> str:
    """Why nothing can be shown, and what to pass instead: the lines where events do start."""
    if line is None:
        reason = "see the warnings above for lines that are not events" if warned else "the file holds no events"
        return f"{path}: no event to use ({reason})"
    if warned:
        return f"{path}: line {line} is not an event (see the warning above)"
    if not starts:
        return f"{path}: no event at line {line}: the file holds no events"
    shown = ", ".join(str(start) for start in starts[:10]) + (", ..." if len(starts) > 10 else "")
    return f"{path}: no event starts at line {line}; pass --line with one of {shown}"
