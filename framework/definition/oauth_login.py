"""``OAuthLogin``: an OAuth 2.0 login service with a sandbox twin, and its refresh-token grant.

Destinations that log in to the same service declare the service once (in a shared package under
``destinations/``, as ``destinations/salesforce_login``) instead of each carrying its hosts and its
refresh call::

    LOGIN = OAuthLogin(origins=Endpoints(setting="isSandbox", default=..., by_value={"true": ...}),
                       token_path="/oauth2/token")
    Authentication(scheme="oauth2", ..., refresh_access_token=LOGIN.refresh_access_token)

The refresh is the standard form-encoded ``refresh_token`` grant. The headers a destination's
``extend_request`` adds are removed from it (``clear_headers``): the token endpoint needs neither the
stale access token nor the destination's own headers. A rotated refresh token, when the service sends
one, replaces the old one (which the service has just invalidated).

Refusals follow one small table: 400 ``invalid_grant`` whose description says another refresh of the
same token is in flight → ``RetryableError`` (Segment's wording); any other failure → ``APIError``
with the service's ``error_description``, terminal for 4xx.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field

from framework.auth import OAuthTokens
from framework.definition.endpoints import Endpoints
from framework.errors import ActionsError, APIError, Resolution, RetryableError

if TYPE_CHECKING:
    import requests

    from framework.definition.inputs import RefreshInput
    from framework.http import RequestClient

__all__ = ["OAuthLogin", "CONCURRENT_REFRESH_DESCRIPTIONS", "refresh_error", "parsed_json"]

CONCURRENT_REFRESH_DESCRIPTIONS = frozenset({"token request is already being processed", "expired authorization code"})


class OAuthLogin(BaseModel):
    """Where a login service lives (per the sandbox setting) and how its token endpoint is called."""

    model_config = ConfigDict(extra="forbid", frozen=True, hide_input_in_errors=True)

    origins: Endpoints
    token_path: str = Field(min_length=1)
    clear_headers: tuple[str, ...] = ()

    def origin(self, settings: dict[str, Any]) -> str:
        """The login origin these settings pick (the sandbox one when the setting says so)."""
        return self.origins.origin_for(settings)

    def token_url(self, settings: dict[str, Any]) -> str:
        """The token endpoint for these settings."""
        return self.origin(settings) + self.token_path

    def with_cleared_headers(self, *names: str) -> OAuthLogin:
        """The same service, with ``names`` also removed from refresh calls (a destination's own headers)."""
        return self.model_copy(update={"clear_headers": (*self.clear_headers, *names)})

    def refresh_access_token(self, request: RequestClient, data: RefreshInput) -> OAuthTokens:
        """Trade the refresh token for a new access token (the ``refresh_access_token`` hook)."""
        form = data.auth.refresh_grant_form()
        headers: dict[str, Any] = {name: None for name in ("Authorization", *self.clear_headers)}
        response = request.post(self.token_url(data.settings), data=form, throw_http_errors=False, headers=headers)
        body = parsed_json(response)
        if not response.ok:
            raise refresh_error(response.status_code, body)
        grant = body if isinstance(body, dict) else {}
        return OAuthTokens(
            access_token=grant.get("access_token"),
            refresh_token=grant.get("refresh_token") or data.auth.refresh_token,
            client_id=data.auth.client_id,
            client_secret=data.auth.client_secret,
            refresh_token_url=data.auth.refresh_token_url,
        )


def refresh_error(status: int, body: Any) -> ActionsError:
    """The error for a failed refresh-token grant (``status`` ≥ 400, parsed ``body``)."""
    data = body if isinstance(body, dict) else {}
    described = data.get("error_description") in CONCURRENT_REFRESH_DESCRIPTIONS
    if status == 400 and data.get("error") == "invalid_grant" and described:
        # The service refuses a second refresh of the same token while one is in flight: try again.
        return RetryableError("Concurrent token refresh error. This request will be retried")
    description = data.get("error_description") or "Failed to refresh access token"
    terminal = Resolution.TERMINAL if 400 <= status < 500 else None
    return APIError(str(description), status, resolution=terminal)


def parsed_json(response: requests.Response) -> Any:
    """The answer's parsed JSON, or None when it is not JSON (whatever its content type says)."""
    data = getattr(response, "data", None)
    if data is not None and not isinstance(data, str):
        return data
    try:
        return response.json()
    except ValueError:
        return None
