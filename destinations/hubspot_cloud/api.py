"""HubSpot's API as the actions call it: hosts, the bearer header, one call helper and the token refresh.

Every request goes to ``https://api.hubapi.com`` (CRM v3, associations v4, events v3, OAuth v1, the
versions Segment's destination pins) and carries ``authorization: Bearer <access token>`` (added by
the definition's ``extend_request``). Refused answers become framework errors in :mod:`.classifier`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from framework.auth import OAuthTokens
from framework.errors import HTTPError

from .classifier import error_for_http_error, refresh_error

if TYPE_CHECKING:
    import requests

    from framework.definition import ExecuteInput, RefreshInput
    from framework.http import RequestClient

__all__ = ["BASE_URL", "CRM", "EVENTS", "TOKEN_URL", "bearer_header", "call", "answer_of", "refresh_access_token"]

BASE_URL = "https://api.hubapi.com"
CRM = f"{BASE_URL}/crm/v3"
EVENTS = f"{BASE_URL}/events/v3"
TOKEN_URL = f"{BASE_URL}/oauth/v1/token"


def bearer_header(data: ExecuteInput) -> dict[str, Any]:
    """``extend_request``: the access token on every call (``Bearer undefined`` without one, as Segment)."""
    token = data.auth.access_token if data.auth is not None else None
    return {"headers": {"authorization": f"Bearer {token if token else 'undefined'}"}}


def call(request: RequestClient, method: str, url: str, body: Any = None) -> requests.Response:
    """One HubSpot call; a refused answer raises the classifier's error for it."""
    options = {} if body is None else {"json": body}
    try:
        return request.request(url, method, **options)
    except HTTPError as error:
        raise error_for_http_error(error) from error


def answer_of(response: requests.Response) -> dict[str, Any]:
    """The JSON object HubSpot answered, or ``{}`` for an empty or non-object answer."""
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def refresh_access_token(request: RequestClient, data: RefreshInput) -> OAuthTokens:
    """Trade the refresh token for a new access token (form-encoded refresh grant, HubSpot OAuth v1).

    HubSpot keeps the refresh token; only the access token changes, as Segment reads the answer. The
    refresh runs on a client without the API's headers (framework.runtime.token_refresh), so the
    stale token never goes to the token endpoint; ``Bearer undefined`` is what Segment's refresh
    sends there (its ``extend_request`` sees no tokens), written here so the requests stay identical.
    """
    response = request.post(
        TOKEN_URL,
        data=data.auth.refresh_grant_form(),
        throw_http_errors=False,
        headers={"authorization": "Bearer undefined"},
    )
    if not 200 <= response.status_code < 300:
        raise refresh_error(response)
    return data.auth.refreshed(OAuthTokens(access_token=answer_of(response).get("access_token")))
