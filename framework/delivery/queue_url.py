"""Opening a queue from its URL: ``sqlite:///PATH`` (the default, embedded) or ``postgresql://...``.

Every command that touches the queue takes ``--queue URL``; without it the queue is
``.actions/queue.db`` under the working directory. A bare file path means SQLite too.

* ``sqlite:///var/lib/actions/queue.db`` is the absolute path ``/var/lib/actions/queue.db``;
  ``sqlite:///./q.db`` or ``q.db`` a relative one. ``?synchronous=full`` survives power cuts too.
* ``postgresql://user@host:5432/db`` needs the ``postgres`` extra (psycopg 3 and its pool); create its
  schema first with ``actions queue migrate --queue URL``.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from framework.delivery.queue_port import JobQueue

__all__ = ["open_queue", "DEFAULT_QUEUE_PATH", "QueueURLError", "redact_queue_url"]

DEFAULT_QUEUE_PATH = Path(".actions") / "queue.db"


class QueueURLError(ValueError):
    """A queue URL that names no backend we have, or a backend that is not installed."""


def open_queue(url: str | None = None) -> JobQueue:
    """The queue at ``url`` (None: the default SQLite file under the working directory)."""
    if not url:
        from framework.delivery.sqlite_queue import SqliteQueue

        return SqliteQueue(DEFAULT_QUEUE_PATH)
    scheme = url.split(":", 1)[0].lower() if "://" in url else ""
    if scheme in ("", "sqlite"):
        return _open_sqlite(url)
    if scheme in ("postgresql", "postgres"):
        return _open_postgres(url)
    raise QueueURLError(f"--queue {redact_queue_url(url)}: unknown kind of queue {scheme!r}; use sqlite:///PATH "
                        "(embedded, the default) or postgresql://USER@HOST/DB")


def _open_sqlite(url: str) -> JobQueue:
    from framework.delivery.sqlite_queue import SqliteQueue

    if "://" not in url:
        return SqliteQueue(url)
    parts = urlsplit(url)
    path = parts.path
    if parts.netloc:  # sqlite://relative/path: the "host" is the first folder
        path = parts.netloc + path
    if not path or path == "/":
        raise QueueURLError(f"--queue {url}: name the database file, e.g. sqlite:///.actions/queue.db")
    if path.startswith("/./") or path.startswith("/../"):
        path = path[1:]
    elif path.startswith("//"):  # sqlite:////abs/path, SQLAlchemy's spelling of an absolute path
        path = "/" + path.lstrip("/")
    options = parse_qs(parts.query)
    synchronous = options.get("synchronous", ["normal"])[-1]
    return SqliteQueue(path, synchronous=synchronous)


def _open_postgres(url: str) -> JobQueue:
    try:
        module = importlib.import_module("framework.delivery.postgres_queue")
    except ModuleNotFoundError as error:
        if error.name and error.name.split(".")[0] in ("procrastinate", "psycopg", "psycopg_pool"):
            raise QueueURLError(
                f"--queue {redact_queue_url(url)}: the PostgreSQL queue needs the postgres extra: "
                "pip install 'action-destinations[postgres]'") from None
        raise
    queue: JobQueue = module.PostgresQueue(url)
    return queue


def redact_queue_url(url: str) -> str:
    """The URL with any password replaced by ``***``: safe for messages and logs."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
    return parts._replace(netloc=netloc).geturl()
