"""Building the request client one execution uses: the definition's ``extend_request`` on the pooled session.

Segment builds a fresh client per execution from ``extendRequest(data)``; so does this, but every client
shares the instance's ``requests.Session``, so connections are pooled across events. ``endpoint`` (an
emulator's origin) becomes the client's ``origin_override``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import requests

if TYPE_CHECKING:
    from framework.definition import DestinationDefinition
    from framework.http import RequestClient

__all__ = ["build_request_client"]


def build_request_client(
    definition: DestinationDefinition,
    session: requests.Session,
    data: Any,
    endpoint: str | None = None,
) -> RequestClient:
    """A RequestClient for one execution with ``data`` (an ExecuteInput or a RefreshInput-like bundle)."""
    from framework.http import RequestClient

    options: dict[str, Any] = {}
    if definition.extend_request is not None:
        options.update(definition.extend_request(data) or {})
    if endpoint:
        options["origin_override"] = endpoint
    return RequestClient(session, options=options)
