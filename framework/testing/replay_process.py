"""``actions replay`` in a child process, for the tests that kill it midway (``kill -9``, then run again).

A delivery test keeps the ground truth (an emulator) in its own process and runs the command as a user
would, with the queue in a file, so a SIGKILL leaves jobs running, queued and unread::

    first = start_replay(events, config, queue)
    wait_until(lambda: len(emulator.calls) >= 60, first)   # the child got that far
    first.kill(); first.communicate()
    second = start_replay(events, config, queue)           # delivers only what is missing

or all of that at once: ``out = kill_then_replay_again(events, config, queue, reached)``.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

__all__ = ["kill_then_replay_again", "start_replay", "wait_until"]

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


def kill_then_replay_again(
    events: Path, config: Path, queue: Path, reached: Callable[[], bool], killed_midway: Callable[[], bool]
) -> str:
    """Replay, SIGKILL the run once ``reached()``, replay again to the end; the second run's output.

    Fails unless the kill landed (exit -9) while ``killed_midway()`` (some but not all delivered), and
    the second run exits 0 saying its tally reconciles.
    """
    first = start_replay(events, config, queue)
    wait_until(reached, first)
    first.kill()
    first.communicate()
    assert first.returncode == -9
    assert killed_midway(), "the run was not killed midway"
    time.sleep(0.2)  # requests the dead process had in flight finish
    second = start_replay(events, config, queue)
    out, err = second.communicate(timeout=120)
    assert second.returncode == 0, out.decode() + err.decode()
    assert ": reconciles." in out.decode()
    return out.decode()
