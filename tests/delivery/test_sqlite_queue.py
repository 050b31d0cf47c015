"""What only the embedded backend does: telling a dead worker by its process id, its URLs, and
settling two settlements of one job in one call as one after the other."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from framework.delivery import Attempt, JobState, NewJob, QueueURLError, Settlement, open_queue, redact_queue_url
from framework.delivery.queue_url import DEFAULT_QUEUE_PATH
from framework.delivery.sqlite_queue import SqliteQueue

_HOLDER = textwrap.dedent("""
    import sys, time
    from framework.delivery.sqlite_queue import SqliteQueue
    queue = SqliteQueue(sys.argv[1])
    queue.register_worker("doomed")
    jobs = queue.claim("doomed", instances=["i"], limit=5, account_limits={})
    print(len(jobs), flush=True)
    time.sleep(60)
""")


def test_jobs_held_by_a_killed_process_are_recovered_at_once(tmp_path: Path) -> None:
    path = tmp_path / "queue.db"
    queue = SqliteQueue(path)
    queue.enqueue([NewJob("i", 0, f"m{n}", {"n": n}, "acct", f"user{n}") for n in range(3)])
    holder = subprocess.Popen([sys.executable, "-c", _HOLDER, str(path)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "3"
        assert queue.recover(stale_after=3600) == 0  # alive: its jobs stay with it
        os.kill(holder.pid, signal.SIGKILL)
        holder.wait(10)
        assert queue.recover(stale_after=3600) == 3  # dead, though its heartbeat is recent
    finally:
        holder.kill()
        holder.wait(10)
        holder.stdout.close()  # type: ignore[union-attr]
    assert len(queue.claim("w2", instances=["i"], limit=5, account_limits={})) == 3
    queue.close()


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("sqlite:///{tmp}/a.db", "{tmp}/a.db"),
        ("{tmp}/b.db", "{tmp}/b.db"),
    ],
)
def test_sqlite_urls_name_the_file(tmp_path: Path, url: str, expected: str) -> None:
    queue = open_queue(url.format(tmp=tmp_path))
    try:
        assert isinstance(queue, SqliteQueue) and queue.path == Path(expected.format(tmp=tmp_path))
        assert open_queue(queue.url).path == queue.path  # type: ignore[attr-defined]
    finally:
        queue.close()


def test_a_relative_sqlite_url_is_under_the_working_directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    queue = open_queue("sqlite:///./q/queue.db")
    try:
        assert (tmp_path / "q" / "queue.db").exists()
    finally:
        queue.close()


def test_the_example_a_missing_file_name_is_answered_with_is_relative(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``sqlite:///name`` is the absolute ``/name``: the example offered must keep the queue under the
    working directory, as the default does, not at the filesystem's root."""
    monkeypatch.chdir(tmp_path)
    with pytest.raises(QueueURLError, match="name the database file") as refused:
        open_queue("sqlite:///")
    example = str(refused.value).rsplit("e.g. ", 1)[1]
    queue = open_queue(example)
    try:
        assert queue.path.resolve() == (tmp_path / DEFAULT_QUEUE_PATH).resolve()  # type: ignore[attr-defined]
    finally:
        queue.close()


def test_unknown_schemes_and_bad_options_are_explained(tmp_path: Path) -> None:
    with pytest.raises(QueueURLError, match="unknown kind of queue 'redis'.*sqlite:///PATH"):
        open_queue("redis://localhost/0")
    with pytest.raises(ValueError, match="synchronous='sometimes'"):
        open_queue(f"sqlite:///{tmp_path}/c.db?synchronous=sometimes")


def test_a_queue_url_password_is_never_shown() -> None:
    assert redact_queue_url("postgresql://app:s3cret@db.internal:5432/q") == "postgresql://app:***@db.internal:5432/q"
    assert redact_queue_url("sqlite:///x.db") == "sqlite:///x.db"


def test_of_two_settlements_of_one_job_in_one_call_the_first_wins(tmp_path: Path) -> None:
    """As if applied in turn: the second finds the job settled already. Both attempt records are written,
    the later replacing the earlier of the same number (PostgreSQL refuses such a call)."""
    queue = SqliteQueue(tmp_path / "queue.db")
    queue.enqueue([NewJob("i", 0, f"m{n}", {"n": n}, "acct", f"user{n}") for n in range(2)])
    first, second = (job.id for job in queue.claim("w1", instances=["i"], limit=2, account_limits={}))
    tries = [Attempt(first, 1, 1.0, 2.0, "failed", "retry", 503, None, f"try {n}") for n in (1, 2)]
    queue.settle(
        [
            Settlement(first, JobState.QUEUED, reason="HTTP 503", not_before=2**40, attempt=tries[0]),
            Settlement(first, JobState.DELIVERED, attempt=tries[1]),
            Settlement(second, JobState.DEAD, reason="gave up"),
        ]
    )
    claimed = queue.settle_and_claim(
        [Settlement(second, JobState.DELIVERED)], "w1", instances=["i"], limit=2, account_limits={}
    )
    stored, other = queue.job(first), queue.job(second)
    assert stored is not None and (stored.state, stored.last_error, stored.attempts) == (JobState.QUEUED, "HTTP 503", 1)
    assert [attempt.message for attempt in queue.attempts(first)] == ["try 2"]
    assert other is not None and (other.state, other.attempts) == (JobState.DEAD, 1)
    assert claimed == []  # the first waits for its retry
    queue.close()
