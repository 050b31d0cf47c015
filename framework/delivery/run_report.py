"""``--report json``: a run's outcomes as NDJSON, one whole JSON document per line, for machines.

Lines are ``{"kind": "bad_line" | "invalid" | "outcome" | "summary", ...}``; the summary comes last.
NDJSON rather than one document, so a killed process leaves every line written so far readable (at
most the last one cut short) instead of half a document; a reader that finds no summary line knows
the run did not finish. Lines carry statuses, reasons and codes, never requests or secrets.
"""

from __future__ import annotations

import json
import sys
import threading
from pathlib import Path
from typing import IO, Any

from framework.delivery.outcome import DeliveryOutcome

__all__ = ["NdjsonReport"]


class NdjsonReport:
    """Writes report lines to ``path`` (None or ``-``: stdout); thread-safe."""

    def __init__(self, path: str | None) -> None:
        self._lock = threading.Lock()
        self._owned = path not in (None, "-")
        self._out: IO[str] = Path(path).open("w", encoding="utf-8") if self._owned else sys.stdout  # type: ignore[arg-type]

    def line(self, kind: str, fields: dict[str, Any]) -> None:
        """One line of ``kind``."""
        text = json.dumps({"kind": kind, **fields}, ensure_ascii=False, default=str)
        with self._lock:
            self._out.write(text + "\n")

    def outcome(self, outcome: DeliveryOutcome) -> None:
        """A settled attempt (retries included: ``state`` is ``queued`` then)."""
        self.line(
            "outcome",
            {
                "job": outcome.job_id,
                "instance": outcome.instance_id,
                "subscription": outcome.subscription_name,
                "messageId": outcome.message_id,
                "state": outcome.state.value,
                "attempt": outcome.attempt,
                "http_status": outcome.http_status,
                "error_code": outcome.error_code,
                "resolution": outcome.resolution,
                "reason": outcome.reason,
                "latency_ms": round(outcome.latency_ms, 3),
            },
        )

    def finish(self, summary: dict[str, Any]) -> None:
        """The summary line, then close (stdout is flushed, not closed)."""
        self.line("summary", summary)
        with self._lock:
            self._out.flush()
            if self._owned:
                self._out.close()
