"""Keeping a delivery worker alive through transient queue errors, and saying how it is doing.

A ``DeliveryWorker`` has one ``run()`` loop and lets any queue error out of it. A full disk, a locked
SQLite file or a terminated PostgreSQL connection is usually over in seconds, so the supervisor runs
the worker, and when ``run()`` raises such an error it puts the dead worker's jobs back, asks the
queue to drop broken connections, waits (exponential backoff, capped) and starts a fresh worker.
Nothing is lost meanwhile: accepted jobs stay in the queue until a worker settles them.

``WorkerHealth`` is what ``/health`` and ``/metrics`` report: whether a worker is running, when it
last settled a job, the last error and how many restarts there were.
"""

from __future__ import annotations

import logging
import sqlite3
import sys
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from framework.delivery.queue_port import JobQueue
from framework.delivery.retention import PRUNE_EVERY_S, prune_delivered
from framework.delivery.worker import DeliveryWorker, WorkerExit, WorkerOptions

if TYPE_CHECKING:
    from framework.instance import DestinationInstance

__all__ = ["SupervisedWorker", "WorkerHealth", "Backoff", "is_transient_queue_error"]

log = logging.getLogger("framework.delivery")

_TRANSIENT_SQLITE = ("database or disk is full", "database is locked", "database table is locked", "disk i/o error")


def is_transient_queue_error(error: BaseException) -> bool:
    """Whether ``error`` is a queue failure worth waiting out (disk full, lock, lost connection)."""
    if isinstance(error, sqlite3.OperationalError):
        return any(text in str(error).lower() for text in _TRANSIENT_SQLITE)
    psycopg = sys.modules.get("psycopg")  # only loaded when a PostgreSQL queue is in use
    if psycopg is not None and isinstance(error, (psycopg.OperationalError, psycopg.InterfaceError)):
        return True  # AdminShutdown, connection lost, pool timeouts are all OperationalError
    return False


@dataclass(frozen=True)
class Backoff:
    """Waits between restarts: ``first`` seconds, doubling up to ``cap``; reset after a healthy run."""

    first: float = 0.5
    cap: float = 30.0
    healthy_after: float = 60.0

    def delay(self, failures: int) -> float:
        """The wait before restart number ``failures`` (1 for the first)."""
        return float(min(self.cap, self.first * 2 ** max(0, failures - 1)))


@dataclass(frozen=True)
class WorkerHealth:
    """One look at a supervised worker (epoch seconds; None where it has not happened yet)."""

    alive: bool
    started_at: float | None
    last_settled_at: float | None
    last_error: str | None
    last_error_at: float | None
    restarts: int

    def quiet_for(self, now: float) -> float | None:
        """Seconds since the worker last settled a job (or started, if it has settled none)."""
        since = self.last_settled_at or self.started_at
        return None if since is None else now - since

    def as_json(self) -> dict[str, Any]:
        """The fields ``/health`` shows."""
        return {
            "alive": self.alive,
            "started_at": self.started_at,
            "last_settled_at": self.last_settled_at,
            "last_error": self.last_error,
            "last_error_at": self.last_error_at,
            "restarts": self.restarts,
        }


