"""The declarative cases in fixtures/mappings run under pytest too, and ``actions test`` shows diffs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from framework.cli import main
from framework.testing.mapping_cases import MappingCase, load_cases, run_case

ROOT_INSTANCE = Path(__file__).resolve().parents[2] / "fixtures" / "instances" / "pardot.toml"

ROOT = Path(__file__).resolve().parents[2]
CASES = load_cases([ROOT / "fixtures" / "mappings"]).cases


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
def test_malformed_case_files_are_located_and_the_other_files_still_run(
    tmp_path: Path, content: str, message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "cases.json").write_text(content, encoding="utf-8")
    good = {"name": "fine", "event": {"traits": {"a": 1}}, "mapping": {"a": {"@path": "$.traits.a"}},
            "expect": {"payload": {"a": 1}}}
    (tmp_path / "later.json").write_text(json.dumps(good), encoding="utf-8")
    assert main(["test", str(tmp_path)]) == 2
    out, err = capsys.readouterr()
    assert err.startswith(f"actions: error: {tmp_path / 'cases.json'}") and message in err
    assert "PASS  later: fine" in out
    assert "1 passed, 0 failed, 1 case; 1 not run: the case file or case could not be read" in out


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


def test_a_case_file_that_is_not_utf8_is_reported_with_its_byte_offset(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "latin1.json").write_bytes('{"name": "Société"}'.encode("latin-1"))
    assert main(["test", str(tmp_path)]) == 2
    assert "latin1.json:1: not UTF-8 text (byte offset 14); save the file as UTF-8" in capsys.readouterr().err


@pytest.mark.parametrize("content", [None, "[]"])
def test_a_folder_without_cases_is_an_error_not_a_pass(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str | None
) -> None:
    if content is not None:
        (tmp_path / "empty.json").write_text(content, encoding="utf-8")
    assert main(["test", str(tmp_path)]) == 2
    out, err = capsys.readouterr()
    assert err.startswith(f"actions: error: {tmp_path}: ") and "nothing was tested" in err
    assert "passed" not in out


def test_a_deeply_nested_case_event_fails_that_case_only(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    def case(levels: int) -> str:
        return '{"name": "deep", "mapping": {}, "expect": {"payload": {}}, "event": ' + '{"n": ' * levels + "1" + \
            "}" * (levels + 1)

    (tmp_path / "a.json").write_text(case(1000), encoding="utf-8")
    (tmp_path / "b.json").write_text(case(80), encoding="utf-8")
    assert main(["test", str(tmp_path)]) == 2
    out, err = capsys.readouterr()
    assert f"{tmp_path / 'a.json'}: nested too deeply to read" in err
    assert "FAIL  b: deep" in out and "nested more than 64 levels deep" in out


def _scaffold(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    """A destination package made by ``actions init``, not installed, and a case for its action."""
    assert main(["init", "Case Target", "--dir", str(tmp_path / "packages")]) == 0
    capsys.readouterr()
    case = {"name": "maps the event name", "action": "actions-case-target:send_event", "use_default_mappings": True,
            "event": {"type": "track", "event": "Signed Up", "userId": "u1"}, "mapping": {},
            "expect": {"payload": {"event_name": "Signed Up", "user_id": "u1"}}}
    (tmp_path / "case.json").write_text(json.dumps(case), encoding="utf-8")
    return tmp_path / "packages"


def test_actions_test_finds_a_destination_under_path(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    packages = _scaffold(tmp_path, capsys)
    assert main(["test", str(tmp_path / "case.json")]) == 1
    assert 'unknown destination "actions-case-target"' in capsys.readouterr().out
    assert main(["test", "--path", str(packages), str(tmp_path / "case.json")]) == 0
    assert "1 passed, 0 failed, 1 case" in capsys.readouterr().out


def test_actions_test_honours_actions_path(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    packages = _scaffold(tmp_path, capsys)
    monkeypatch.setenv("ACTIONS_PATH", str(packages))
    assert main(["test", str(tmp_path / "case.json")]) == 0
    assert "1 passed, 0 failed, 1 case" in capsys.readouterr().out
