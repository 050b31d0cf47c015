"""One line for a destination's refusal of a call an operator made (``audiences``, ``delete-user``).

The line says what was being done, at which destination, the destination's message and the status
it answered, with every secret of the instance (password settings, tokens) redacted: the error's
text may quote a request.
"""

from __future__ import annotations

from typing import Any

__all__ = ["refusal_line"]


def refusal_line(instance: Any, doing: str, error: Exception) -> str:
    """``<doing> at <destination> failed: <message> (status N)``, secrets redacted."""
    from framework.errors import status_of
    from framework.http import redact_text
    from framework.runtime.client import secrets_of

    message = getattr(error, "message", None) or str(error) or type(error).__name__
    status = status_of(error)
    shown = f"{doing} at {instance.definition.name} failed: {message}" + (f" (status {status})" if status else "")
    secrets = [*secrets_of(instance.definition, instance.settings, None), *instance.credentials.secrets()]
    return redact_text(shown, secrets)
