"""Deleting a user's data at the destination (GDPR): the logic behind ``actions delete-user``.

Segment's ``Destination.onDelete(event, settings)``, defined only when the definition has
``on_delete``: the settings are checked, the payload is the event's ``{userId, anonymousId}``, the
function runs on a request client built as for ``perform`` (``extend_request`` gets that payload),
and a refused OAuth token is refreshed and the call made once more (``refresh_retry``). The answer
is what the function returned, or Segment's ``{"output": "no onDelete defined"}`` when it returned
nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from framework.definition.inputs import ExecuteInput
from framework.errors import IntegrationError
from framework.runtime.client import build_request_client
from framework.runtime.refresh_retry import call_with_refresh

if TYPE_CHECKING:
    import requests

    from framework.auth import OAuthTokens
    from framework.definition import DestinationDefinition
    from framework.runtime.credentials import Credentials

__all__ = ["NO_ON_DELETE", "delete_user", "deletion_payload"]

NO_ON_DELETE = {"output": "no onDelete defined"}  # Segment's answer when on_delete returns nothing


def deletion_payload(user_id: str | None, anonymous_id: str | None) -> dict[str, Any]:
    """The payload ``on_delete`` gets: ``{userId, anonymousId}``, an absent one left out (as JSON drops undefined)."""
    payload = {"userId": user_id, "anonymousId": anonymous_id}
    return {key: value for key, value in payload.items() if value is not None}


def delete_user(
    definition: DestinationDefinition,
    *,
    user_id: str | None,
    anonymous_id: str | None = None,
    settings: dict[str, Any],
    credentials: Credentials,
    session: requests.Session,
    endpoint: str | None = None,
) -> Any:
    """Run the definition's ``on_delete`` for one user: what it answered (a response, a value) or ``NO_ON_DELETE``.

    A definition without ``on_delete`` raises ``IntegrationError`` (Segment's ``Destination`` has no
    ``onDelete`` then); errors the function raises are raised.
    """
    on_delete = definition.on_delete
    if on_delete is None:
        raise IntegrationError(f"{definition.name} does not delete users: it has no on_delete.", "NotImplemented", 501)
    checked = definition.validate_settings(settings)
    payload = deletion_payload(user_id, anonymous_id)

    def call(tokens: OAuthTokens | None) -> Any:
        data = ExecuteInput(payload=dict(payload), settings=dict(checked), auth=tokens)
        return on_delete(build_request_client(definition, session, data, endpoint), data)

    answer = call_with_refresh(credentials, call)
    return NO_ON_DELETE if answer is None else answer