class SupervisedWorker:
    """Runs a ``DeliveryWorker`` on ``queue`` and starts a new one whenever the last one died.

    ``restart_on_crash``: restart after any exception (the server's thread must never stay dead);
    without it only transient queue errors are waited out and anything else is raised (a CLI run).
    """

    def __init__(
        self,
        queue: JobQueue,
        instances: Sequence[DestinationInstance],
        *,
        on_outcome: Callable[[Any], None] | None = None,
        options: WorkerOptions | None = None,
        backoff: Backoff = Backoff(),
        restart_on_crash: bool = False,
        clock: Callable[[], float] = time.time,
        make_worker: Callable[..., DeliveryWorker] = DeliveryWorker,
        prune_every: float = PRUNE_EVERY_S,
    ) -> None:
        self.queue = queue
        self._instances = list(instances)
        self._on_outcome = on_outcome or (lambda outcome: None)
        self._options = options or WorkerOptions()
        self._backoff = backoff
        self._restart_on_crash = restart_on_crash
        self._clock = clock
        self._make_worker = make_worker
        self._prune_every = prune_every
        self._stopping = threading.Event()
        self._lock = threading.Lock()
        self._health = WorkerHealth(False, None, None, None, None, 0)
        # Written on every outcome, from whichever thread settled: a plain attribute (one store, no
        # lock, no new snapshot: replace() per outcome cost 2-3% of a delivered event's CPU), folded
        # into the snapshot when someone looks.
        self._last_settled_at: float | None = None
        self._worker = self._new_worker()
        self._thread: threading.Thread | None = None

    # -- what the server and the CLI use -----------------------------------------------------------

    @property
    def worker_id(self) -> str:
        """The id of the current worker (a restart makes a new one)."""
        return self._worker.worker_id

    @property
    def concurrency(self) -> int:
        """Attempts in flight at most."""
        return int(self._worker.concurrency)

    def health(self) -> WorkerHealth:
        """A consistent snapshot of the worker's state."""
        with self._lock:
            if self._last_settled_at != self._health.last_settled_at:
                self._health = replace(self._health, last_settled_at=self._last_settled_at)
            return self._health

    def start(self) -> None:
        """Run on a daemon thread (``actions serve``)."""
        self._thread = threading.Thread(target=self._run_forever, name="delivery supervisor", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop the worker (attempts in flight settle) and any backoff wait; join the thread if started."""
        self._stopping.set()
        self._worker.stop()
        if self._thread is not None:
            self._thread.join()
            self._thread = None

    def run(self, *, until_empty: bool = False) -> WorkerExit:
        """Work until stopped (or drained), restarting the worker after transient errors; prune meanwhile."""
        retention_done, retention = self._start_retention()
        try:
            return self._supervise(until_empty)
        finally:
            retention_done.set()
            if retention is not None:
                retention.join(timeout=5)  # a batch in progress ends before the caller closes the queue

    # -- inside ------------------------------------------------------------------------------------

    def _supervise(self, until_empty: bool) -> WorkerExit:
        failures = 0
        while True:
            started = self._clock()
            self._update(alive=True, started_at=started)
            try:
                return self._worker.run(until_empty=until_empty)
            except KeyboardInterrupt:
                raise
            except Exception as error:
                if not (is_transient_queue_error(error) or self._restart_on_crash):
                    raise
                failures = 1 if self._clock() - started >= self._backoff.healthy_after else failures + 1
                if not self._recover_from(error, self._backoff.delay(failures)):
                    return WorkerExit("stopped")
            finally:
                self._update(alive=False)

    def _start_retention(self) -> tuple[threading.Event, threading.Thread | None]:
        """Prune delivered jobs beside the worker: one batch per instance now, then every ``PRUNE_EVERY_S``."""
        done = threading.Event()
        if not hasattr(self.queue, "prune_delivered"):
            return done, None
        keep = {instance.id: instance.delivery.keep_delivered for instance in self._instances}

        def prune_now_and_then() -> None:
            while True:
                try:
                    prune_delivered(self.queue, keep)  # type: ignore[arg-type]
                except Exception as error:  # a busy or full queue: try again next time
                    log.warning("pruning delivered jobs failed, will try again: %s", error)
                if done.wait(self._prune_every):
                    return

        thread = threading.Thread(target=prune_now_and_then, name="delivered-job retention", daemon=True)
        thread.start()
        return done, thread

    def _run_forever(self) -> None:
        try:
            self.run()
        except Exception:  # only with restart_on_crash off; the jobs wait in the queue
            log.exception("the delivery supervisor stopped; accepted events stay queued until a worker runs")

    def _recover_from(self, error: Exception, delay: float) -> bool:
        """Record ``error``, wait ``delay``, reopen the queue and make a new worker; False when stopped."""
        with self._lock:
            self._health = replace(
                self._health,
                alive=False,
                last_error=f"{type(error).__name__}: {error}",
                last_error_at=self._clock(),
                restarts=self._health.restarts + 1,
            )
        log.warning(
            "the delivery worker stopped on %s: %s; restarting in %.1f s (jobs stay queued)",
            type(error).__name__,
            error,
            delay,
        )
        if self._stopping.wait(delay):
            return False
        self._reconnect()
        self._release(self._worker.worker_id)
        self._worker = self._new_worker()
        return not self._stopping.is_set()

    def _reconnect(self) -> None:
        reconnect = getattr(self.queue, "reconnect", None)
        if reconnect is None:
            return
        try:
            reconnect()
        except Exception as error:  # still down: the next run fails again and waits longer
            log.warning("the queue could not be reopened yet: %s", error)

    def _release(self, worker_id: str) -> None:
        """Put the dead worker's jobs back now rather than after its heartbeat goes stale."""
        try:
            self.queue.unregister_worker(worker_id)
        except Exception as error:  # recover() of a later worker puts them back once they are stale
            log.warning("the jobs of worker %s go back once its lease is stale: %s", worker_id, error)

    def _new_worker(self) -> DeliveryWorker:
        return self._make_worker(self.queue, self._instances, on_outcome=self._settled, options=self._options)

    def _settled(self, outcome: Any) -> None:
        self._last_settled_at = self._clock()  # a retry scheduled is a settled attempt too
        self._on_outcome(outcome)

    def _update(self, **changes: Any) -> None:
        with self._lock:
            self._health = replace(self._health, **changes)
