"""``actions map`` and ``actions explain``: each field's value and source, each trigger's verdict."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from framework.cli import main

MAPPING = {
    "email": {"@if": {"exists": {"@path": "$.traits.email"}, "then": {"@path": "$.traits.email"},
                      "else": {"@path": "$.context.traits.email"}}},
    "city": {"@path": "$.traits.address.city"},
}


def _mapping_file(tmp_path: Path, mapping: object) -> str:
    path = tmp_path / "mapping.json"
    path.write_text(json.dumps(mapping), encoding="utf-8")
    return str(path)


def test_map_shows_value_and_source_per_field(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["map", "--mapping", _mapping_file(tmp_path, MAPPING), "--event", "fixtures/events/identify.ndjson",
                 "--line", "9"])
    out = capsys.readouterr().out
    assert code == 0
    assert out.startswith("fixtures/events/identify.ndjson:9  identify ajs-id-0009")
    email = next(line for line in out.splitlines() if line.strip().startswith("email"))
    assert '"ctx.only@example.com"' in email and "else: @path $.context.traits.email" in email
    city = next(line for line in out.splitlines() if line.strip().startswith("city"))
    assert "(absent)" in city
    assert 'payload: {"email": "ctx.only@example.com"}' in out


def test_map_validates_against_an_action(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["map", "--mapping", _mapping_file(tmp_path, {}), "--event", "fixtures/events/identify.ndjson",
                 "--line", "8", "--action", "actions-pardot:prospects"])
    assert code == 1
    assert "invalid for Upsert Prospect: " in capsys.readouterr().out


def test_map_reports_an_invalid_mapping_by_json_pointer(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _mapping_file(tmp_path, {"a": {"@path": 3}, "b": {"@template": {}}})
    assert main(["map", "--mapping", path, "--event", "fixtures/events/identify.ndjson"]) == 2
    lines = capsys.readouterr().err.splitlines()
    assert lines == [
        f"actions: error: {path}: /a/@path should be a string or a mapping directive but it is a number.",
        f"actions: error: {path}: /b/@template should be a string or a mapping directive but it is an object.",
    ]


def test_map_reports_a_mapping_that_is_not_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "mapping.json"
    path.write_text('{"email": {"@path": "$.traits.email"},\n  oops}', encoding="utf-8")
    assert main(["map", "--mapping", str(path), "--event", "fixtures/events/identify.ndjson"]) == 2
    assert capsys.readouterr().err.startswith(f"actions: error: {path}:2:3: not valid JSON: ")


def test_map_warns_about_each_broken_line_and_maps_the_rest(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["map", "--mapping", _mapping_file(tmp_path, MAPPING), "--event", "fixtures/events/broken.ndjson"])
    out, err = capsys.readouterr()
    assert code == 0
    warnings = err.splitlines()
    assert [line.split(": ")[2] for line in warnings] == [f"fixtures/events/broken.ndjson:{n}" for n in (2, 3, 4, 5)]
    assert "broken.ndjson:1  identify brk-0001" in out and "broken.ndjson:6  identify brk-0006" in out


def test_explain_gives_each_trigger_verdict_with_the_failing_condition(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["explain", "--instance", "fixtures/instances/pardot.toml", "--event", "fixtures/events/track.ndjson",
                 "--line", "2"])
    out = capsys.readouterr().out
    assert code == 0
    assert '[0] Upsert prospects on identify → prospects: filtered: type = "identify" is false: type is "track"' in out
    assert "[1] Change a prospect's email → prospects: matches" in out
    custom = next(line for line in out.splitlines() if line.strip().startswith("customFields"))
    assert '{"email": "raj@globex.example.com"}' in custom


def test_explain_shows_fields_of_filtered_subscriptions_on_request(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["explain", "--instance", "fixtures/instances/pardot.json", "--event", "fixtures/events/page-screen-group-alias.ndjson",
            "--line", "1"]
    assert main(argv) == 0
    assert "secondaryDeletedSearch" not in capsys.readouterr().out
    assert main([*argv, "--all-fields"]) == 0
    assert "secondaryDeletedSearch" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("line", "message"),
    [(99, "fixtures/events/broken.ndjson: no event starts at line 99; pass --line with one of 1, 6"),
     (3, "fixtures/events/broken.ndjson: line 3 is not an event (see the warning above)")],
)
def test_explain_line_without_an_event_says_which_lines_have_one(
    line: int, message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["explain", "--instance", "fixtures/instances/pardot.toml", "--event", "fixtures/events/broken.ndjson",
            "--line", str(line)]
    assert main(argv) == 2
    assert capsys.readouterr().err.splitlines()[-1] == f"actions: error: {message}"


def test_map_names_mapped_keys_the_action_has_no_field_for(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    mapping = {"fullName": {"@template": "{{traits.first_name}} {{traits.last_name}}"}}
    code = main(["map", "--mapping", _mapping_file(tmp_path, mapping), "--event", "fixtures/events/identify.ndjson",
                 "--line", "2", "--action", "actions-pardot:prospects"])
    out = capsys.readouterr().out
    assert code == 0
    assert "  not fields of Upsert Prospect, so never sent: fullName (its fields: email, firstName," in out
    assert '"fullName"' not in out.split("validated: ")[1].splitlines()[0]


def test_map_action_without_the_action_name_says_how_to_write_it(tmp_path: Path,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["map", "--mapping", _mapping_file(tmp_path, {}), "--event", "fixtures/events/identify.ndjson",
                 "--action", "pardot"])
    assert code == 2
    assert capsys.readouterr().err == (
        "actions: error: --action pardot: name the action too, as SLUG:ACTION (e.g. pardot:prospects)\n")


def test_map_warns_about_an_event_path_written_as_plain_text(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    mapping = {"email": "$.traits.email", "name": {"@path": "$.traits.name"}}
    code = main(["map", "--mapping", _mapping_file(tmp_path, mapping), "--event", "fixtures/events/identify.ndjson",
                 "--line", "1"])
    captured = capsys.readouterr()
    assert code == 0
    assert 'payload: {"email": "$.traits.email"' in captured.out  # valid, and the text is what is sent
    assert captured.err.splitlines() == [
        f'actions: warning: {tmp_path / "mapping.json"}: /email is the literal text "$.traits.email"; to read it from '
        'the event, write {"@path": "$.traits.email"}']


@pytest.mark.parametrize("command", ["map", "explain"])
def test_an_event_nested_1000_levels_deep_is_a_warning_and_the_events_after_it_are_shown(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], command: str
) -> None:
    good = json.dumps({"type": "identify", "messageId": "after-deep", "traits": {"email": "a@example.com"}})
    deep = '{"type": "identify", "messageId": "deep", "traits": ' + '{"n": ' * 1000 + "1" + "}" * 1000 + "}"
    events = tmp_path / "deep.ndjson"
    events.write_text(f"{deep}\n{good}\n", encoding="utf-8")
    source = ["--mapping", _mapping_file(tmp_path, MAPPING)] if command == "map" else \
        ["--instance", "fixtures/instances/pardot.toml"]
    code = main([command, *source, "--event", str(events)])
    out, err = capsys.readouterr()
    assert code == 0
    assert f"{events}:1: not an event: nested more than" in err
    assert "after-deep" in out and "Traceback" not in err
