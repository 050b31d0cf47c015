"""A one-line progress bar on stderr, drawn only when stderr is a terminal.

Replaying an archive can take minutes, so people at a terminal want to see it move; CI logs and pipes
want silence (a carriage-return bar turns into thousands of lines there). Whether to draw is decided
once, from ``stream.isatty()``, unless the caller forces it.
"""

from __future__ import annotations

import sys
import threading
import time
from typing import TextIO

__all__ = ["ProgressBar"]

_WIDTH = 30
_REDRAW_SECONDS = 0.1


class ProgressBar:
    """Counts finished items and redraws ``[#####.....] 120/400 events  3 failed`` in place.

    ``total`` may be unknown (streams): the bar then shows a count only. Thread-safe, because replay
    finishes events on worker threads.
    """

    def __init__(
        self,
        total: int | None = None,
        *,
        label: str = "events",
        stream: TextIO | None = None,
        enabled: bool | None = None,
    ) -> None:
        self.total = total
        self.label = label
        self.done = 0
        self.note = ""
        self._stream = stream if stream is not None else sys.stderr
        self.enabled = self._stream.isatty() if enabled is None else enabled
        self._lock = threading.Lock()
        self._last_draw = 0.0

    def advance(self, count: int = 1, *, note: str | None = None) -> None:
        """Record ``count`` more finished items (and an optional short note such as ``2 failed``)."""
        with self._lock:
            self.done += count
            if note is not None:
                self.note = note
            now = time.monotonic()
            if self.enabled and (now - self._last_draw >= _REDRAW_SECONDS or self.done == self.total):
                self._last_draw = now
                self._draw()

    def render(self) -> str:
        """The bar as text (without the carriage return), for tests and for the final draw."""
        count = f"{self.done}/{self.total}" if self.total else str(self.done)
        text = f"{count} {self.label}"
        if self.total:
            filled = min(_WIDTH, _WIDTH * self.done // self.total)
            text = f"[{'#' * filled}{'.' * (_WIDTH - filled)}] {text}"
        return f"{text}  {self.note}" if self.note else text

    def close(self) -> None:
        """Draw the final state and end the line, so the summary starts on a fresh line."""
        with self._lock:
            if self.enabled:
                self._draw()
                self._stream.write("\n")
                self._stream.flush()

    def _draw(self) -> None:
        self._stream.write("\r\x1b[2K" + self.render())
        self._stream.flush()
