"""Creating and checking a destination's audience: the logic behind ``actions audiences create|get``.

Segment's ``Destination.createAudience`` and ``getAudience``: the definition must have both audience
functions (else Segment's ``Unexpected call to createAudience``); ``create`` checks the audience's
settings against the definition's ``audience_fields`` (only when there are some, as Segment does;
``get`` does not check them); the function runs on a request client built as for ``perform``
(``extend_request`` gets the settings and the audience's settings, no payload; the instance's
emulator endpoint and redaction apply) and answers an :class:`AudienceResult`. A refused OAuth token
is refreshed and the call made once more (``refresh_retry``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from framework.definition.audience_config import (
    AudienceRequestInput,
    AudienceResult,
    CreateAudienceInput,
    GetAudienceInput,
    validate_audience_settings,
)
from framework.errors import IntegrationError
from framework.runtime.client import build_request_client
from framework.runtime.refresh_retry import call_with_refresh

if TYPE_CHECKING:
    import requests

    from framework.auth import OAuthTokens
    from framework.definition import DestinationDefinition
    from framework.runtime.credentials import Credentials

__all__ = ["create_audience", "get_audience", "instance_parts"]


def instance_parts(instance: Any) -> dict[str, Any]:
    """An instance's settings, credentials, session and endpoint, as the keyword arguments every call here takes.

    ``create_audience(instance.definition, "VIP", **instance_parts(instance))``: the requests go through
    the instance's own session, so ``responses`` and ``requests-mock`` see them in a test.
    """
    return {
        "settings": instance.settings,
        "credentials": instance.credentials,
        "session": instance.session,
        "endpoint": instance.endpoint,
    }


def create_audience(
    definition: DestinationDefinition,
    audience_name: str,
    *,
    settings: dict[str, Any],
    credentials: Credentials,
    session: requests.Session,
    audience_settings: Mapping[str, Any] | None = None,
    personas: Mapping[str, Any] | None = None,
    endpoint: str | None = None,
) -> AudienceResult:
    """Make the audience on the destination's side: its external id.

    Raises what the destination raises (an ``IntegrationError`` family error, an ``HTTPError``), a
    ``PayloadValidationError`` for audience settings ``audience_fields`` refuse, or Segment's
    ``Unexpected call to createAudience`` when the definition has no audience functions.
    """
    function = _audience_function(definition, "create")
    checked = dict(audience_settings) if audience_settings else None
    if checked:
        checked = validate_audience_settings(definition, checked)

    def call(tokens: OAuthTokens | None) -> Any:
        data = CreateAudienceInput(
            settings=dict(settings),
            audience_name=audience_name,
            audience_settings=checked,
            personas=dict(personas) if personas is not None else None,
            auth=tokens,
        )
        client = build_request_client(definition, session, _request_input(settings, checked, tokens), endpoint)
        return function(client, data)

    return _result(definition, "create", call_with_refresh(credentials, call))


def get_audience(
    definition: DestinationDefinition,
    external_id: str,
    *,
    settings: dict[str, Any],
    credentials: Credentials,
    session: requests.Session,
    audience_settings: Mapping[str, Any] | None = None,
    endpoint: str | None = None,
) -> AudienceResult:
    """Check the audience with this external id is there and the account owns it: its external id."""
    function = _audience_function(definition, "get")
    given = dict(audience_settings) if audience_settings is not None else None

    def call(tokens: OAuthTokens | None) -> Any:
        data = GetAudienceInput(settings=dict(settings), external_id=external_id, audience_settings=given, auth=tokens)
        client = build_request_client(definition, session, _request_input(settings, given, tokens), endpoint)
        return function(client, data)

    return _result(definition, "get", call_with_refresh(credentials, call))


def _audience_function(definition: DestinationDefinition, verb: str) -> Callable[..., Any]:
    """The definition's create or get function, or Segment's error for a definition without the pair."""
    config = definition.audience_config
    if config is None or not config.creates_audiences:
        # Segment throws a plain Error here; its message, as an error our runtime knows how to report.
        raise IntegrationError(f"Unexpected call to {verb}Audience", "NotImplemented", 501)
    function = config.create_audience if verb == "create" else config.get_audience
    assert function is not None  # creates_audiences checked both
    return function


def _request_input(
    settings: dict[str, Any], audience_settings: dict[str, Any] | None, tokens: OAuthTokens | None
) -> AudienceRequestInput:
    """What ``extend_request`` gets for an audience call (Segment: settings, no payload, audienceSettings, auth)."""
    return AudienceRequestInput(payload=None, settings=dict(settings), auth=tokens, audience_settings=audience_settings)


def _result(definition: DestinationDefinition, verb: str, answer: Any) -> AudienceResult:
    """The function's answer, which must be an AudienceResult: a destination bug is named, not passed on."""
    if isinstance(answer, AudienceResult) and isinstance(answer.external_id, str):
        return answer
    raise TypeError(f"{definition.name}: {verb}_audience returned {answer!r}, not an AudienceResult(external_id=str).")
