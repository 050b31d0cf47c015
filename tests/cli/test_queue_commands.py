"""The queue's commands end to end, as an operator uses them: ``actions enqueue``, ``actions worker
--until-empty``, ``actions queue stats`` and ``actions dlq list/show/retry/purge`` (``retry --mapping
NEW.json --dry-run`` included), against the Pardot emulator over loopback HTTP."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from destinations.pardot.emulator import start_for_instance
from framework.cli import main
from framework.instance import read_config_file

TOML = Path("fixtures/instances/pardot.toml")
EVENTS = "fixtures/events/identify.ndjson"  # 9 identify events: 7 deliverable, 2 without an email


@pytest.fixture
def emulator() -> Iterator[Any]:
    raw = read_config_file(TOML).config
    running = start_for_instance(dict(raw.settings), raw.auth or {}, list(raw.subscriptions))
    yield running
    running.stop()


@pytest.fixture
def setup(tmp_path: Path, emulator: Any) -> tuple[list[str], str]:
    """(--queue option, instance config path): one attempt per job, so a failure dead-letters at once."""
    config = tmp_path / "dlq.toml"
    config.write_text(TOML.read_text(encoding="utf-8").replace(
        'destination = "actions-pardot"',
        f'id = "dlq-test"\ndestination = "actions-pardot"\nendpoint = "{emulator.base_url}"\n'
        "[delivery]\nmax_attempts = 1\n"), encoding="utf-8")
    return ["--queue", f"sqlite:///{tmp_path / 'ops.db'}"], str(config)


def _stats(queue: list[str], capsys: pytest.CaptureFixture[str]) -> dict[str, int]:
    assert main(["queue", "stats", "--json", *queue]) == 0
    rows = json.loads(capsys.readouterr().out)["rows"]
    totals: dict[str, int] = {}
    for row in rows:
        for state, count in row["counts"].items():
            totals[state] = totals.get(state, 0) + count
    return {state: count for state, count in totals.items() if count}


def test_enqueue_then_worker_until_empty_delivers_and_queue_stats_counts_each_state(
    setup: tuple[list[str], str], emulator: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    queue, config = setup
    assert main(["enqueue", EVENTS, "--instance", config, *queue]) == 0
    out = capsys.readouterr().out
    assert "Queued for dlq-test: 9 jobs in sqlite:///" in out
    assert f"Deliver them with: actions worker --instance {config} --queue {queue[1]} --until-empty" in out
    assert emulator.stats()["api_calls"] == 0  # enqueue sends nothing
    assert _stats(queue, capsys) == {"queued": 9}

    assert main(["queue", "stats", *queue]) == 0
    table = capsys.readouterr().out
    assert re.search(r"dlq-test +\[0\] Upsert prospects on identify +9 +0 +0 +0 +0 +0 +0 +0", table)

    assert main(["enqueue", EVENTS, "--instance", config, *queue]) == 0  # again: dedup adds nothing
    assert "Queued for dlq-test: 9 jobs in sqlite:///" in (again := capsys.readouterr().out)
    assert "(9 of them queued by an earlier run, not yet delivered)" in again

    assert main(["worker", "--instance", config, "--until-empty", *queue]) == 0
    assert "Settled in" in capsys.readouterr().out
    assert _stats(queue, capsys) == {"delivered": 7, "invalid": 2}
    assert len(emulator.prospects()) == 6  # jane.doe is upserted twice


def test_dead_letters_are_listed_shown_previewed_with_a_new_mapping_re_driven_and_purged(
    tmp_path: Path, setup: tuple[list[str], str], emulator: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    queue, config = setup
    assert main(["enqueue", EVENTS, "--instance", config, *queue]) == 0
    emulator.emulator.inject("status", status=500, count=3)
    assert main(["worker", "--instance", config, "--until-empty", "--concurrency", "1", *queue]) == 1
    capsys.readouterr()
    assert _stats(queue, capsys) == {"delivered": 4, "dead": 3, "invalid": 2}

    assert main(["dlq", "list", "--reason", "gave up", *queue]) == 0
    listing = capsys.readouterr().out
    assert "3 dead letters." in listing and listing.count("gave up after 1 attempts") == 3
    ids = [int(line.split()[0]) for line in listing.splitlines() if "gave up after" in line]

    assert main(["dlq", "show", str(ids[0]), *queue]) == 0
    shown = capsys.readouterr().out
    assert f"Job {ids[0]}: dead, instance dlq-test" in shown
    assert "Attempt 1 at " in shown and "HTTP 500" in shown and "code 183" in shown
    assert "POST " in shown and "/api/v5/objects/prospects/do/upsertLatestByEmail" in shown
    assert "Authorization: Bearer [REDACTED]" in shown and "emulator-access-token" not in shown

    mapping = tmp_path / "new.json"
    mapping.write_text(json.dumps({"email": {"@path": "$.traits.email"},
                                   "lastName": {"@template": "{{traits.lastName}} (re-driven)"},
                                   "secondaryDeletedSearch": True}))
    calls = emulator.stats()["api_calls"]
    argv = ["dlq", "retry", "--reason", "gave up", "--mapping", str(mapping), "--dry-run", "--config", config, *queue]
    assert main(argv) == 0
    preview = capsys.readouterr().out
    assert preview.count("  failed:   {") == 3 and preview.count("  new:      {") == 3
    assert "(re-driven)" in preview and "3 dead letters previewed; nothing was sent or changed." in preview
    failed = json.loads(preview.splitlines()[1].split("failed:", 1)[1])
    # The body that was sent, read back from the stored attempt.
    assert failed["matchEmail"] and failed["prospect"]["email"] == failed["matchEmail"]
    assert emulator.stats()["api_calls"] == calls
    assert _stats(queue, capsys)["dead"] == 3

    assert main(["dlq", "retry", "--reason", "gave up", *queue]) == 0
    assert "Queued again: 3 jobs, due now." in capsys.readouterr().out
    assert main(["worker", "--instance", config, "--until-empty", *queue]) == 0
    capsys.readouterr()
    assert _stats(queue, capsys) == {"delivered": 7, "invalid": 2}

    assert main(["dlq", "purge", "--all", *queue]) == 0
    assert "Purged 2 jobs and their attempts." in capsys.readouterr().out
    assert main(["dlq", "list", *queue]) == 0
    assert "No dead letters match." in capsys.readouterr().out
    assert _stats(queue, capsys) == {"delivered": 7}


def test_dlq_commands_say_what_is_missing(setup: tuple[list[str], str], capsys: pytest.CaptureFixture[str]) -> None:
    queue, _ = setup
    assert main(["dlq", "show", "999", *queue]) == 2
    assert "dlq show 999: no job with that id in sqlite:///" in capsys.readouterr().err
    assert main(["dlq", "retry", *queue]) == 2
    assert "name the dead letters: job ids, --all, or --reason/--instance/--since" in capsys.readouterr().err
    assert main(["dlq", "retry", "--all", "--mapping", "x.json", *queue]) == 2
    assert "--mapping previews only (add --dry-run)" in capsys.readouterr().err
