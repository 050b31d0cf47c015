"""A small OAuth 2 destination for trying the harness and the runtime without a real API.

``build_sample_destination()`` returns a fresh ``DestinationDefinition`` ("Sample", slug
``actions-sample``) shaped like a typical cloud destination: a required ``accountId`` setting, OAuth
tokens refreshed at ``https://auth.sample.test/token``, and two actions posting JSON to
``https://api.sample.test``. Its error responses carry ``{"code", "message"}``, which the destination
raises as ``APIError`` so reports show the API's own code. The hosts are ``.test`` names (RFC 2606):
nothing resolves them, so only a mock transport or an ``endpoint`` can answer.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from framework.errors import APIError

if TYPE_CHECKING:
    from framework.auth import OAuthTokens
    from framework.definition import DestinationDefinition, ExecuteInput, RefreshInput
    from framework.http import RequestClient

__all__ = ["build_sample_destination", "SAMPLE_API", "SAMPLE_TOKEN_URL"]

SAMPLE_API = "https://api.sample.test/v1"
SAMPLE_TOKEN_URL = "https://auth.sample.test/token"


def _extend_request(data: ExecuteInput) -> dict[str, Any]:
    headers = {"X-Account": str(data.settings.get("accountId", ""))}
    if data.auth is not None and data.auth.access_token:
        headers["Authorization"] = f"Bearer {data.auth.access_token}"
    return {"headers": headers}


def _refresh(request: RequestClient, data: RefreshInput) -> OAuthTokens:
    from framework.auth import OAuthTokens

    form = {
        "grant_type": "refresh_token",
        "refresh_token": data.auth.refresh_token or "",
        "client_id": data.auth.client_id or "",
        "client_secret": data.auth.client_secret or "",
    }
    response = request.post(SAMPLE_TOKEN_URL, data=form)
    return OAuthTokens(access_token=response.json()["access_token"])


def _post(request: RequestClient, path: str, payload: Any) -> Any:
    """POST and turn an error answer into APIError with the API's code (the status decides retries)."""
    response = request.post(f"{SAMPLE_API}{path}", json=payload, throw_http_errors=False)
    if response.status_code >= 400:
        body = _json_or_empty(response)
        error = APIError(str(body.get("message") or response.reason), response.status_code)
        error.code = str(body.get("code") or response.status_code)
        raise error
    return response


def _json_or_empty(response: Any) -> dict[str, Any]:
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def build_sample_destination() -> DestinationDefinition:
    """A new Sample destination definition (a fresh object each call, so tests cannot share state)."""
    from framework.definition import ActionDefinition, Authentication, DestinationDefinition, InputField

    upsert = ActionDefinition(
        title="Upsert Contact",
        description="Create or update a contact by email.",
        default_subscription='type = "identify"',
        fields={
            "email": InputField(
                label="Email",
                description="The contact's email.",
                type="string",
                format="email",
                required=True,
                default={"@path": "$.traits.email"},
            ),
            "first_name": InputField(
                label="First Name", description="Given name.", type="string", default={"@path": "$.traits.first_name"}
            ),
            "plan": InputField(
                label="Plan",
                description="The plan the contact is on.",
                type="string",
                default={"@path": "$.traits.plan"},
            ),
        },
        perform=lambda request, data: _post(request, "/contacts", data.payload),
    )
    track = ActionDefinition(
        title="Track Event",
        description="Record an event for a user.",
        default_subscription='type = "track"',
        fields={
            "name": InputField(
                label="Event Name", description="The event.", type="string", required=True, default={"@path": "$.event"}
            ),
            "user_id": InputField(
                label="User ID", description="Who did it.", type="string", default={"@path": "$.userId"}
            ),
            "properties": InputField(
                label="Properties", description="Event properties.", type="object", default={"@path": "$.properties"}
            ),
        },
        perform=lambda request, data: _post(request, "/events", data.payload),
    )
    account = InputField(
        label="Account ID",
        description="Your Sample account, shown under Settings → Account",
        type="string",
        required=True,
    )
    return DestinationDefinition(
        name="Sample",
        slug="actions-sample",
        description="A sample destination for the test harness and examples.",
        authentication=Authentication(scheme="oauth2", fields={"accountId": account}, refresh_access_token=_refresh),
        extend_request=_extend_request,
        actions={"upsert_contact": upsert, "track_event": track},
    )
