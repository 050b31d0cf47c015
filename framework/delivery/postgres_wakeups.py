"""Waking the workers of other processes on PostgreSQL: ``LISTEN/NOTIFY`` (issue 16).

Every transaction of ``PostgresQueue`` that may make a job claimable (enqueue, settle, redrive, jobs put
back) also runs ``pg_notify(CHANNEL, '<schema> <sender>')``; PostgreSQL delivers it to the listeners
only once that transaction commits (and never if it rolls back), so a woken worker always finds the
change. One ``ChangeListener`` per queue object, started with its first subscriber, holds a connection
of its own on ``LISTEN`` and relays the notifications of other senders for its schema into the
queue's ``QueueChanges`` (its own process's changes are told in process already).

A lost listener connection (a restarted server) is reopened after a pause; meanwhile the worker's slow
poll (``idle_poll``) is the safety net, so a missed notification delays a job, never loses it.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

import psycopg

from framework.delivery.wakeups import QueueChanges

__all__ = ["CHANNEL", "ChangeListener", "notify_sql"]

log = logging.getLogger("framework.delivery")

CHANNEL = "actions_queue_changed"
_WAIT_S = 0.5  # how long one wait for notifications lasts: how soon ``close`` is noticed
_RECONNECT_S = 2.0


def notify_sql() -> str:
    """The expression that announces a change; its two parameters are the schema and the sender."""
    return f"pg_notify('{CHANNEL}', %s || ' ' || %s)"


class ChangeListener:
    """A thread on ``LISTEN`` relaying other processes' changes of one schema into ``changes``."""

    def __init__(self, conninfo: str, schema: str, sender: str, changes: QueueChanges) -> None:
        self._conninfo = conninfo
        self._mine = f"{schema} "
        self._sender = sender
        self._changes = changes
        self._closed = threading.Event()
        self._listening = threading.Event()
        self._thread = threading.Thread(target=self._run, name="queue-listen", daemon=True)
        self._thread.start()

    def wait_listening(self, timeout: float) -> bool:
        """Whether the listener is on ``LISTEN`` (a notification sent from now on reaches it)."""
        return self._listening.wait(timeout)

    def close(self) -> None:
        self._closed.set()
        self._thread.join(timeout=_WAIT_S * 4)

    def _run(self) -> None:
        while not self._closed.is_set():
            try:
                with psycopg.connect(self._conninfo, autocommit=True, connect_timeout=10) as connection:
                    connection.execute(f"LISTEN {CHANNEL}")
                    self._listening.set()
                    self._relay(connection)
            except psycopg.Error as error:
                self._listening.clear()
                log.warning("queue change listener lost its connection (%s); reconnecting", type(error).__name__)
                self._changes.notify()  # changes may have been missed: let the workers look once
                self._closed.wait(_RECONNECT_S)

    def _relay(self, connection: psycopg.Connection[Any]) -> None:
        while not self._closed.is_set():
            for note in connection.notifies(timeout=_WAIT_S):
                payload = note.payload
                if payload.startswith(self._mine) and payload[len(self._mine) :] != self._sender:
                    self._changes.notify()  # at once: the wait goes on until its timeout
