"""The command line as a whole: exit codes, help, and user errors as one located line, never a traceback."""

from __future__ import annotations

import gc
import subprocess
import sys
from pathlib import Path

import pytest

from framework.cli import main

ROOT = Path(__file__).resolve().parents[2]


def test_help_lists_every_command(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    for command in ["list", "describe", "validate", "init", "map", "explain", "test", "replay", "emulate"]:
        assert f"    {command} " in out


def test_a_bare_actions_prints_the_commands(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 2
    err = capsys.readouterr().err
    assert err.startswith("usage: actions [-h] COMMAND ...") and "    replay " in err


def test_unknown_command_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["frobnicate"]) == 2
    assert "invalid choice: 'frobnicate'" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (
            ["replay", "nope.ndjson", "--instance", "fixtures/instances/pardot.toml"],
            "actions: error: nope.ndjson: no such event file or directory",
        ),
        (
            ["replay", "fixtures/events", "--instance", "missing.toml"],
            "actions: error: missing.toml: no such instance config file",
        ),
        (["describe", "no-such-destination"], 'actions: error: unknown destination "no-such-destination". Known: '),
        (
            ["map", "--mapping", "missing.json", "--event", "fixtures/events/identify.ndjson"],
            "actions: error: missing.json: no such file (expected a mapping",
        ),
        (
            ["replay", "fixtures/events", "--instance", "fixtures/instances/pardot.toml", "--show-prospects"],
            "actions: error: --show-emulator needs --emulator",
        ),
        (["validate", "--path", "no/such/dir"], "actions: error: --path no/such/dir: no such directory"),
    ],
)
def test_user_errors_are_one_clear_line(argv: list[str], message: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith(message)
    assert "Traceback" not in err


def test_a_mistyped_option_is_reported_by_its_command_with_the_likely_one(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["replay", "fixtures/events/identify.ndjson", "--instance", "fixtures/instances/pardot.toml", "--dryrun"]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("usage: actions replay ")
    assert "actions replay: error: unrecognized arguments: --dryrun (did you mean --dry-run?)" in err


def test_a_mistyped_command_gets_a_suggestion(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["replya", "x.ndjson"]) == 2
    assert "invalid choice: 'replya' (did you mean 'replay'?" in capsys.readouterr().err


def test_files_after_the_options_are_replayed_too(capsys: pytest.CaptureFixture[str]) -> None:
    argv = [
        "replay",
        "fixtures/events/identify.ndjson",
        "--instance",
        "fixtures/instances/pardot.toml",
        "--dry-run",
        "fixtures/events/track.ndjson",
    ]
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert "fixtures/events/identify.ndjson:1" in out and "fixtures/events/track.ndjson:2" in out


def test_case_files_after_an_option_replace_the_default_folder(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["test", "-q", "fixtures/mappings/pardot-prospects-defaults.json"]) == 0
    assert capsys.readouterr().out.strip().endswith("2 passed, 0 failed, 2 cases")


def test_python_dash_m_runs_the_same_command() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "framework.cli", "list"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    assert "actions-pardot" in done.stdout


def test_console_script_is_installed() -> None:
    script = Path(sys.executable).with_name("actions")
    if not script.exists():
        pytest.skip("the console script is only there in an installed venv")
    done = subprocess.run([str(script), "describe", "pardot"], cwd=ROOT, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert "prospects: Upsert Prospect" in done.stdout


def test_framework_input_errors_escaping_a_command_are_still_one_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from framework.cli import cmd_list
    from framework.subscriptions import parse_fql

    def run(args: object) -> int:
        parse_fql('type = = "x"')
        return 0

    monkeypatch.setattr(cmd_list, "run", run)
    assert main(["list"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("actions: error: FQL syntax error at column") and err.count("\n") == 1


def test_a_bug_is_not_disguised_as_a_user_error(monkeypatch: pytest.MonkeyPatch) -> None:
    from framework.cli import cmd_list

    def run(args: object) -> int:
        raise KeyError("internal")

    monkeypatch.setattr(cmd_list, "run", run)
    with pytest.raises(KeyError):
        main(["list"])


def test_loading_the_command_line_leaves_heavy_libraries_for_the_commands_that_need_them() -> None:
    """`actions --help` stays fast: the heavy parts load inside a command's run (see framework/cli/commands.py)."""
    probe = "import sys, framework.cli; print(sorted({'pydantic', 'requests', 'jinja2', 'framework.instance'} & set(sys.modules)))"
    loaded = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    assert loaded.strip() == "[]"


def test_the_program_freezes_what_is_alive_for_its_exit_and_an_in_process_call_does_not(
    capsys: pytest.CaptureFixture[str],
) -> None:
    probe = (
        "import gc, sys\n"
        "sys.argv = ['actions', 'list']\n"
        "from framework.cli import main\n"
        "code = main()\n"
        "print(code, gc.get_freeze_count() > 0)\n"
    )
    ran = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert ran.stdout.splitlines()[-1] == "0 True"
    frozen = gc.get_freeze_count()
    assert main(["list"]) == 0
    assert gc.get_freeze_count() == frozen
    capsys.readouterr()


def test_a_garbage_cycle_made_just_before_the_exit_is_still_finalized() -> None:
    probe = (
        "import os\n"
        "from framework.cli import _spare_the_exit_collection\n"
        "class Holder:\n"
        "    def __del__(self):\n"
        "        os.write(1, b'finalized')\n"
        "holder = Holder()\n"
        "holder.itself = holder\n"
        "del holder\n"
        "_spare_the_exit_collection()\n"
    )
    ran = subprocess.run([sys.executable, "-c", probe], capture_output=True, check=True)
    assert ran.stdout == b"finalized"
