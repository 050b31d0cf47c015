"""Who may use the console: the token, the session cookie after login, and CSRF tokens.

The token is compared in constant time and never stored in a page, a URL or a log. Logging in
creates a random session id, sent back as an HttpOnly, SameSite=Strict cookie; each session has its
own CSRF token, which every state-changing form carries in a hidden field. Sessions live in memory:
restarting the console logs everyone out, which is what an operator expects of a local tool.
"""

from __future__ import annotations

import hmac
import secrets
import threading
from dataclasses import dataclass, field

__all__ = ["ConsoleGuard", "SESSION_COOKIE", "CSRF_FIELD"]

SESSION_COOKIE = "actions_console_session"
CSRF_FIELD = "csrf_token"


@dataclass
class ConsoleGuard:
    """Checks the console token, hands out sessions and verifies their CSRF tokens."""

    token: str
    _sessions: dict[str, str] = field(default_factory=dict)  # session id -> its CSRF token
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        if not self.token:
            raise ValueError("the console needs a token (--token or ACTIONS_CONSOLE_TOKEN)")

    def login(self, offered: str) -> str | None:
        """A new session id when ``offered`` is the token, else None."""
        if not hmac.compare_digest(offered.encode(), self.token.encode()):
            return None
        session_id = secrets.token_urlsafe(32)
        with self._lock:
            self._sessions[session_id] = secrets.token_urlsafe(32)
        return session_id

    def logout(self, session_id: str | None) -> None:
        """Forget a session."""
        with self._lock:
            self._sessions.pop(session_id or "", None)

    def csrf_token(self, session_id: str | None) -> str | None:
        """The session's CSRF token, or None when the session is unknown (not logged in)."""
        with self._lock:
            return self._sessions.get(session_id or "")

    def csrf_ok(self, session_id: str | None, offered: str | None) -> bool:
        """Whether ``offered`` is the session's CSRF token."""
        expected = self.csrf_token(session_id)
        return expected is not None and offered is not None and hmac.compare_digest(expected, offered)
