"""``actions replay`` end to end: the fixtures through the Pardot emulator over real HTTP on loopback."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from framework.cli import main

ROOT = Path(__file__).resolve().parents[2]
TOML = "fixtures/instances/pardot.toml"


def _row(out: str, subscription: str) -> list[int]:
    line = next(line for line in out.splitlines() if line.startswith(subscription))
    return [int(number) for number in line[len(subscription) :].split()]


@pytest.fixture(autouse=True)
def _queue_in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every replay here uses its own queue, never the working directory's."""
    monkeypatch.setenv("ACTIONS_QUEUE", str(tmp_path / "queue.db"))


def test_demo_replay_creates_and_updates_prospects(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["replay", "fixtures/events/", "--instance", TOML, "--emulator", "--show-prospects"])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert "Events read: 21   Bad lines (not events): 4" in out
    # read, filtered, invalid, repeated, done before, delivered, dead-lettered, still queued
    assert _row(out, "Upsert prospects on identify") == [21, 8, 2, 0, 0, 11, 0, 0]
    assert _row(out, "Change a prospect's email") == [21, 20, 0, 0, 0, 1, 0, 0]
    assert ": reconciles." in out
    for number in (2, 3, 4, 5):
        assert f"fixtures/events/broken.ndjson:{number}: " in out
    assert "2  invalid        Upsert prospects on identify: " in out and "required field 'email'" in out
    prospects = out.split("Prospects in the emulator: 9")[1]
    assert re.search(r"jane\.doe@example\.com .*Chief Marketing Officer", prospects)
    assert "Jane.Doe@Example.com" in prospects  # a different prospect: Pardot is case-sensitive
    assert "raj@globex.example.com" in prospects and "raj.patel@example.org" not in prospects
    assert re.search(r"sam\.lee@example\.com .*Product Manager.* vegan", prospects)  # from the .gz archive
    assert "\r" not in err  # stderr is not a terminal: no progress bar


def test_segment_settings_json_replays_like_the_toml(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["replay", "fixtures/events/", "--instance", "fixtures/instances/pardot.json", "--emulator"]) == 0
    out = capsys.readouterr().out
    assert _row(out, "Upsert prospects on identify") == [21, 8, 2, 0, 0, 11, 0, 0]


def test_dry_run_shows_redacted_requests_and_sends_nothing(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["replay", "fixtures/events/identify.ndjson", "--instance", TOML, "--dry-run"])
    out = capsys.readouterr().out
    assert code == 0
    assert "Dry run: nothing was sent" in out
    assert out.count("POST https://pi.pardot.com/api/v5/objects/prospects/do/upsertLatestByEmail") == 7
    assert "Authorization: Bearer [REDACTED]" in out
    assert "emulator-access-token" not in out
    first = out.index("identify.ndjson:1 ")
    assert first < out.index("identify.ndjson:2 ") < out.index("identify.ndjson:7 ")


