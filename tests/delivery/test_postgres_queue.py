"""What only the PostgreSQL backend does: its schema step, its URLs, and races between machines.

Each ``PostgresQueue`` opened here has its own connection pool, as a worker on another machine would;
several of them claiming at once must still keep an account's limit and a user's order.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from collections import Counter

import pytest

from framework.delivery import JobState, NewJob, QueueURLError, Settlement, open_queue

pytest.importorskip("psycopg", reason="the postgres extra is not installed: pip install -e '.[test,postgres]'")

from framework.cli.cmd_queue_migrate import run_migrate  # noqa: E402
from framework.delivery.postgres_queue import PostgresQueue  # noqa: E402
from framework.delivery.postgres_schema import SCHEMA_VERSION, QueueSchemaError  # noqa: E402

ACCOUNT = "dest:unit=1"


def new_job(number: int, user: str, account: str = ACCOUNT) -> NewJob:
    return NewJob("i", 0, f"m{number}", {"n": number, "userId": user}, account, f"i\x1fu:{user}")


def _drop_schema_tables(url: str) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as connection:
        for (table,) in connection.execute("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()"):
            connection.execute(f"DROP TABLE IF EXISTS {table} CASCADE")


def test_a_database_without_the_schema_says_to_run_migrate(
    postgres_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    _drop_schema_tables(postgres_url)
    with pytest.raises(QueueSchemaError, match="no delivery queue yet; create it with 'actions queue migrate --queue"):
        open_queue(postgres_url)
    assert run_migrate(argparse.Namespace(queue=postgres_url)) == 0
    assert f"created the queue's schema (version {SCHEMA_VERSION})" in capsys.readouterr().out
    assert run_migrate(argparse.Namespace(queue=postgres_url)) == 0
    assert f"up to date (version {SCHEMA_VERSION})" in capsys.readouterr().out
    queue = open_queue(postgres_url)
    try:
        assert queue.enqueue([new_job(1, "a")]).added == 1
    finally:
        queue.close()


def test_commands_on_a_queue_without_the_schema_name_the_migrate_command(
    postgres_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    from framework.cli import main

    _drop_schema_tables(postgres_url)
    assert main(["queue", "stats", "--queue", postgres_url]) == 2
    assert f"create it with 'actions queue migrate --queue {postgres_url}'" in capsys.readouterr().err
    assert main(["queue", "migrate", "--queue", postgres_url]) == 0
    assert main(["queue", "stats", "--queue", postgres_url]) == 0
    assert "No jobs." in capsys.readouterr().out


def test_a_schema_newer_than_this_version_is_refused(postgres_url: str) -> None:
    import psycopg

    with psycopg.connect(postgres_url, autocommit=True) as connection:
        connection.execute("UPDATE actions_schema_version SET version = 99")
    with pytest.raises(QueueSchemaError, match="version 99.*newer action-destinations"):
        PostgresQueue(postgres_url)


def test_an_unreachable_server_is_explained_without_the_password() -> None:
    with pytest.raises(QueueURLError) as raised:
        open_queue("postgresql://app:s3cret@127.0.0.1:1/q?connect_timeout=2")
    message = str(raised.value)
    assert "cannot connect to PostgreSQL" in message and "app:***@127.0.0.1:1" in message
    assert "s3cret" not in message


def test_migrate_on_a_sqlite_queue_has_nothing_to_do(capsys: pytest.CaptureFixture[str]) -> None:
    assert run_migrate(argparse.Namespace(queue="sqlite:///./never-created.db")) == 0
    assert "nothing to migrate" in capsys.readouterr().out


def test_machines_claiming_at_once_never_pass_an_accounts_limit_nor_a_users_order(postgres_url: str) -> None:
    """Six queues (six pools, as six machines) claim and settle 240 jobs of one account with limit 5."""
    setup = PostgresQueue(postgres_url)
    setup.enqueue([new_job(n, f"user{n % 40}") for n in range(240)])
    running = Counter[str]()
    peak = [0]
    delivered: list[tuple[str, int]] = []
    guard = threading.Lock()

    def machine(name: str) -> None:
        queue = PostgresQueue(postgres_url)
        try:
            while queue.unfinished(["i"]):
                jobs = queue.claim(name, instances=["i"], limit=3, account_limits={ACCOUNT: 5})
                with guard:
                    running[ACCOUNT] += len(jobs)
                    peak[0] = max(peak[0], running[ACCOUNT])
                time.sleep(0.002)  # the delivery
                with guard:
                    running[ACCOUNT] -= len(jobs)
                    delivered.extend((job.event["userId"], job.event["n"]) for job in jobs)
                queue.settle([Settlement(job.id, JobState.DELIVERED) for job in jobs])
        finally:
            queue.close()

    threads = [threading.Thread(target=machine, args=(f"w{n}",)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    setup.close()
    assert len(delivered) == 240
    assert 1 <= peak[0] <= 5
    for user in {user for user, _ in delivered}:
        numbers = [number for who, number in delivered if who == user]
        assert numbers == sorted(numbers), f"{user} delivered out of order: {numbers}"


def test_machines_claiming_runs_and_batches_at_once_never_pass_an_accounts_limit_in_calls(postgres_url: str) -> None:
    """Six queues claim 240 jobs of one account (limit 3 calls): three take lane runs, three take
    batches; a run or a batch is one call, and no more than three calls are ever out at once."""
    setup = PostgresQueue(postgres_url)
    setup.enqueue([new_job(n, f"user{n % 40}") for n in range(240)])
    calls = [0]
    peak = [0]
    delivered: list[tuple[str, int]] = []
    guard = threading.Lock()

    def machine(name: str, batches: bool) -> None:
        queue = PostgresQueue(postgres_url)
        try:
            while queue.unfinished(["i"]):
                if batches:
                    jobs = queue.claim_batch(
                        name, instance_id="i", subscription=0, limit=8, account_limits={ACCOUNT: 3}, lane_run=2
                    )
                    taken = 1 if jobs else 0
                else:
                    jobs = queue.claim(name, instances=["i"], limit=2, account_limits={ACCOUNT: 3}, lane_run=3)
                    taken = len({job.ordering_key for job in jobs})  # one run per lane
                with guard:
                    calls[0] += taken
                    peak[0] = max(peak[0], calls[0])
                time.sleep(0.02)  # the delivery
                with guard:
                    calls[0] -= taken
                    delivered.extend((job.event["userId"], job.event["n"]) for job in jobs)
                queue.settle([Settlement(job.id, JobState.DELIVERED) for job in jobs])
        finally:
            queue.close()

    threads = [threading.Thread(target=machine, args=(f"w{n}", n % 2 == 0)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    setup.close()
    assert len(delivered) == 240
    assert 1 <= peak[0] <= 3
    for user in {user for user, _ in delivered}:
        numbers = [number for who, number in delivered if who == user]
        assert numbers == sorted(numbers), f"{user} delivered out of order: {numbers}"


def test_migrate_upgrades_a_version_1_queue_keeping_its_jobs(postgres_url: str) -> None:
    """A queue created before lane runs and polls (schema 1) is refused until migrated, then keeps its jobs."""
    import psycopg

    from framework.delivery.postgres_schema import _UPGRADES  # the frozen upgrade steps

    with psycopg.connect(postgres_url, autocommit=True) as connection:
        schema = connection.execute("SELECT current_schema()").fetchone()
        assert schema is not None
        connection.execute(f"DROP SCHEMA {schema[0]} CASCADE")
        connection.execute(f"CREATE SCHEMA {schema[0]}")
        connection.execute(_UPGRADES[0])
        connection.execute("CREATE TABLE actions_schema_version (version integer NOT NULL)")
        connection.execute("INSERT INTO actions_schema_version VALUES (1)")
        connection.execute(
            "INSERT INTO actions_jobs (instance_id, subscription, message_id, account_key, ordering_key, event, state)"
            " VALUES ('i', 0, 'm1', %s, 'i\x1fu:a', '{}', 'queued'), ('i', 0, 'm2', %s, 'i\x1fu:a', '{}', 'queued')",
            (ACCOUNT, ACCOUNT),
        )
    with pytest.raises(QueueSchemaError, match=f"version 1.*needs {SCHEMA_VERSION}.*actions queue migrate"):
        PostgresQueue(postgres_url)
    assert run_migrate(argparse.Namespace(queue=postgres_url)) == 0
    queue = PostgresQueue(postgres_url)
    try:
        jobs = queue.claim("w1", instances=["i"], limit=1, account_limits={ACCOUNT: 1}, lane_run=2)
        assert [job.message_id for job in jobs] == ["m1", "m2"]
        queue.settle([Settlement(jobs[1].id, JobState.QUEUED, attempted=False)])
        stored = queue.job(jobs[1].id)
        assert stored is not None and stored.state is JobState.QUEUED and stored.tries == 0
    finally:
        queue.close()


_HOLDER = textwrap.dedent("""
    import sys, time
    from framework.delivery.postgres_queue import PostgresQueue
    queue = PostgresQueue(sys.argv[1])
    queue.register_worker("doomed")
    print(len(queue.claim("doomed", instances=["i"], limit=5, account_limits={})), flush=True)
    time.sleep(60)
