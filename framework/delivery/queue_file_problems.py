"""What is wrong with a SQLite queue file, in one line that says which file and what to do.

``sqlite3`` says ``unable to open database file`` for a folder, a missing permission and a read-only
disk alike, and ``file is not a database`` for a file of another program; a person needs the file
and the fix. ``check_before_opening`` refuses the one case SQLite would take silently: an empty
main file beside a ``-wal`` that holds data (the file was truncated or replaced; opening it would
start a new, empty queue and the WAL's jobs would be lost at the next checkpoint).
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

__all__ = ["QueueFileError", "check_before_opening", "explain"]


class QueueFileError(ValueError):
    """The queue file cannot be used as it is; the message names the file and the remedy."""


def check_before_opening(path: Path) -> None:
    """Refuse what SQLite would misread: a folder, or an empty file whose WAL holds data."""
    if path.is_dir():
        raise QueueFileError(f"{path}: is a folder, not a queue file; name a file, e.g. {path / 'queue.db'}")
    wal = Path(f"{path}-wal")
    if path.exists() and path.stat().st_size == 0 and wal.exists() and wal.stat().st_size > 0:
        raise QueueFileError(
            f"{path}: is empty but {wal} holds {wal.stat().st_size} bytes of queued work: the queue file "
            f"was truncated or replaced. Nothing was changed; restore {path} from a backup (keep {wal} "
            "beside it), or move both away to start a new queue"
        )


def explain(path: Path, error: sqlite3.Error) -> QueueFileError:
    """The one-line error for ``error`` raised while opening or writing the queue at ``path``."""
    text = str(error).lower()
    if "disk is full" in text or "no space" in text:
        remedy = f"free space on the disk of {path.parent} (nothing queued is lost), then run again"
        return QueueFileError(f"{path}: the disk is full; {remedy}")
    if "disk i/o error" in text:
        return QueueFileError(
            f"{path}: the disk refused a write ({error}); check free space and the health of the disk "
            f"of {path.parent}, then run again (nothing queued is lost)"
        )
    if "readonly" in text or "read-only" in text or not _writable(path):
        return QueueFileError(
            f"{path}: cannot write the queue (read-only file, folder or disk); give this user write "
            f"permission on {path} and {path.parent} (the -wal and -shm files are created beside it), or remount its disk read-write"
        )
    if "not a database" in text or "malformed" in text or "corrupt" in text:
        return QueueFileError(
            f"{path}: is not a readable queue file ({error}); if it was one, recover it with "
            f'sqlite3 {path} ".recover" | sqlite3 {path}.recovered and pass --queue {path}.recovered'
        )
    if "unable to open" in text:
        return QueueFileError(f"{path}: cannot be opened ({error}); check that {path.parent} exists and is writable")
    return QueueFileError(f"{path}: the queue failed: {error}")


def _writable(path: Path) -> bool:
    target = path if path.exists() else path.parent
    return not target.exists() or os.access(target, os.W_OK)
