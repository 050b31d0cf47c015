"""What the end-to-end intake tests share: waiting for the emulator to hold what was delivered."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from destinations.pardot.emulator import PardotEmulator

__all__ = ["wait_for_prospects"]

_DELIVERY_DEADLINE = 60.0  # a generous bound on a loopback delivery; the test fails, never sleeps, past it


def wait_for_prospects(
    emulator: PardotEmulator, done: Callable[[dict[str, dict[str, Any]]], bool]
) -> dict[str, dict[str, Any]]:
    """The emulator's prospects by email, once ``done(prospects)`` holds (fails after a generous deadline)."""
    deadline = time.monotonic() + _DELIVERY_DEADLINE
    while True:
        prospects = {prospect["email"]: prospect for prospect in emulator.prospects()}
        if done(prospects):
            return prospects
        if time.monotonic() > deadline:
            raise AssertionError(
                f"not delivered within {_DELIVERY_DEADLINE:g} s; the emulator holds {sorted(prospects)}"
            )
        time.sleep(0.05)
