"""The two HTTP calls of the destination: Pardot's prospect upsert and Salesforce's token refresh.

Hosts follow the ``isSandbox`` setting, as in Segment's destination: production uses
``https://pi.pardot.com`` and ``https://login.salesforce.com``; sandboxes use
``https://pi.demo.pardot.com`` and ``https://test.salesforce.com``. Every API request carries
``Authorization: Bearer <access token>`` and ``Pardot-Business-Unit-Id`` (added by the definition's
``extend_request``). Failures are turned into framework errors by :mod:`.classifier`, nowhere else.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import requests

from destinations.salesforce_login import SALESFORCE_LOGIN
from framework.errors import HTTPError

from .api_usage import USAGE_REQUEST_HEADER
from .classifier import error_for_http_error

if TYPE_CHECKING:
    from framework.auth import OAuthTokens
    from framework.definition import ExecuteInput, RefreshInput
    from framework.http import RequestClient

__all__ = [
    "PardotClient",
    "api_origin",
    "token_url",
    "auth_headers",
    "refresh_access_token",
    "UPSERT_PATH",
    "TOKEN_PATH",
]

UPSERT_PATH = "/api/v5/objects/prospects/do/upsertLatestByEmail"
TOKEN_PATH = SALESFORCE_LOGIN.token_path
LOGIN = SALESFORCE_LOGIN.with_cleared_headers("Pardot-Business-Unit-Id")


def api_origin(settings: dict[str, Any]) -> str:
    """Pardot's API host for these settings (the demo host serves sandboxes)."""
    return "https://pi.demo.pardot.com" if settings.get("isSandbox") else "https://pi.pardot.com"


def token_url(settings: dict[str, Any]) -> str:
    """Salesforce's token endpoint for these settings (the shared login, framework.definition.oauth_login)."""
    return LOGIN.token_url(settings)


def auth_headers(data: ExecuteInput) -> dict[str, Any]:
    """The request options every Pardot call of an execution gets: bearer token and business unit.

    Without tokens the ``Authorization`` header is left out (Segment sends ``Bearer undefined``);
    Pardot then answers 401 code 49.
    """
    token = data.auth.access_token if data.auth is not None else None
    headers = {
        "Authorization": f"Bearer {token}" if token else None,
        "Pardot-Business-Unit-Id": data.settings.get("businessUnitID"),
    }
    if data.settings.get("returnApiUsage") is True:  # opt-in: Segment never sends it (api_usage.py)
        headers[USAGE_REQUEST_HEADER] = "1"
    return {"headers": headers}


class PardotClient:
    """Pardot v5 calls for one execution, on the request client the runtime built for it."""

    def __init__(self, request: RequestClient, settings: dict[str, Any]) -> None:
        self._request = request
        self._origin = api_origin(settings)

    def upsert_latest_by_email(self, body: dict[str, Any]) -> requests.Response:
        """``POST …/prospects/do/upsertLatestByEmail``; raises the classified error on failure."""
        return self.call("POST", UPSERT_PATH, json=body, headers={"Content-Type": "application/json"})

    def call(self, method: str, path: str, **options: Any) -> requests.Response:
        """One API call on the account's host; a failure raises the classifier's error for it."""
        try:
            return self._request.request(self._origin + path, method, **options)
        except HTTPError as error:
            classified = error_for_http_error(error)
            if classified is error:
                raise
            raise classified from error


def refresh_access_token(request: RequestClient, data: RefreshInput) -> OAuthTokens:
    """Trade the refresh token for a new access token at Salesforce (the shared refresh grant).

    The Pardot headers the execution's ``extend_request`` adds are removed: Salesforce needs neither
    the stale access token nor the business unit.
    """
    return LOGIN.refresh_access_token(request, data)
