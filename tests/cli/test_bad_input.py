"""Bad input never stops a replay: each problem is reported where it is (file:line or subscription), the
good events around it are all delivered, and every event read is accounted for in the summary."""

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
COLUMNS = ["read", "filtered", "invalid", "repeated", "done_before", "delivered", "dead_lettered", "still_queued"]
UPSERT = "Upsert prospects on identify"


def _row(out: str, subscription: str) -> dict[str, int]:
    line = next(line for line in out.splitlines() if line.startswith(subscription))
    return dict(zip(COLUMNS, (int(number) for number in line[len(subscription):].split()), strict=True))


def _identify(n: int, **traits: Any) -> str:
    return json.dumps({"type": "identify", "userId": f"u{n}", "messageId": f"bad-input-{n}",
                       "traits": {"email": f"u{n}@example.com", "firstName": f"F{n}", **traits}})


@pytest.fixture
def emulator() -> Iterator[Any]:
    raw = read_config_file(TOML).config
    running = start_for_instance(dict(raw.settings), raw.auth or {}, list(raw.subscriptions))
    yield running
    running.stop()


@pytest.fixture
def config(tmp_path: Path, emulator: Any, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("ACTIONS_QUEUE", str(tmp_path / "queue.db"))
    path = tmp_path / "live.toml"
    path.write_text(TOML.read_text(encoding="utf-8").replace(
        'destination = "actions-pardot"', f'destination = "actions-pardot"\nendpoint = "{emulator.base_url}"'),
        encoding="utf-8")
    return path


def test_bad_lines_and_bad_events_are_reported_where_they_are_and_the_rest_is_delivered(
    tmp_path: Path, config: Path, emulator: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    events = tmp_path / "mixed.ndjson"
    lines = [
        _identify(1),                                                        # 1 good
        '{"type": "identify", "traits": ',                                   # 2 malformed JSON
        '"just a string"',                                                   # 3 not an object
        "[1, 2, 3]",                                                         # 4 not an object
        _identify(5, notes="x" * 40_000),                                    # 5 over 32 KB
        json.dumps({"userId": "u6", "messageId": "bad-input-6", "traits": {"email": "u6@example.com"}}),  # 6 no type
        json.dumps({"type": "identify", "userId": "u7", "messageId": "bad-input-7", "traits": {"firstName": "N"}}),
        json.dumps({"type": 42, "messageId": "bad-input-8"}),                # 8 a type that is not a string
        _identify(9),                                                        # 9 good, after all of the above
    ]
    events.write_text("\n".join(lines) + "\n", encoding="utf-8")

    code = main(["replay", str(events), "--instance", str(config)])
    out = capsys.readouterr().out

    assert code == 0  # bad input is reported, not fatal (--strict makes it exit 1)
    assert "Events read: 6   Bad lines (not events): 3" in out
    for number in (2, 3, 4):
        assert f"{events.as_posix()}:{number}: " in out
    assert "expected a JSON object, found a string" in out and "expected a JSON object, found an array" in out
    row = _row(out, UPSERT)
    # 1 and 9 delivered; 5 (too large), 7 (no email) and 8 (type not a string) invalid; 6 (no type) filtered.
    assert row == {"read": 6, "filtered": 1, "invalid": 3, "repeated": 0, "done_before": 0, "delivered": 2,
                   "dead_lettered": 0, "still_queued": 0}
    assert ": reconciles." in out
    assert re.search(r"invalid +Upsert prospects on identify: the event is \d+\.\d KB, over Segment's 32 KB limit.*"
                     rf"\(e\.g\. {re.escape(events.as_posix())}:5\)", out)
    assert re.search(r"invalid +Upsert prospects on identify: .*required field 'email'.*\(e\.g\. bad-input-7\)", out)
    assert re.search(rf"the event's type should be a string.*\(e\.g\. {re.escape(events.as_posix())}:8\)", out)
    assert sorted(p["email"] for p in emulator.prospects()) == ["u1@example.com", "u9@example.com"]

    assert main(["replay", str(events), "--instance", str(config), "--strict"]) == 1  # and nothing is sent twice
    again = _row(capsys.readouterr().out, UPSERT)
    assert again["done_before"] == 3 and again["invalid"] == 2  # 1, 7 and 9 settled before; 5 and 8 refused again
    assert emulator.stats()["by_status"].get("201", 0) + emulator.stats()["by_status"].get("200", 0) == 2


def test_an_unknown_action_names_the_subscription_and_consumes_nothing(
    tmp_path: Path, config: Path, emulator: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = tmp_path / "broken.toml"
    text = config.read_text(encoding="utf-8")
    second = 'action = "prospects"\n# Pardot finds'
    broken.write_text(text.replace(second, second.replace("prospects", "prospect_upsert")), encoding="utf-8")
    argv = ["replay", "fixtures/events/identify.ndjson", "--instance"]

    assert main([*argv, str(broken)]) == 2
    err = capsys.readouterr().err
    assert f"{broken}:35: subscriptions[1] (\"Change a prospect's email\").action" in err
    assert 'has no action "prospect_upsert"' in err and "the actions are: prospects" in err
    assert emulator.stats()["api_calls"] == 0

    assert main([*argv, str(config)]) == 0  # fixed: every event is there to deliver, none was consumed
    row = _row(capsys.readouterr().out, UPSERT)
    assert row["read"] == 9 and row["delivered"] == 7 and row["done_before"] == 0
