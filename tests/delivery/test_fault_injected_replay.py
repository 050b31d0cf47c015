"""Reliability against the emulator's ground truth: 2,000 events of 300 users under a random fault mix."""

from __future__ import annotations

from pathlib import Path

from destinations.pardot.emulator import start_for_instance
from framework.delivery.jobs import JobState
from framework.delivery.replay_run import replay_into_queue
from framework.delivery.sqlite_queue import SqliteQueue
from framework.events import EventRecord
from framework.instance import DestinationInstance, read_config_file

FAULTS = "500:0.10,503:0.05,429:0.05,66:0.05,reset:0.02,timeout:0.01,expire:0.01"
TOML = Path(__file__).resolve().parents[2] / "fixtures/instances/pardot.toml"


def test_every_event_is_delivered_or_dead_lettered_and_the_emulator_holds_each_users_last_values(
    tmp_path: Path,
) -> None:
    raw = read_config_file(TOML).config
    emulator = start_for_instance(
        dict(raw.settings), raw.auth or {}, list(raw.subscriptions), faults=FAULTS, seed=11, timeout_hold=0.2
    )
    config = tmp_path / "faulty.toml"
    config.write_text(
        TOML.read_text(encoding="utf-8").replace(
            'destination = "actions-pardot"',
            f'destination = "actions-pardot"\nendpoint = "{emulator.base_url}"\n'
            '[delivery]\nbackoff_base = "20ms"\nbackoff_cap = "200ms"\nmax_attempts = 8\n',
        ),
        encoding="utf-8",
    )
    queue = SqliteQueue(tmp_path / "queue.db")
    events = [
        EventRecord(
            {
                "type": "identify",
                "userId": f"u{i % 300}",
                "messageId": f"m{i}",
                "traits": {"email": f"u{i % 300}@example.com", "firstName": f"v{i}"},
            },
            "generated",
            i + 1,
        )
        for i in range(2000)
    ]
    try:
        with DestinationInstance.from_file(config, token_store=queue.token_store()) as instance:
            outcome = replay_into_queue(queue, instance, events)
        stats = emulator.stats()
        prospects = {p["email"]: p for p in emulator.prospects()}
    finally:
        emulator.stop()
    tally = outcome.tally
    assert outcome.exit is not None and outcome.exit.reason == "drained"
    assert tally.reconciles() and tally.total("still_queued") == 0
    assert tally.total("delivered") + tally.total("dead_lettered") == 2000
    dead = list(
        queue.dead_letters(__import__("framework.delivery", fromlist=["DeadLetterSelection"]).DeadLetterSelection())
    )
    assert all(job.last_error for job in dead)  # every dead letter says why
    delivered_users = set()
    last_delivered: dict[str, int] = {}
    for i in range(2000):
        job_state = _state(queue, f"m{i}")
        if job_state is JobState.DELIVERED:
            delivered_users.add(f"u{i % 300}@example.com")
            last_delivered[f"u{i % 300}@example.com"] = i
    assert set(prospects) == delivered_users
    for email, i in last_delivered.items():  # order kept: each prospect holds its user's last delivered values
        assert prospects[email]["firstName"] == f"v{i}"
    assert max(stats["max_in_flight"].values()) <= 5
    assert stats["in_flight_refused"] == 0
    queue.close()


def _state(queue: SqliteQueue, message_id: str) -> JobState:
    row = queue._db.execute("SELECT state FROM jobs WHERE message_id = ?", (message_id,)).fetchone()
    return JobState(row[0])
