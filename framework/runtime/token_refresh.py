"""The refresh function for a destination: its ``refresh_access_token`` on a clean request client.

This is runtime glue between a definition (``framework.definition``) and the token refresher
(``framework.auth``): it lives here so that neither of those packages imports the other.

The token endpoint must never see the destination API's headers (its ``Authorization`` would leak
the stale access token to another host), so the refresh runs on a new ``RequestClient`` that shares
only the session (connection pool), the origin override (emulators) and the secrets to redact, not
the ``extend_request`` options.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import requests

from framework.auth.refresher import RefreshFunction
from framework.auth.tokens import OAuthTokens
from framework.definition import DestinationDefinition, RefreshInput
from framework.errors import IntegrationError
from framework.http import RequestClient

__all__ = ["refresh_function_for"]


def refresh_function_for(
    definition: DestinationDefinition,
    settings: Mapping[str, Any],
    *,
    session: requests.Session | None = None,
    origin_override: str | None = None,
) -> RefreshFunction:
    """``do_refresh`` for ``TokenRefresher.refresh``, calling the destination's refresh hook."""
    auth = definition.authentication
    if auth is None or not auth.is_oauth or auth.refresh_access_token is None:
        raise IntegrationError(
            "refreshAccessToken is only valid with oauth2 authentication scheme", "NotImplemented", 501
        )
    hook = auth.refresh_access_token

    def do_refresh(stale: OAuthTokens) -> Any:
        options: dict[str, Any] = {"secrets": stale.secrets()}
        if origin_override:
            options["origin_override"] = origin_override
        client = RequestClient(session, options=options)
        return hook(client, RefreshInput(settings=dict(settings), auth=stale))

    return do_refresh
