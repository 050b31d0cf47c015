"""A 200 is a promise: ``kill -9`` of ``actions serve`` right after it answered loses none of the batch.

The first server runs with ``--no-workers``, so nothing is delivered before it is killed; the second,
on the same queue with its workers, delivers every event of the batch to the Pardot emulator.
"""

from __future__ import annotations

import re
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import requests

from destinations.pardot.emulator import PardotEmulator
from tests.intake.conftest import WRITE_KEY, instance_toml
from tests.intake.delivery_support import wait_for_prospects

_START_DEADLINE = 60.0


@contextmanager
def serve(*options: str) -> Iterator[tuple[subprocess.Popen[str], str]]:
    """``actions serve`` in a subprocess on a free port; yields it and its URL; SIGTERM at the end."""
    argv = [sys.executable, "-m", "framework.cli", "serve", "--port", "0", *options]
    process = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        yield process, _listening_url(process)
    finally:
        if process.poll() is None:
            process.terminate()
        process.wait(timeout=60)
        assert process.stderr is not None
        process.stderr.close()


def _listening_url(process: subprocess.Popen[str]) -> str:
    assert process.stderr is not None
    deadline = time.monotonic() + _START_DEADLINE
    lines = []
    while time.monotonic() < deadline:
        line = process.stderr.readline()
        lines.append(line)
        found = re.search(r"listening on (http://\S+)", line)
        if found:
            return found.group(1)
        if not line and process.poll() is not None:
            break
    raise AssertionError("actions serve did not start: " + "".join(lines))


def test_a_batch_answered_200_survives_kill_9_and_is_delivered_after_restart(tmp_path: Path) -> None:
    emails = [f"crash{number}@example.com" for number in range(25)]
    batch: list[dict[str, Any]] = [
        {"type": "identify", "userId": f"u{number}", "traits": {"email": email}} for number, email in enumerate(emails)
    ]
    with PardotEmulator() as emulator:
        config = tmp_path / "pardot.toml"
        config.write_text(instance_toml(endpoint=emulator.base_url))
        common = ["--instance", str(config), "--queue", f"sqlite:///{tmp_path / 'queue.db'}"]

        with serve(*common, "--no-workers") as (process, url):
            answer = requests.post(url + "/v1/batch", json={"batch": batch}, auth=(WRITE_KEY, ""), timeout=30)
            process.kill()  # SIGKILL, right after the 200: no shutdown code runs
            process.wait(timeout=30)
        assert answer.status_code == 200
        assert emulator.prospects() == []

        with serve(*common):
            prospects = wait_for_prospects(emulator, lambda found: set(emails) <= set(found))
    assert sorted(prospects) == sorted(emails)
