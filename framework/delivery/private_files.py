"""Files that hold secrets (the SQLite queue: OAuth tokens, events with personal data) readable by their owner only.

A new queue folder is created ``0700`` and the database with its ``-wal`` and ``-shm`` files ``0600``,
whatever the umask. An existing file that others may read is left as it is (changing the mode of a
file someone set up on purpose would surprise them) but is warned about once, with the command that
fixes it.
"""

from __future__ import annotations

import logging
import os
import stat
from pathlib import Path

__all__ = ["create_private_folder", "create_private_file", "sqlite_companions", "warn_if_readable_by_others"]

OWNER_ONLY_FOLDER = 0o700
OWNER_ONLY_FILE = 0o600
_log = logging.getLogger("framework.delivery")


def create_private_folder(folder: Path) -> None:
    """``folder`` and any missing parents; those created here are ``0700``."""
    missing = [parent for parent in (folder, *folder.parents) if not parent.exists()]
    for created in reversed(missing):
        created.mkdir(mode=OWNER_ONLY_FOLDER, exist_ok=True)
        os.chmod(created, OWNER_ONLY_FOLDER)  # mkdir's mode is filtered by the umask; chmod is not


def create_private_file(path: Path) -> bool:
    """Create ``path`` empty and ``0600`` when missing; True if it was created here."""
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, OWNER_ONLY_FILE)
    except FileExistsError:
        return False
    os.fchmod(descriptor, OWNER_ONLY_FILE)
    os.close(descriptor)
    return True


def sqlite_companions(database: Path) -> tuple[Path, Path]:
    """The ``-wal`` and ``-shm`` files SQLite keeps beside ``database`` (created with its mode)."""
    return database.with_name(database.name + "-wal"), database.with_name(database.name + "-shm")


def warn_if_readable_by_others(*paths: Path) -> None:
    """Log one warning per existing path that its group or other users may read or write."""
    for path in paths:
        try:
            mode = path.stat().st_mode
        except OSError:
            continue
        if mode & (stat.S_IRWXG | stat.S_IRWXO):
            _log.warning(
                "%s is readable by other users (mode %s) and holds OAuth tokens and event data: run chmod %s %s",
                path,
                oct(stat.S_IMODE(mode)),
                "700" if stat.S_ISDIR(mode) else "600",
                path,
            )
