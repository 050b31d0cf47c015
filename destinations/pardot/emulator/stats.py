"""Counters of what the emulator answered, so reliability tests can check a client's behaviour.

``GET /_emulator/stats`` and ``PardotEmulator.stats()`` return them as one JSON object:

* ``api_calls``: every Pardot API request, refused ones included (token requests are not API calls);
* ``by_status``: API answers per HTTP status (a ``reset`` sends no answer, so it is not counted here);
* ``max_in_flight``: per business unit, the most requests in flight at once, counted when a request
  reaches the concurrency gate and before the gate refuses it: 6 means the client exceeded Pardot's 5;
* ``in_flight_refused``: code-66 refusals by the gate (random ``66`` faults count under ``faults_injected``);
* ``prospects``: prospects stored per business unit, deleted ones included;
* ``token_refreshes``: refresh-token grants answered with a new access token;
* ``faults_injected``: faults fired, per kind (``500``, ``reset``, ``expire``, ``rate_limit``...).
"""

from __future__ import annotations

import threading
from collections import Counter

__all__ = ["EmulatorCounters"]


class EmulatorCounters:
    """The counters the WSGI app bumps as it answers; thread-safe. The gate keeps the in-flight peaks."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.reset()

    def reset(self) -> None:
        """Zero every counter."""
        with self._lock:
            self._api_calls = 0
            self._by_status: Counter[str] = Counter()
            self._token_refreshes = 0
            self._faults: Counter[str] = Counter()

    def count_api_call(self) -> None:
        """One more Pardot API request arrived."""
        with self._lock:
            self._api_calls += 1

    def count_api_answer(self, status: int) -> None:
        """An API request was answered with ``status``."""
        with self._lock:
            self._by_status[str(status)] += 1

    def count_token_refresh(self) -> None:
        """A refresh-token grant issued a new access token."""
        with self._lock:
            self._token_refreshes += 1

    def count_fault(self, kind: str) -> None:
        """A fault of ``kind`` fired."""
        with self._lock:
            self._faults[kind] += 1

    def snapshot(self) -> dict[str, object]:
        """The counters as JSON-ready values (the app adds the gate's and stores' figures)."""
        with self._lock:
            return {
                "api_calls": self._api_calls,
                "by_status": dict(sorted(self._by_status.items())),
                "token_refreshes": self._token_refreshes,
                "faults_injected": dict(sorted(self._faults.items())),
            }
