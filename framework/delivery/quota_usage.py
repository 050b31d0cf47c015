"""Each account's last reported daily API usage, kept in the queue so every process can read it.

A destination that knows its account's daily quota reports it in a result's ``apiUsage`` (see
``quota_pacing``). The worker paces the account by it and also stores the latest report per account
here, so the console (another process, maybe another machine) can show the quota used and left.
An account that never reported has no row: its quota is unknown, and the console says so.

The same table and SQL serve both backends (the PostgreSQL one is created by ``actions queue
migrate``, schema 3; the SQLite one when the file is opened).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

__all__ = ["QuotaUsage", "SQLITE_SCHEMA", "POSTGRES_TABLE", "upsert_sql", "select_sql", "usage_rows"]


@dataclass(frozen=True)
class QuotaUsage:
    """``used`` of ``limit`` calls counted in the account's day, as the destination said at ``reported_at``."""

    account_key: str
    instance_id: str
    used: int
    limit: int
    reported_at: float

    @property
    def left(self) -> int:
        """Calls left in the day of the report (never below 0)."""
        return max(self.limit - self.used, 0)


_COLUMNS = "account_key, instance_id, used, quota_limit, reported_at"

SQLITE_SCHEMA = """
CREATE TABLE IF NOT EXISTS quota_usage (
    account_key TEXT PRIMARY KEY, instance_id TEXT NOT NULL, used INTEGER NOT NULL,
    quota_limit INTEGER NOT NULL, reported_at REAL NOT NULL
);
"""

POSTGRES_TABLE = """
    CREATE TABLE actions_quota_usage (
        account_key text PRIMARY KEY,
        instance_id text NOT NULL,
        used bigint NOT NULL,
        quota_limit bigint NOT NULL,
        reported_at double precision NOT NULL
    );
"""


def upsert_sql(table: str, mark: str) -> str:
    """Store one report; an older report (a slower worker) never replaces a newer one."""
    return (
        f"INSERT INTO {table} ({_COLUMNS}) VALUES ({', '.join([mark] * 5)}) ON CONFLICT (account_key) DO UPDATE"
        " SET instance_id = excluded.instance_id, used = excluded.used, quota_limit = excluded.quota_limit,"
        f" reported_at = excluded.reported_at WHERE excluded.reported_at >= {table}.reported_at"
    )


def select_sql(table: str) -> str:
    """Every account's last report."""
    return f"SELECT {_COLUMNS} FROM {table} ORDER BY account_key"


def usage_rows(rows: Iterable[Sequence[Any]]) -> list[QuotaUsage]:
    """The select's rows as reports."""
    return [QuotaUsage(str(k), str(i), int(u), int(q), float(r)) for k, i, u, q, r in rows]


def parameters(report: QuotaUsage) -> tuple[object, ...]:
    """The upsert's parameters for ``report``."""
    return (report.account_key, report.instance_id, report.used, report.limit, report.reported_at)
