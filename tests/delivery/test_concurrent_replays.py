"""Two ``actions replay`` runs of the same file at the same time: each tells the truth (issue 18).

Both runs enqueue the same jobs (same messageIds, one queue), each worker delivers part of them, and
each run's worker drains the queue. Before, each run counted the jobs the other run's worker
delivered as "still queued" and exited 1 while nothing was queued; now they are counted by their
final state (delivered) and as settled by another run.
"""

from __future__ import annotations

from pathlib import Path

from destinations.pardot.emulator import start_for_instance
from framework.instance import read_config_file
from tests.delivery.test_kill_and_rerun import EVENTS, TOML, _events_file, _replay, _row


def test_two_replays_of_one_file_at_once_both_report_every_event_settled(tmp_path: Path) -> None:
    raw = read_config_file(TOML).config
    emulator = start_for_instance(dict(raw.settings), raw.auth or {}, list(raw.subscriptions), latency=0.005)
    try:
        config = tmp_path / "live.toml"
        config.write_text(
            TOML.read_text(encoding="utf-8").replace(
                'destination = "actions-pardot"',
                f'id = "concurrent"\ndestination = "actions-pardot"\nendpoint = "{emulator.base_url}"',
            )
            + "\n[delivery]\nmerge_updates = false\n",
            encoding="utf-8",
        )
        events = _events_file(tmp_path)
        queue = tmp_path / "queue.db"
        runs = [_replay(events, config, queue), _replay(events, config, queue)]
        outputs = [run.communicate(timeout=120) for run in runs]
        stats = emulator.stats()
    finally:
        emulator.stop()

    delivered_by_each = []
    for run, (out, err) in zip(runs, outputs, strict=True):
        text = out.decode()
        assert run.returncode == 0, text + err.decode()
        assert ": reconciles." in text
        row = _row(text, "Upsert prospects on identify")
        assert row["still_queued"] == 0, text
        assert row["read"] == EVENTS
        assert row["done_before"] + row["delivered"] == EVENTS, text
        delivered_by_each.append(row["delivered"])
    upserts = stats["by_status"].get("200", 0) + stats["by_status"].get("201", 0)
    assert upserts >= EVENTS  # each event reached the destination (a retried one may twice)