""")


def test_a_killed_worker_on_this_host_is_recovered_at_once_one_elsewhere_when_its_heartbeat_stops(
    postgres_url: str,
) -> None:
    import psycopg

    queue = PostgresQueue(postgres_url)
    queue.enqueue([new_job(n, f"user{n}") for n in range(3)])
    holder = subprocess.Popen([sys.executable, "-c", _HOLDER, postgres_url], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "3"
        with psycopg.connect(postgres_url, autocommit=True) as connection:  # as if it ran on another machine
            connection.execute("UPDATE actions_workers SET host = 'elsewhere' WHERE id = 'doomed'")
        os.kill(holder.pid, signal.SIGKILL)
        holder.wait(10)
        assert queue.recover(stale_after=3600) == 0  # another machine's pid cannot be checked: wait for silence
        assert queue.recover(stale_after=0) == 3  # silent for longer than stale_after: gone
    finally:
        holder.kill()
        holder.wait(10)
        holder.stdout.close()  # type: ignore[union-attr]
    assert len(queue.claim("w2", instances=["i"], limit=5, account_limits={})) == 3
    queue.close()


def test_a_killed_worker_on_this_host_is_recovered_without_waiting_for_its_heartbeat(postgres_url: str) -> None:
    queue = PostgresQueue(postgres_url)
    queue.enqueue([new_job(n, f"user{n}") for n in range(2)])
    holder = subprocess.Popen([sys.executable, "-c", _HOLDER, postgres_url], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "2"
        assert queue.recover(stale_after=3600) == 0  # alive: its jobs stay with it
        os.kill(holder.pid, signal.SIGKILL)
        holder.wait(10)
        assert queue.recover(stale_after=3600) == 2  # dead, though its heartbeat is recent
    finally:
        holder.kill()
        holder.wait(10)
        holder.stdout.close()  # type: ignore[union-attr]
    queue.close()


def test_a_heartbeat_re_registers_a_worker_taken_for_dead(postgres_url: str) -> None:
    queue = PostgresQueue(postgres_url)
    queue.register_worker("slow")
    queue.enqueue([new_job(1, "a")])
    queue.recover(stale_after=0)  # "slow" paused too long: struck off
    queue.heartbeat("slow")  # it comes back
    assert len(queue.claim("slow", instances=["i"], limit=1, account_limits={})) == 1
    assert queue.recover(stale_after=3600) == 0  # its new claim is not taken from it
    queue.close()


def test_the_event_keeps_its_key_order(postgres_url: str) -> None:
    queue = PostgresQueue(postgres_url)
    event = {"userId": "a", "type": "identify", "traits": {"zeta": 1, "alpha": 2, "é": "ü"}}
    queue.enqueue([NewJob("i", 0, "m1", event, ACCOUNT, None)])
    claimed = queue.claim("w", instances=["i"], limit=1, account_limits={})
    assert list(claimed[0].event) == ["userId", "type", "traits"]
    assert list(claimed[0].event["traits"]) == ["zeta", "alpha", "é"] and claimed[0].event["traits"]["é"] == "ü"
    queue.close()
