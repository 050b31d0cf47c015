"""Runs claimed ahead: calls a worker holds claimed for its busy accounts, started as slots free up.

A claim is a transaction; with every slot busy, the main loop would otherwise claim again after each
settle. Holding a few runs per slot claimed lets most settles start the freed slots' next calls from
memory, and claim (in the same transaction as a settle) only when the stock runs low.

The rules that keep this safe live in the worker (``DeliveryWorker._ahead_terms`` and
``_held_runs_to_start``): the queue counts a held run as running, a held run only starts in place of
one of its account that just finished in this worker, and only after that one's settle committed.
This class is the stock alone, touched only under the worker's state lock.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable

from framework.delivery.jobs import Job, JobState, Settlement

__all__ = ["RunsAhead"]


class RunsAhead:
    """Per account, the runs (a job, or a user's run of jobs) claimed but not started, oldest first."""

    def __init__(self) -> None:
        self._runs: dict[str, deque[list[Job]]] = {}

    def add(self, runs: Iterable[list[Job]]) -> None:
        for run in runs:
            self._runs.setdefault(run[0].account_key, deque()).append(run)

    def held(self, account_key: str) -> int:
        """How many runs of the account are held."""
        return len(self._runs.get(account_key, ()))

    def accounts(self) -> list[str]:
        """The accounts with runs held."""
        return [key for key, runs in self._runs.items() if runs]

    def take(self, account_key: str, count: int) -> list[list[Job]]:
        """Up to ``count`` of the account's held runs, oldest first, no longer held."""
        runs = self._runs.get(account_key)
        taken: list[list[Job]] = []
        while runs and len(taken) < count:
            taken.append(runs.popleft())
        return taken

    def hand_back(self, accounts: Iterable[str] | None = None) -> list[Settlement]:
        """The held runs of ``accounts`` (None: all) as settlements putting them back untried: queued
        again as they were, due now, no attempt counted."""
        keys = list(self._runs) if accounts is None else [key for key in accounts if key in self._runs]
        jobs = [job for key in keys for run in self._runs.pop(key) for job in run]
        return [Settlement(job.id, JobState.QUEUED, reason=job.last_error, attempted=False) for job in jobs]
