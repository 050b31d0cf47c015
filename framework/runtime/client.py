"""Building the request client one execution uses: the definition's ``extend_request`` on the pooled session.

Segment builds a fresh client per execution from ``extendRequest(data)``; so does this, but every client
shares the instance's ``requests.Session``, so connections are pooled across events. ``endpoint`` (an
emulator's origin) becomes the client's ``origin_override``, and the credential's secrets (tokens,
password settings) are handed to the client so its recorded exchanges never show them.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

import requests

from framework.http import RequestClient
from framework.http.client import with_defaults
from framework.runtime.rate_limits import TokenBucket, bucket_for, rate_limit_hook

if TYPE_CHECKING:
    from framework.definition import DestinationDefinition, ExecuteInput

__all__ = ["build_request_client", "secrets_of"]


def build_request_client(
    definition: DestinationDefinition,
    session: requests.Session,
    data: ExecuteInput,
    endpoint: str | None = None,
    *,
    secrets: tuple[str, ...] | None = None,
) -> RequestClient:
    """A RequestClient for one execution: ``extend_request(data)`` options, origin override, redaction.

    ``secrets`` are ``secrets_of(definition, data.settings, data.auth)`` when the caller already
    has them (the pipeline keeps them while its tokens do not change).
    """
    if secrets is None:
        secrets = tuple(secrets_of(definition, data.settings, data.auth))
    base = _base_options(secrets, endpoint, bucket_for(definition, data.settings))
    if definition.extend_request is None:
        return RequestClient(session, _base=base)
    # What ``RequestClient(session, _base=base).extend(options)`` builds, without the client in between.
    return RequestClient(session, options=definition.extend_request(data) or {}, _base=base)


@functools.lru_cache(maxsize=64)  # the same secrets, endpoint and bucket for every event of an instance
def _base_options(secrets: tuple[str, ...], endpoint: str | None, bucket: TokenBucket | None) -> dict[str, Any]:
    """The client defaults merged with what the runtime adds, once: they do not depend on the event.

    ``RequestClient`` copies the dict and every later merge builds new lists, so sharing it is safe.
    """
    options: dict[str, Any] = {"secrets": list(secrets)}
    if endpoint:
        options["origin_override"] = endpoint
    if bucket is not None:
        options["before_request"] = [rate_limit_hook(bucket)]
    return with_defaults(options)


def secrets_of(definition: DestinationDefinition, settings: Mapping[str, Any], auth: Any) -> list[str]:
    """Values that must never be shown: the OAuth tokens and every ``password`` setting."""
    fields = definition.authentication.fields if definition.authentication else {}
    passwords: Iterable[Any] = (settings.get(key) for key, field in fields.items() if field.type == "password")
    tokens = auth.secrets() if auth is not None else []
    return [*tokens, *(str(value) for value in passwords if value)]
