"""Bad instance configs give located messages (file, line, subscription, field) and exit 2."""

from __future__ import annotations

from pathlib import Path

import pytest

from framework.cli import main

HEAD = """destination = "actions-pardot"

[settings]
businessUnitID = "0Uv000000000001AAA"
accountID = "1"

[auth]
access_token = "t"
refresh_token = "r"
client_id = "c"
client_secret = "s"
"""


def _explain(tmp_path: Path, text: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, list[str]]:
    config = tmp_path / "instance.toml"
    config.write_text(text, encoding="utf-8")
    code = main(["explain", "--instance", str(config), "--event", "fixtures/events/identify.ndjson", "--line", "1"])
    return code, capsys.readouterr().err.splitlines()


def test_unparsable_trigger_names_the_subscription_and_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, lines = _explain(tmp_path, HEAD + """
[[subscriptions]]
name = "Broken trigger"
subscribe = 'type = = "identify"'
action = "prospects"
""", capsys)
    assert code == 2
    assert len(lines) == 1
    assert lines[0].startswith(f"actions: error: {tmp_path / 'instance.toml'}:13: ")
    assert 'subscriptions[0] ("Broken trigger")' in lines[0]


def test_every_problem_is_listed_each_on_its_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, lines = _explain(tmp_path, HEAD + """
[[subscriptions]]
name = "Unknown action"
subscribe = 'type = "identify"'
action = "nope"

[[subscriptions]]
name = "Bad mapping"
subscribe = 'type = "identify"'
action = "prospects"
mapping = { email = { "@path" = 5 } }
""", capsys)
    assert code == 2
    assert len(lines) == 2
    assert all(line.startswith("actions: error: ") for line in lines)
    assert "Unknown action" in lines[0] and "nope" in lines[0]
    assert "Bad mapping" in lines[1] and "email" in lines[1]


def test_more_than_fifty_subscriptions_is_refused_naming_the_limit(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    one = '\n[[subscriptions]]\nsubscribe = \'type = "identify"\'\naction = "prospects"\n'
    code, lines = _explain(tmp_path, HEAD + one * 51, capsys)
    assert code == 2
    assert any("50" in line for line in lines)


def test_toml_syntax_error_points_at_line_and_column(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, lines = _explain(tmp_path, 'destination = "actions-pardot"\n[settings\n', capsys)
    assert code == 2
    assert lines[0].startswith(f"actions: error: {tmp_path / 'instance.toml'}:2:")
    assert "invalid TOML" in lines[0]


@pytest.mark.parametrize("command", ["explain", "replay"])
def test_a_config_saved_as_latin1_is_refused_with_its_byte_offset(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], command: str
) -> None:
    config = tmp_path / "instance.toml"
    config.write_bytes((HEAD + '\n[settings.extra]\nname = "Société"\n').encode("latin-1"))
    args = ["--event", "fixtures/events/identify.ndjson", "--line", "1"] if command == "explain" else \
        ["--dry-run", "fixtures/events/identify.ndjson"]
    code = main([command, "--instance", str(config), *args])
    err = capsys.readouterr().err
    assert code == 2
    assert f"{config}:14: the file is not UTF-8 text: byte offset" in err
    assert "save the file with the UTF-8 encoding" in err and "Traceback" not in err


def test_mapping_errors_point_at_the_line_of_their_mapping_key(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    subscriptions = """
[[subscriptions]]
name = "Inline"
subscribe = 'type = "identify"'
action = "prospects"
mapping = { email = { "@path" = 5 } }

[[subscriptions]]
name = "Table"
subscribe = 'type = "identify"'
action = "prospects"

[subscriptions.mapping]
firstName = { "@path" = "$.traits.first_name" }
"lastName" = { "@tempalte" = "x" }

[[subscriptions]]
name = "Sub-table"
subscribe = 'type = "identify"'
action = "prospects"

[subscriptions.mapping.email]
"@if" = { then = 1 }

[[subscriptions]]
name = "Dotted"
subscribe = 'type = "identify"'
action = "prospects"
mapping.email = { "@path" = 5 }
"""
    code, lines = _explain(tmp_path, HEAD + subscriptions, capsys)
    text = (HEAD + subscriptions).splitlines()
    expected = {
        "Inline": text.index('mapping = { email = { "@path" = 5 } }') + 1,
        "Table": text.index('"lastName" = { "@tempalte" = "x" }') + 1,
        "Sub-table": text.index("[subscriptions.mapping.email]") + 1,
        "Dotted": text.index('mapping.email = { "@path" = 5 }') + 1,
    }
    assert code == 2
    config = tmp_path / "instance.toml"
    for name, line in expected.items():
        [message] = [message for message in lines if f'("{name}")' in message]
        assert message.startswith(f"actions: error: {config}:{line}: "), message