def test_unreachable_destination_dead_letters_with_the_network_reason(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Pointed at a port where nothing listens, every job is retried, then dead-lettered with its reason."""
    config = tmp_path / "closed.toml"
    config.write_text(
        Path(TOML)
        .read_text(encoding="utf-8")
        .replace(
            'destination = "actions-pardot"',
            'destination = "actions-pardot"\nendpoint = "http://127.0.0.1:9"\n'
            '[delivery]\nmax_attempts = 2\nbackoff_base = "10ms"\n',
        ),
        encoding="utf-8",
    )
    code = main(["replay", "fixtures/events/identify.ndjson", "--instance", str(config)])
    out = capsys.readouterr().out
    assert code == 1
    assert _row(out, "Upsert prospects on identify")[6] == 7  # dead-lettered
    assert re.search(
        r"7  dead_lettered  Upsert prospects on identify: gave up after 2 attempts: .*ConnectionError", out
    )


def test_a_second_run_delivers_only_what_is_not_delivered_yet(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from destinations.pardot.emulator import start_for_instance
    from framework.instance import read_config_file

    raw = read_config_file(TOML).config
    emulator = start_for_instance(dict(raw.settings), raw.auth or {}, list(raw.subscriptions))
    try:
        config = tmp_path / "live.toml"
        config.write_text(
            Path(TOML)
            .read_text(encoding="utf-8")
            .replace(
                'destination = "actions-pardot"', f'destination = "actions-pardot"\nendpoint = "{emulator.base_url}"'
            ),
            encoding="utf-8",
        )
        argv = ["replay", "fixtures/events/identify.ndjson", "--instance", str(config)]
        assert main(argv) == 0
        assert _row(capsys.readouterr().out, "Upsert prospects on identify") == [9, 0, 2, 0, 0, 7, 0, 0]
        calls = emulator.stats()["api_calls"]
        assert main(argv) == 0
        assert _row(capsys.readouterr().out, "Upsert prospects on identify") == [
            9,
            0,
            0,
            0,
            9,
            0,
            0,
            0,
        ]  # invalid ones are done too
        assert emulator.stats()["api_calls"] == calls  # nothing sent again
        assert main(argv + ["--fresh"]) == 0
        assert _row(capsys.readouterr().out, "Upsert prospects on identify") == [9, 0, 2, 0, 0, 7, 0, 0]
    finally:
        emulator.stop()


def test_json_report_is_ndjson_with_every_outcome_and_the_summary(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    report = tmp_path / "report.ndjson"
    code = main(
        [
            "replay",
            "fixtures/events/",
            "--instance",
            TOML,
            "--emulator",
            "--report",
            "json",
            "--report-file",
            str(report),
        ]
    )
    assert code == 0
    lines = [json.loads(line) for line in report.read_text(encoding="utf-8").splitlines()]
    bad = [line for line in lines if line["kind"] == "bad_line"]
    assert {(item["path"], item["line"]) for item in bad} == {
        ("fixtures/events/broken.ndjson", n) for n in (2, 3, 4, 5)
    }
    delivered = [line for line in lines if line["kind"] == "outcome" and line["state"] == "delivered"]
    assert len(delivered) == 12
    summary = lines[-1]
    assert summary["kind"] == "summary" and summary["events_read"] == 21 and summary["reconciles"]
    assert "emulator-access-token" not in report.read_text(encoding="utf-8")


def test_json_report_on_stdout_keeps_the_summary_on_stderr(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["replay", "fixtures/events/track.ndjson", "--instance", TOML, "--dry-run", "--report", "json"]) == 0
    out, err = capsys.readouterr()
    assert json.loads(out.splitlines()[-1])["events_read"] == 3
    assert "Events read: 3" in err


def test_stdin_replay_through_the_installed_entry_point() -> None:
    events = (ROOT / "fixtures/events/identify.ndjson").read_bytes()
    done = subprocess.run(
        [sys.executable, "-m", "framework.cli", "replay", "-", "--instance", TOML, "--emulator"],
        cwd=ROOT,
        input=events,
        capture_output=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr.decode()
    assert "Events read: 9   Bad lines (not events): 0" in done.stdout.decode()


def test_forced_progress_bar_draws_on_stderr(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["replay", "fixtures/events/track.ndjson", "--instance", TOML, "--dry-run", "--progress"]) == 0
    err = capsys.readouterr().err
    assert "\r\x1b[2K" in err and err.rstrip().endswith("3 events")


def test_a_directory_without_event_files_is_warned_about(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "notes.txt").write_text("not events")
    assert main(["replay", str(tmp_path), "--instance", "fixtures/instances/pardot.toml", "--dry-run"]) == 0
    captured = capsys.readouterr()
    assert f"actions: warning: {tmp_path}: no event files in this directory" in captured.err
    assert "Events read: 0" in captured.out


def _instance_of_a_new_destination(tmp_path: Path, name: str) -> Path:
    """A package from ``actions init`` and an instance of it; each test its own name, as imports are cached."""
    assert main(["init", name, "--dir", str(tmp_path)]) == 0
    config = tmp_path / "acme.toml"
    slug = "actions-" + name.lower().replace(" ", "-")
    config.write_text(
        f'destination = "{slug}"\n[settings]\napi_key = "k-123"\n'
        '[[subscriptions]]\nname = "Track"\nsubscribe = \'type = "track"\'\naction = "send_event"\n'
    )
    return config


def test_replay_and_explain_find_a_destination_being_written_with_path(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = _instance_of_a_new_destination(tmp_path, "Acme Path CRM")
    events = str(tmp_path / "acme_path_crm" / "fixtures" / "events.ndjson")
    capsys.readouterr()
    assert main(["replay", events, "--instance", str(config), "--dry-run", "--path", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "POST https://api.acme-path-crm.example.com/v1/events" in out and "k-123" not in out
    assert main(["explain", "--instance", str(config), "--event", events, "--line", "1", "--path", str(tmp_path)]) == 0
    assert "[0] Track → send_event: matches" in capsys.readouterr().out


def test_an_instance_of_a_destination_that_failed_to_load_says_why(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = _instance_of_a_new_destination(tmp_path, "Acme Broken CRM")
    with (tmp_path / "acme_broken_crm" / "acme_broken_crm" / "send_event.py").open("a") as module:
        module.write("import no_such_module_here\n")
    capsys.readouterr()
    events = str(tmp_path / "acme_broken_crm" / "fixtures" / "events.ndjson")
    assert main(["replay", events, "--instance", str(config), "--dry-run", "--path", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(
        f'actions: error: {config}: destination "actions-acme-broken-crm" is not installed, and these '
        "failed to load under --path"
    )
    assert "send_event.py:" in err and "No module named 'no_such_module_here'" in err


@pytest.mark.parametrize(
    ("option", "where", "message"),
    [
        ("--report-file", "events/a.ndjson", "is also an event file to replay: writing it would destroy the events"),
        ("--report-file", "events/report.json", "is inside the event directory"),
    ],
)
def test_outputs_never_overwrite_or_join_the_events_being_replayed(
    option: str, where: str, message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    events = tmp_path / "events"
    events.mkdir()
    original = '{"type": "identify", "messageId": "m-1", "traits": {"email": "a@example.com"}}\n'
    (events / "a.ndjson").write_text(original)
    source = str(events / "a.ndjson") if where.endswith(".ndjson") else str(events)
    extra = ["--report", "json"] if option == "--report-file" else []
    argv = ["replay", source, "--instance", TOML, "--dry-run", *extra, option, str(tmp_path / where)]
    assert main(argv) == 2
    assert message in capsys.readouterr().err
    assert (events / "a.ndjson").read_text() == original
    assert sorted(path.name for path in events.iterdir()) == ["a.ndjson"]


def test_an_event_file_given_as_the_instance_is_named_as_such(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["replay", TOML, "--instance", "fixtures/events/identify.ndjson", "--dry-run"]
    assert main(argv) == 2
    assert capsys.readouterr().err == (
        "actions: error: fixtures/events/identify.ndjson: this looks like an event file; --instance takes an instance "
        "config (a .toml or Segment settings .json, see fixtures/instances/), and event files go after the command\n"
    )


def test_a_disabled_subscription_is_named_rather_than_missing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = json.loads(Path("fixtures/instances/pardot.json").read_text())
    settings["subscriptions"][1]["enabled"] = False
    config = tmp_path / "disabled.json"
    config.write_text(json.dumps(settings))
    assert main(["replay", "fixtures/events/track.ndjson", "--instance", str(config), "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "Disabled (enabled = false, not run): Change a prospect's email" in out
    assert _row(out, "Upsert prospects on identify") == [
        3,
        3,
        0,
        0,
        0,
    ]  # read, filtered, invalid, request built, failed
