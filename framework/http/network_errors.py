"""One readable sentence for a request that got no response (refused, unresolvable host, reset).

requests and urllib3 nest their errors three deep (``HTTPConnectionPool(host=..., port=...): Max
retries exceeded with url: ... (Caused by NewConnectionError(...))``); an operator needs the host and
the operating system's reason, which sit at the two ends of that chain.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import requests

__all__ = ["describe_network_error"]


def describe_network_error(error: requests.RequestException) -> str:
    """``could not reach HOST: REASON`` for a request that got no response.

    >>> describe_network_error(requests.ConnectionError(ConnectionRefusedError(111, "Connection refused")))
    'could not reach the server: [Errno 111] Connection refused'
    """
    request = getattr(error, "request", None)
    return f"could not reach {_host(getattr(request, 'url', None) or '')}: {_innermost_reason(error)}"


def _host(url: str) -> str:
    """``host:port`` of ``url``, never its user info (``https://user:secret@host`` names ``host``)."""
    netloc = urlsplit(url).netloc.rpartition("@")[2]
    return netloc or "the server"


def _innermost_reason(error: BaseException) -> str:
    """The operating system's error at the bottom of the chain, else the deepest message we can find."""
    seen: set[int] = set()
    current: BaseException | None = error
    deepest: BaseException = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, OSError) and current.strerror:
            return str(current)
        deepest = current
        current = _cause_of(current)
    return str(deepest) or type(deepest).__name__


def _cause_of(error: BaseException) -> BaseException | None:
    """The next error down: urllib3 keeps it in ``reason`` or the first argument, Python in ``__cause__``."""
    reason = getattr(error, "reason", None)
    if isinstance(reason, BaseException):
        return reason
    if error.args and isinstance(error.args[0], BaseException):
        return error.args[0]
    return error.__cause__ or error.__context__
