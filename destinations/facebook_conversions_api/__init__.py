"""Facebook Conversions API (Actions), slug ``actions-facebook-conversions-api``: server events to a pixel.

* **Settings**: ``pixelId`` (required; a dataset's ID works too), ``testEventCode`` (optional; a
  mapping's ``test_event_code`` wins), and ``token``, ours: the system user token. Segment keeps that
  token in its own environment (``ACTIONS_FB_CAPI_SYSTEM_USER_TOKEN``); without the setting we read
  the same variable, and refuse to send with neither (docs/divergences.md).
* **Actions**: ``purchase``, ``initiateCheckout``, ``addToCart``, ``viewContent``, ``search``
  (:mod:`.commerce`), ``pageView``, ``custom``, and each one's ``*2`` form with an insert-only sync
  mode (:mod:`.second_versions`): one POST per event to
  ``https://graph.facebook.com/v24.0/{pixelId}/events``, ``user_data`` hashed (:mod:`.user_data`).
* **Errors**: :mod:`.classifier` (by status only).
* **No preset**: Segment's destination has none; actions carry default subscriptions.

Requests are the ones Segment's own destination sends (tests/destinations/facebook_conversions_api/conformance).
``actions replay --emulator`` points the instance at the shared recording endpoint.
"""

from __future__ import annotations

import os
from typing import Any

from framework.definition import ActionDefinition, Authentication, DestinationDefinition, ExecuteInput, InputField
from framework.errors import IntegrationError

from .commerce import commerce_action
from .custom import action as custom
from .page_view import action as page_view
from .purchase import action as purchase
from .second_versions import second_version

__all__ = ["TOKEN_VARIABLE", "bearer_token", "definition", "destination"]

TOKEN_VARIABLE = "ACTIONS_FB_CAPI_SYSTEM_USER_TOKEN"

SETTINGS: dict[str, InputField] = {
    "pixelId": InputField(
        label="Pixel ID",
        type="string",
        required=True,
        description="Your Facebook Pixel's ID, or a dataset's ID from the Events Manager.",
    ),  # fmt: skip
    "testEventCode": InputField(
        label="Test Event Code",
        type="password",  # Segment types it string; the kit masks every *code* setting (docs/divergences.md)
        description="Marks every event as a test event (Events Manager, Test events); a mapping's own code "
        "wins. Remove it before sending real traffic.",
    ),
    "token": InputField(
        label="System User Token",
        type="password",
        description=f"The access token sent as a Bearer token. Unset: the {TOKEN_VARIABLE} environment variable.",
    ),
}


def bearer_token(data: ExecuteInput) -> dict[str, Any]:
    """``extend_request``: ``authorization: Bearer <token>``, from the setting or the environment."""
    token = data.settings.get("token") or os.environ.get(TOKEN_VARIABLE)
    if not token:
        raise IntegrationError(
            f"No Facebook access token: set the destination's token setting or {TOKEN_VARIABLE}.",
            "MISSING_TOKEN",
            400,
        )
    return {"headers": {"authorization": f"Bearer {token}"}}


def _with_second_versions(firsts: dict[str, ActionDefinition]) -> dict[str, ActionDefinition]:
    """Every action and its ``*2`` form (:mod:`.second_versions`), in Segment's order: firsts, then seconds."""
    return {**firsts, **{f"{key}2": second_version(action) for key, action in firsts.items()}}


definition = DestinationDefinition(
    name="Facebook Conversions API (Actions)",
    slug="actions-facebook-conversions-api",
    description="Send purchases, page views and custom events to Facebook's Conversions API, user data hashed.",
    mode="cloud",
    authentication=Authentication(scheme="custom", fields=SETTINGS),
    extend_request=bearer_token,
    actions=_with_second_versions(
        {
            "purchase": purchase,
            "initiateCheckout": commerce_action("initiateCheckout"),
            "addToCart": commerce_action("addToCart"),
            "viewContent": commerce_action("viewContent"),
            "search": commerce_action("search"),
            "pageView": page_view,
            "custom": custom,
        }
    ),
    emulator=lambda settings, auth, subscriptions, **options: _start_emulator(**options),
)


def _start_emulator(**options: Any) -> Any:
    """``actions replay --emulator``: a local receiver recording every request."""
    from destinations.recording_endpoint import start_recording_endpoint

    return start_recording_endpoint("Requests Facebook's Conversions API received", **options)


destination = definition  # the name the registry looks for first
