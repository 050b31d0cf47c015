"""Webhook, slug ``actions-webhook``: send events to any URL, one request each or in batches.

* **Settings**: ``sharedSecret`` (optional, a password). When set, every request carries
  ``X-Signature``: the hex HMAC-SHA1 of the signed JSON with the secret (:mod:`.signature`).
* **Authentication**: Segment's ``custom`` scheme; nothing is exchanged, the receiver checks the
  signature (or the headers the mapping adds).
* **One action**, ``send`` ("Send"): URL, method (POST, PUT, PATCH), headers and data from the
  mapping; with ``enable_batching``, one request per batch whose body is the array of the events' data.
* **Errors**: :mod:`.classifier` (by status only).
* **No preset**: Segment's Webhook has none; a subscription names its trigger.

Requests are the ones Segment's own Webhook destination sends (tests/destinations/webhook/conformance).
``destinations.webhook.emulator`` is a local receiver storing what it gets (``actions replay --emulator``).
"""

from __future__ import annotations

from typing import Any

from framework.definition import Authentication, DestinationDefinition, ExecuteInput, InputField

from .send import action as send
from .signature import SIGNATURE_HEADER, signature, signed_data

__all__ = ["definition", "destination", "SETTINGS", "sign_request"]

SETTINGS: dict[str, InputField] = {
    "sharedSecret": InputField(
        type="password",
        label="Shared Secret",
        description=(
            'When set, each request carries an "X-Signature" header: the hex-encoded HMAC-SHA1 of the '
            "request's JSON data, keyed with this secret, so the receiver can tell the request is ours. "
            "A batch is signed over its first event's data, as Segment signs it."
        ),
    ),
}


def sign_request(data: ExecuteInput) -> dict[str, Any]:
    """``extend_request``: the ``X-Signature`` header when a secret is set and there is data to sign."""
    secret = data.settings.get("sharedSecret")
    signed = signed_data(data.payload)
    if not secret or signed is None:
        return {}
    return {"headers": {SIGNATURE_HEADER: signature(str(secret), signed)}}


definition = DestinationDefinition(
    name="Webhook",
    slug="actions-webhook",
    description="Send events to any HTTP endpoint, one by one or in batches, optionally signed.",
    mode="cloud",
    authentication=Authentication(scheme="custom", fields=SETTINGS),
    extend_request=sign_request,
    actions={"send": send},
    emulator=lambda settings, auth, subscriptions, **options: _start_emulator(**options),
)


def _start_emulator(**options: Any) -> Any:
    """``actions replay --emulator``: a local receiver recording every request."""
    from destinations.recording_endpoint import start_recording_endpoint

    return start_recording_endpoint("Requests the webhook received", **options)


destination = definition  # the name the registry looks for first
