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
import re
from pathlib import Path
from urllib.parse import parse_qs, parse_qsl, quote, urlsplit

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
    if not scheme:
        _refuse_keyword_dsn(url)
    if scheme in ("", "sqlite"):
        return _open_sqlite(url)
    if scheme in ("postgresql", "postgres"):
        return _open_postgres(url)
    raise QueueURLError(
        f"--queue {redact_queue_url(url)}: unknown kind of queue {scheme!r}; use sqlite:///PATH "
        "(embedded, the default) or postgresql://USER@HOST/DB"
    )


def _open_sqlite(url: str) -> JobQueue:
    from framework.delivery.sqlite_queue import SqliteQueue

    if "://" not in url:
        return SqliteQueue(url)
    parts = urlsplit(url)
    path = parts.path
    if parts.netloc:  # sqlite://relative/path: the "host" is the first folder
        path = parts.netloc + path
    if not path or path == "/":
        raise QueueURLError(f"--queue {url}: name the database file, e.g. sqlite:///./{DEFAULT_QUEUE_PATH.as_posix()}")
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
                "pip install 'action-destinations[postgres]'"
            ) from None
        raise
    queue: JobQueue = module.PostgresQueue(url)
    return queue


# ``host=db password=s3cret`` (libpq's keyword form): a word, "=", then a value.
_KEYWORD_DSN_PAIR = re.compile(
    r"(?:^|\s)(?:host|hostaddr|port|dbname|user|password|passfile|sslmode|service|options)\s*=", re.IGNORECASE
)
_KEYWORD_PASSWORD = re.compile(r"(\bpassword\s*=\s*)('(?:[^'\\]|\\.)*'|\S*)", re.IGNORECASE)


def _refuse_keyword_dsn(argument: str) -> None:
    """Refuse libpq's ``host=... password=...`` form before it is taken for a SQLite file name.

    Such a "path" would create a file named after the connection string, password included.
    """
    if _KEYWORD_DSN_PAIR.search(argument):
        raise QueueURLError(
            f"--queue {redact_queue_url(argument)}: this looks like a PostgreSQL keyword connection string, "
            "which --queue does not take; write it as a URL, postgresql://USER@HOST:PORT/DB "
            "(put the password in PGPASSWORD or ~/.pgpass), or give a SQLite file path"
        )


def redact_queue_url(url: str) -> str:
    """The queue argument with every password replaced by ``***``: safe for messages and logs.

    Covers the URL's user info (``postgresql://u:pw@h``), a ``password=`` query parameter
    (``postgresql://h/db?password=pw``) and libpq's keyword form (``host=h password=pw``).
    """
    if "://" not in url:
        return _KEYWORD_PASSWORD.sub(r"\1***", url)
    parts = urlsplit(url)
    if parts.password is None and "password" not in parts.query.lower():
        return url
    netloc = parts.netloc
    if parts.password is not None:
        user_info, _, host = netloc.rpartition("@")
        netloc = f"{user_info.split(':', 1)[0]}:***@{host}"
    query = parts.query
    if "password" in query.lower():
        pairs = parse_qsl(query, keep_blank_values=True)
        query = "&".join(f"{quote(key)}={'***' if key.lower() == 'password' else quote(value)}" for key, value in pairs)
    return parts._replace(netloc=netloc, query=query).geturl()
