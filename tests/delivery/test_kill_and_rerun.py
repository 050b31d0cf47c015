"""``kill -9`` of an ``actions replay`` process midway, then the same command again: nothing is lost.

The emulator runs in this process (the ground truth); ``actions replay`` runs in a subprocess pointed
at it through the instance's ``endpoint``, with its queue in a temporary file. The subprocess is killed
with SIGKILL once the emulator has seen part of the events, so jobs are left running, queued, and not
even read yet. The second run must deliver the rest, reconcile its counts, and leave the emulator
holding each user's last values: any duplicate is a repeated upsert of a job that was in flight at the
kill, never a second prospect.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

from destinations.pardot.emulator import start_for_instance
from framework.instance import read_config_file

ROOT = Path(__file__).resolve().parents[2]
TOML = ROOT / "fixtures/instances/pardot.toml"
USERS = 40
EVENTS = 400
KILL_AFTER_CALLS = 80  # API calls the emulator has seen when the first run is killed
# The columns of the summary table, after the subscription name.
COLUMNS = ["read", "filtered", "invalid", "repeated", "done_before", "delivered", "dead_lettered", "still_queued"]


def _events_file(folder: Path) -> Path:
    """EVENTS identify events of USERS users, each user updated several times, in order."""
    path = folder / "events.ndjson"
    with path.open("w", encoding="utf-8") as out:
        for i in range(EVENTS):
            user = i % USERS
            out.write(
                json.dumps(
                    {
                        "type": "identify",
                        "userId": f"u{user}",
                        "messageId": f"kill-{i}",
                        "traits": {"email": f"u{user}@example.com", "firstName": f"v{i}"},
                    }
                )
                + "\n"
            )
    return path


def _expected_first_names() -> dict[str, str]:
    """Each user's last firstName: what the emulator must hold when every event is delivered in order."""
    return {f"u{i % USERS}@example.com": f"v{i}" for i in range(EVENTS)}


def _row(out: str, subscription: str) -> dict[str, int]:
    line = next(line for line in out.splitlines() if line.startswith(subscription))
    return dict(zip(COLUMNS, (int(number) for number in line[len(subscription) :].split()), strict=True))


def _replay(events: Path, config: Path, queue: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("ACTIONS_QUEUE", None)
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "framework.cli",
            "replay",
            str(events),
            "--instance",
            str(config),
            "--queue",
            f"sqlite:///{queue}",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def _wait_for_calls(emulator: object, calls: int, process: subprocess.Popen[bytes], timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while emulator.stats()["api_calls"] < calls:  # type: ignore[attr-defined]
        assert process.poll() is None, (
            "the first run ended before it could be killed: " + process.communicate()[1].decode()
        )
        assert time.monotonic() < deadline, "the first run never reached the emulator"
        time.sleep(0.01)


def test_a_killed_replay_run_again_delivers_every_event_once_in_order(tmp_path: Path) -> None:
    raw = read_config_file(TOML).config
    # A little latency keeps the first run busy long enough to be killed with work in every state.
    emulator = start_for_instance(dict(raw.settings), raw.auth or {}, list(raw.subscriptions), latency=0.01)
    try:
        config = tmp_path / "live.toml"
        config.write_text(
            TOML.read_text(encoding="utf-8").replace(
                'destination = "actions-pardot"',
                f'id = "kill-test"\ndestination = "actions-pardot"\nendpoint = "{emulator.base_url}"',
            )
            + "\n[delivery]\nmerge_updates = false  # one upsert per event: the counts below rely on it\n",
            encoding="utf-8",
        )
        events = _events_file(tmp_path)
        queue = tmp_path / "queue.db"

        first = _replay(events, config, queue)
        try:
            _wait_for_calls(emulator, KILL_AFTER_CALLS, first)
        finally:
            first.kill()  # SIGKILL: no handler runs, nothing is settled or unregistered
            first.communicate()
        assert first.returncode == -9
        killed_at = emulator.stats()
        delivered_by_first = killed_at["by_status"].get("200", 0) + killed_at["by_status"].get("201", 0)
        assert 0 < delivered_by_first < EVENTS

        # Requests the dead process had in flight still finish in the emulator; let them, so that the
        # in-flight peak measured below is the second run's alone.
        deadline = time.monotonic() + 10
        while emulator.emulator.in_flight(emulator.business_unit) and time.monotonic() < deadline:
            time.sleep(0.01)
        second = _replay(events, config, queue)
        out, err = second.communicate(timeout=60)
        stats = emulator.stats()
        prospects = emulator.prospects()
    finally:
        emulator.stop()

    assert second.returncode == 0, out.decode() + err.decode()
    text = out.decode()
    assert ": reconciles." in text
    row = _row(text, "Upsert prospects on identify")
    assert row["read"] == EVENTS
    assert row["read"] == (
        row["delivered"]
        + row["filtered"]
        + row["invalid"]
        + row["dead_lettered"]
        + row["still_queued"]
        + row["done_before"]
        + row["repeated"]
    )
    assert row["delivered"] + row["done_before"] == EVENTS  # every event delivered, by one run or the other
    assert row["done_before"] > 0 and row["delivered"] > 0
    assert row["dead_lettered"] == row["still_queued"] == row["invalid"] == 0

    # The ground truth: one prospect per user, each with its user's last values (order kept across the kill).
    assert len(prospects) == USERS
    assert {p["email"]: p["firstName"] for p in prospects} == _expected_first_names()
    # Duplicates are repeated upserts only, of the jobs in flight when the process died (5 at most).
    accepted = stats["by_status"].get("200", 0) + stats["by_status"].get("201", 0)
    assert EVENTS <= accepted <= EVENTS + 5
    assert max(stats["max_in_flight"].values()) <= 5
