"""The declarative cases in fixtures/mappings run under pytest too, and ``actions test`` shows diffs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from framework.cli import main
from framework.cli.mapping_cases import MappingCase, load_cases, run_case

ROOT_INSTANCE = Path(__file__).resolve().parents[2] / "fixtures" / "instances" / "pardot.toml"

ROOT = Path(__file__).resolve().parents[2]
CASES = load_cases([ROOT / "fixtures" / "mappings"])


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.id)
def test_mapping_case(case: MappingCase) -> None:
    outcome = run_case(case)
    assert outcome.passed, "\n".join([outcome.message, *outcome.diff])


def test_there_are_cases_of_each_kind() -> None:
    kinds = {("instance" in c.data, "action" in c.data, "error" in c.data["expect"]) for c in CASES}
    assert (True, False, False) in kinds and (False, True, False) in kinds and (False, True, True) in kinds


def test_actions_test_prints_a_diff_per_failure(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    case = {"name": "wrong city", "event": {"traits": {"address": {"city": "Oslo"}}},
            "mapping": {"city": {"@path": "$.traits.address.city"}}, "expect": {"payload": {"city": "Bergen"}}}
    good = {"name": "right city", "event": case["event"], "mapping": case["mapping"], "expect": {"payload": {"city": "Oslo"}}}
    (tmp_path / "cases.json").write_text(json.dumps([case, good]), encoding="utf-8")
    assert main(["test", str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert "FAIL  cases: wrong city" in out and "PASS  cases: right city" in out
    assert '-  "city": "Bergen"' in out and '+  "city": "Oslo"' in out
    assert "1 passed, 1 failed, 2 cases" in out


def test_actions_test_runs_the_fixture_cases(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["test"]) == 0
    assert f"{len(CASES)} passed, 0 failed" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('{"name": "x"', "cases.json:1:13: not valid JSON"),
        ('{"name": "x", "event": {}, "mapping": {}, "expect": {"payload": {}}, "extra": 1}', "unknown key(s) 'extra'"),
        ('{"name": "x", "evnet": {}, "mapping": {}, "expect": {"payload": {}}}',
         "unknown key(s) 'evnet' (did you mean 'event'?)"),
        ('{"name": "x", "event": {}, "mapping": {}, "expect": {"paylaod": {}}}',
         "unknown key(s) in \"expect\": 'paylaod' (did you mean 'payload'?)"),
        ('{"name": "x", "event": {}, "mapping": {}}', '"expect" must be an object'),
        ('{"name": "x", "mapping": {}, "expect": {"payload": {}}}', 'needs an "event"'),
    ],
)
def test_malformed_case_files_are_located(tmp_path: Path, content: str, message: str,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "cases.json").write_text(content, encoding="utf-8")
    assert main(["test", str(tmp_path / "cases.json")]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"actions: error: {tmp_path / 'cases.json'}") and message in err


def test_a_status_for_a_subscription_the_instance_lacks_names_the_ones_it_has(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    case = {"name": "typo", "instance": str(ROOT_INSTANCE), "event": {"type": "identify", "traits": {"email": "a@b.co"}},
            "expect": {"statuses": {"Upsert prospect": "delivered"}}}
    (tmp_path / "case.json").write_text(json.dumps(case), encoding="utf-8")
    assert main(["test", str(tmp_path / "case.json")]) == 1
    out = capsys.readouterr().out
    assert "the instance has no subscription named 'Upsert prospect'; its subscriptions are " \
           "'Upsert prospects on identify', \"Change a prospect's email\"" in out
    assert "0 passed, 1 failed, 1 case\n" in out


def test_without_paths_outside_the_project_it_says_where_cases_are_looked_for(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["test"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("actions: error: fixtures/mappings: no such folder here;")
    assert "run it from the project folder, or pass case files or folders" in err


def test_a_missing_instance_is_located_relative_to_the_case_file(tmp_path: Path,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    case = {"name": "x", "instance": "nope.toml", "event": {"type": "identify"}, "expect": {"statuses": {"a": "filtered"}}}
    (tmp_path / "case.json").write_text(json.dumps(case), encoding="utf-8")
    assert main(["test", str(tmp_path / "case.json")]) == 1
    assert (f"{tmp_path / 'case.json'}: instance {tmp_path / 'nope.toml'} does not exist (paths are relative to the "
            "case file)") in capsys.readouterr().out
