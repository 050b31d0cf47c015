"""``actions console`` and the console inside ``actions serve``, as processes on loopback ports."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import requests

from tests.console.conftest import TOKEN

TOML = "fixtures/instances/pardot.toml"


@contextmanager
def _running(argv: list[str], tmp_path: Path, pattern: str) -> Iterator[str]:
    """Start ``actions ARGV`` and yield the base URL its output names (matched by ``pattern``)."""
    env = {**os.environ, "ACTIONS_CONSOLE_TOKEN": TOKEN}
    process = subprocess.Popen(
        [sys.executable, "-m", "framework.cli", *argv],
        cwd=tmp_path,
        env={**env, "PYTHONPATH": str(Path.cwd())},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        assert process.stdout is not None
        for line in process.stdout:
            found = re.search(pattern, line)
            if found:
                yield found.group(1)
                break
        else:
            raise AssertionError("the command ended without announcing its address")
    finally:
        process.terminate()
        process.wait(timeout=20)
        if process.stdout is not None:
            process.stdout.close()


def _check_login(base: str) -> None:
    assert requests.get(f"{base}/", timeout=10).status_code == 401
    assert requests.post(f"{base}/login", data={"token": "wrong"}, timeout=10).status_code == 401
    session = requests.Session()
    response = session.post(f"{base}/login", data={"token": TOKEN}, timeout=10)
    assert response.status_code == 200 and 'id="funnel"' in response.text
    assert TOKEN not in response.text


def test_actions_console_serves_the_console_alone_on_loopback(tmp_path: Path) -> None:
    argv = ["console", "--instance", str(Path.cwd() / TOML), "--queue", f"sqlite:///{tmp_path / 'q.db'}", "--port", "0"]
    with _running(argv, tmp_path, r"Console on (http://127\.0\.0\.1:\d+)/") as base:
        _check_login(base)


def test_actions_serve_mounts_the_console_at_slash_console(tmp_path: Path) -> None:
    argv = ["serve", "--instance", str(Path.cwd() / TOML), "--write-key", "k", "--emulator", "--port", "0"]
    with _running(argv, tmp_path, r"operators' console at (http://127\.0\.0\.1:\d+/console)/") as base:
        _check_login(base)


def test_without_a_token_actions_console_refuses_to_start(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "ACTIONS_CONSOLE_TOKEN"}
    refused = subprocess.run(
        [sys.executable, "-m", "framework.cli", "console", "--queue", f"sqlite:///{tmp_path / 'q.db'}"],
        cwd=tmp_path,
        env={**env, "PYTHONPATH": str(Path.cwd())},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert refused.returncode == 2
    assert "the console needs a token: pass --token TOKEN or set ACTIONS_CONSOLE_TOKEN" in refused.stderr
