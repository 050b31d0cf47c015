"""Injected faults: the failures a real Pardot/Salesforce produces rarely, on demand.

A fault answers the next ``count`` requests to its target (``"api"`` for Pardot, ``"token"`` for the
Salesforce token endpoint) instead of the normal handler. Kinds:

============== ===========================================================================
``status``     any status with a JSON or text body (``status=503``; ``body``; ``content_type``)
``rate_limit`` 429 with ``Retry-After: <retry_after>`` and Pardot's JSON body
``xml_auth``   legacy XML auth failure, 403 by default (``status=400`` for the other variant)
``reset``      the connection is dropped without an answer (a reset)
``timeout``    no answer until :meth:`FaultQueue.release_all` or the hold passes (client-side timeouts)
``refresh_conflict`` the token endpoint's 400 ``invalid_grant`` for concurrent refreshes
               (``description`` picks the 2024 wording ``expired authorization code``)
============== ===========================================================================

Random faults (a probability per kind, ``--faults``) are drawn by :mod:`.fault_mix`; both kinds of
fault hold ``timeout`` requests here, so stopping the emulator releases every one of them.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

__all__ = ["Fault", "FaultQueue", "FAULT_KINDS"]

FAULT_KINDS = frozenset({"status", "rate_limit", "xml_auth", "reset", "timeout", "refresh_conflict"})
_TARGETS = frozenset({"api", "token"})


@dataclass
class Fault:
    """One injected failure and how many more requests it will answer."""

    kind: str
    target: str = "api"
    count: int = 1
    status: int | None = None
    body: Any = None
    content_type: str = "application/json"
    retry_after: str | None = None
    description: str | None = None
    headers: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.kind not in FAULT_KINDS:
            raise ValueError(f"unknown fault kind {self.kind!r}; expected one of {sorted(FAULT_KINDS)}")
        if self.target not in _TARGETS:
            raise ValueError(f"unknown fault target {self.target!r}; expected 'api' or 'token'")
        if self.count < 1:
            raise ValueError("a fault must answer at least one request (count >= 1)")


class FaultQueue:
    """Faults waiting to fire, in injection order; thread-safe."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._faults: list[Fault] = []
        self._holding = threading.Condition()
        self._releases = 0  # bumped by release_all: requests held before it are let go
        self._closed = False  # while closed (the emulator is stopping) nothing is held
        self._held = 0
        self._on_held_change: Callable[[int], None] | None = None

    def add(self, fault: Fault) -> Fault:
        """Queue a fault; it fires on the next matching requests."""
        with self._lock:
            self._faults.append(fault)
        return fault

    def take(self, target: str) -> Fault | None:
        """The fault that answers this request to ``target``, if any (spending one of its uses)."""
        with self._lock:
            for fault in self._faults:
                if fault.target == target:
                    fault.count -= 1
                    if fault.count == 0:
                        self._faults.remove(fault)
                    return fault
        return None

    def clear(self) -> None:
        """Drop every pending fault."""
        with self._lock:
            self._faults.clear()

    def pending(self) -> list[Fault]:
        """Faults still waiting to fire."""
        with self._lock:
            return list(self._faults)

    def hold(self, limit: float) -> None:
        """Block a ``timeout`` fault's request until released, closed, or ``limit`` seconds pass."""
        with self._holding:
            releases = self._releases
            self._held_changed(+1)
            try:
                self._holding.wait_for(lambda: self._closed or self._releases != releases, limit)
            finally:
                self._held_changed(-1)

    def _held_changed(self, step: int) -> None:
        """Count a request held or let go (under ``_holding``) and tell the server, which adds a thread."""
        self._held += step
        self._holding.notify_all()
        if self._on_held_change is not None and not self._closed:
            self._on_held_change(self._held)

    def wait_for_held(self, count: int, timeout: float) -> bool:
        """Block until ``count`` requests are held (tests line up on this instead of sleeping)."""
        with self._holding:
            return self._holding.wait_for(lambda: self._held >= count, timeout)

    def release_all(self) -> None:
        """Let every request held by a ``timeout`` fault right now finish (later ones are held again)."""
        with self._holding:
            self._releases += 1
            self._holding.notify_all()

    def close(self) -> None:
        """Release every held request and hold none until :meth:`open` (the emulator is stopping).

        Once this returns, ``on_held_change`` is not called again: the server's workers are going away.
        """
        with self._holding:
            self._closed = True
            self._on_held_change = None
            self._holding.notify_all()

    def open(self, on_held_change: Callable[[int], None] | None = None) -> None:
        """Hold ``timeout`` requests again (the emulator is starting).

        ``on_held_change(held)`` is called whenever the number of held requests changes, so the
        server can keep a spare worker thread per held request.
        """
        with self._holding:
            self._closed = False
            self._on_held_change = on_held_change
