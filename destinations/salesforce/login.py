"""Logging in: OAuth tokens from Segment's OAuth service, or a username and password when all are set.

Tokens come from the instance's ``oauth`` (Segment's OAuth service logs in at Salesforce and sets
``instanceUrl``); every call carries ``Authorization: Bearer <access token>`` (``extend_request``) and an
expired token is refreshed at ``login.salesforce.com`` / ``test.salesforce.com`` (the login Pardot shares,
``framework.definition.oauth_login``).

With ``username`` and ``auth_password`` set, every execution first logs in with the password grant
(the password followed by ``security_token``) using the connected app named by the environment's
``SALESFORCE_CLIENT_ID`` and ``SALESFORCE_CLIENT_SECRET``, and its calls carry that token instead.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

from destinations.salesforce_login import SALESFORCE_LOGIN
from framework.auth import OAuthTokens
from framework.definition.oauth_login import parsed_json
from framework.errors import IntegrationError

from .rest import SalesforceREST

if TYPE_CHECKING:
    from framework.definition import ExecuteInput, RefreshInput
    from framework.http import RequestClient

__all__ = ["bearer_header", "refresh_access_token", "salesforce_rest", "password_token"]


def bearer_header(data: ExecuteInput) -> dict[str, Any]:
    """``extend_request``: the access token on every call (left out when there is none)."""
    token = data.auth.access_token if data.auth is not None else None
    return {"headers": {"authorization": f"Bearer {token}" if token else None}}


def _uses_password(settings: dict[str, Any]) -> bool:
    return bool(settings.get("username") and settings.get("auth_password"))


def password_token(request: RequestClient, settings: dict[str, Any]) -> str | None:
    """An access token from the username-password grant (no tokens of the instance sent with it)."""
    client_id = os.environ.get("SALESFORCE_CLIENT_ID")
    client_secret = os.environ.get("SALESFORCE_CLIENT_SECRET")
    if not client_id or not client_secret:
        raise IntegrationError("Missing Salesforce client ID or client secret", "Missing Credentials", 400)
    password = str(settings.get("auth_password") or "") + str(settings.get("security_token") or "")
    form = {"grant_type": "password", "client_id": client_id, "client_secret": client_secret,
            "username": settings.get("username"), "password": password}  # fmt: skip
    response = request.post(SALESFORCE_LOGIN.token_url(settings), data=form, headers={"authorization": None})
    body = parsed_json(response)
    return body.get("access_token") if isinstance(body, dict) else None


def salesforce_rest(request: RequestClient, settings: dict[str, Any]) -> SalesforceREST:
    """The REST calls of one execution: on the instance's tokens, or on a password login's token."""
    if not _uses_password(settings):
        return SalesforceREST(request, settings.get("instanceUrl"))
    token = password_token(request, settings)
    return SalesforceREST(request, settings.get("instanceUrl"), headers={"authorization": f"Bearer {token}"})


def refresh_access_token(request: RequestClient, data: RefreshInput) -> OAuthTokens:
    """A new access token: the password grant when the settings hold a password, else the refresh grant."""
    if _uses_password(data.settings):
        token = password_token(request, data.settings)
        return data.auth.refreshed(OAuthTokens(access_token=token))
    return SALESFORCE_LOGIN.refresh_access_token(request, data)
