"""``actions replay`` in a child process, for the tests that kill it midway (``kill -9``, then run again).

A delivery test keeps the ground truth (an emulator) in its own process and runs the command as a user
would, with the queue in a file, so a SIGKILL leaves jobs running, queued and unread::

    first = start_replay(events, config, queue)
    wait_until(lambda: len(emulator.calls) >= 60, first)   # the child got that far
    first.kill(); first.communicate()
    second = start_replay(events, config, queue)           # delivers only what is missing
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

__all__ = ["start_replay", "wait_until"]

PROJECT = Path(__file__).resolve().parents[2]


def start_replay(events: Path, config: Path, queue: Path) -> subprocess.Popen[bytes]:
    """``actions replay EVENTS --instance CONFIG --queue sqlite:///QUEUE``, its output piped (no ``ACTIONS_QUEUE``)."""
    env = {**os.environ, "PYTHONPATH": str(PROJECT)}
    env.pop("ACTIONS_QUEUE", None)
    command = [sys.executable, "-m", "framework.cli", "replay", str(events), "--instance", str(config),
               "--queue", f"sqlite:///{queue}"]  # fmt: skip
    return subprocess.Popen(command, cwd=PROJECT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def wait_until(reached: Callable[[], bool], process: subprocess.Popen[bytes], timeout: float = 60.0) -> None:
    """Wait for ``reached()`` while ``process`` runs; fail if it ends first or time runs out."""
    deadline = time.monotonic() + timeout
    while not reached():
        if process.poll() is not None:
            raise AssertionError("the run ended before it could be killed: " + process.communicate()[1].decode())
        if time.monotonic() >= deadline:
            raise AssertionError(f"the run did not get that far in {timeout:g} s")
        time.sleep(0.01)
