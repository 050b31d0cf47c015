"""Passwords in a queue argument never reach output, and a keyword DSN is refused, not taken for a file.

Issue 18: ``queue stats`` printed ``postgresql://...?password=...`` verbatim, and
``--queue "host=... password=..."`` created a SQLite file named after it, password included.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from framework.cli import main
from framework.delivery.queue_url import QueueURLError, open_queue, redact_queue_url

SECRET = "hunter2-s3cret"


@pytest.mark.parametrize(
    "url",
    [
        f"postgresql://app:{SECRET}@db.example:5432/queue",
        f"postgresql://app@db.example/queue?sslmode=require&password={SECRET}",
        f"postgresql://app@db.example/queue?PASSWORD={SECRET}",
        f"host=db.example user=app password={SECRET} dbname=queue",
        f"host=db.example password='{SECRET} with space' dbname=queue",
    ],
)
def test_every_form_of_password_is_redacted(url: str) -> None:
    shown = redact_queue_url(url)
    assert SECRET not in shown
    assert "***" in shown
    assert "db.example" in shown  # the rest stays, so the message still says which server


def test_keyword_dsn_is_refused_and_creates_no_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    dsn = f"host=127.0.0.1 port=5432 user=postgres password={SECRET} dbname=test"
    with pytest.raises(QueueURLError) as refused:
        open_queue(dsn)
    assert SECRET not in str(refused.value)
    assert "postgresql://" in str(refused.value)
    assert list(tmp_path.iterdir()) == []


def test_keyword_dsn_on_the_command_line_is_one_line_exit_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    code = main(["queue", "stats", "--queue", f"host=127.0.0.1 password={SECRET}"])
    output = capsys.readouterr()
    assert code == 2
    assert SECRET not in output.out + output.err
    assert "keyword connection string" in output.err
    assert list(tmp_path.iterdir()) == []


def test_queue_stats_does_not_print_a_query_password(postgres_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    url = f"{postgres_url}&password={SECRET}"  # trust auth: the server ignores it, the output must too
    assert main(["queue", "stats", "--queue", url]) == 0
    output = capsys.readouterr()
    assert SECRET not in output.out + output.err
    assert "password=***" in output.out + output.err


def test_a_plain_path_is_still_a_sqlite_queue(tmp_path: Path) -> None:
    queue = open_queue(str(tmp_path / "with=equals" / "q.db"))
    queue.close()
    assert (tmp_path / "with=equals" / "q.db").exists()
