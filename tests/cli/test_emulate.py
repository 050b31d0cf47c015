"""``actions emulate pardot``: the emulator runs in the foreground on loopback and answers real HTTP."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
import requests

from framework.cli import main

ROOT = Path(__file__).resolve().parents[2]


def test_emulate_pardot_serves_until_stopped() -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "framework.cli", "emulate", "pardot", "--port", "0"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        first = process.stdout.readline()
        found = re.search(r"at (http://127\.0\.0\.1:\d+)", first)
        assert found, first
        answer = requests.post(found.group(1) + "/api/v5/objects/prospects/do/upsertLatestByEmail", json={}, timeout=10)
        assert answer.status_code == 401 and answer.json()["code"] == 49  # no token: Access Denied
    finally:
        process.terminate()
        process.communicate(timeout=30)


def test_emulate_unknown_destination_is_a_clear_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["emulate", "hubspot"]) == 2
    assert capsys.readouterr().err.startswith('actions: error: no emulator for destination "hubspot"')
