"""refresh_function_for: the destination's refresh hook runs on a clean client (no API headers)."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qs

import pytest
import requests
from requests.adapters import BaseAdapter

from framework.auth import OAuthTokens, TokenRefresher
from framework.definition import (
    ActionDefinition,
    Authentication,
    DestinationDefinition,
    ExecuteInput,
    RefreshInput,
)
from framework.errors import IntegrationError, InvalidAuthenticationError
from framework.http import RequestClient
from framework.runtime.token_refresh import refresh_function_for


class TokenEndpoint(BaseAdapter):
    """A requests transport answering like Salesforce's token endpoint, recording what it got."""

    def __init__(self, status: int = 200) -> None:
        super().__init__()
        self.status = status
        self.requests: list[requests.PreparedRequest] = []

    def send(self, request: requests.PreparedRequest, *args: Any, **kwargs: Any) -> requests.Response:
        self.requests.append(request)
        response = requests.Response()
        response.status_code = self.status
        response.reason = "OK" if self.status == 200 else "Bad Request"
        response.headers["Content-Type"] = "application/json"
        body = (
            {"access_token": "fresh-token", "token_type": "Bearer"}
            if self.status == 200
            else {"error": "invalid_grant", "error_description": "expired access/refresh token"}
        )
        response._content = json.dumps(body).encode()
        response.request = request
        response.url = request.url or ""
        return response

    def close(self) -> None:
        return None


def _refresh(request: RequestClient, data: RefreshInput) -> dict[str, Any]:
    response = request.post(
        data.auth.refresh_token_url or "",
        data={
            "refresh_token": data.auth.refresh_token,
            "client_id": data.auth.client_id,
            "client_secret": data.auth.client_secret,
            "grant_type": "refresh_token",
        },
    )
    return {"accessToken": response.data["access_token"]}  # type: ignore[attr-defined]


def _definition(scheme: str = "oauth2") -> DestinationDefinition:
    return DestinationDefinition(
        name="Example",
        slug="actions-example",
        authentication=Authentication(scheme=scheme, refresh_access_token=_refresh if scheme == "oauth2" else None),
        extend_request=lambda data: {"headers": {"Authorization": f"Bearer {data.auth.access_token}"}},
        actions={"a": ActionDefinition(title="A", perform=lambda request, data: None)},
    )


STALE = OAuthTokens(
    access_token="stale-token",
    refresh_token="refresh-token-value",
    client_id="cid",
    client_secret="client-secret-value",
    refresh_token_url="https://login.example.com/token",
)


def _session(endpoint: TokenEndpoint) -> requests.Session:
    session = requests.Session()
    session.mount("https://", endpoint)
    session.mount("http://", endpoint)
    return session


def test_refresh_request_is_form_encoded_without_api_headers() -> None:
    endpoint = TokenEndpoint()
    definition = _definition()
    api_options = definition.extend_request(ExecuteInput(payload={}, auth=STALE))  # type: ignore[misc]
    assert api_options["headers"]["Authorization"] == "Bearer stale-token"
    do_refresh = refresh_function_for(definition, {"x": 1}, session=_session(endpoint))
    fresh = TokenRefresher().refresh("cred", STALE, do_refresh)
    assert fresh.access_token == "fresh-token" and fresh.refresh_token == "refresh-token-value"
    (sent,) = endpoint.requests
    assert "Authorization" not in sent.headers
    assert sent.headers["Content-Type"] == "application/x-www-form-urlencoded;charset=UTF-8"
    assert parse_qs(str(sent.body)) == {
        "refresh_token": ["refresh-token-value"],
        "client_id": ["cid"],
        "client_secret": ["client-secret-value"],
        "grant_type": ["refresh_token"],
    }


def test_origin_override_reaches_the_emulator() -> None:
    endpoint = TokenEndpoint()
    do_refresh = refresh_function_for(
        _definition(), {}, session=_session(endpoint), origin_override="http://127.0.0.1:9999"
    )
    do_refresh(STALE)
    assert endpoint.requests[0].url == "http://127.0.0.1:9999/token"


def test_revoked_refresh_token_is_terminal_with_the_reason() -> None:
    do_refresh = refresh_function_for(_definition(), {}, session=_session(TokenEndpoint(status=400)))
    expected = "Failed to refresh access token: 400 invalid_grant: expired access/refresh token"
    with pytest.raises(InvalidAuthenticationError, match=expected) as caught:
        TokenRefresher().refresh("cred", STALE, do_refresh)
    assert caught.value.code == "OAUTH_REFRESH_FAILED"


def test_refresh_needs_an_oauth_scheme() -> None:
    with pytest.raises(IntegrationError, match="only valid with oauth2") as caught:
        refresh_function_for(_definition("custom"), {})
    assert caught.value.status == 501
