"""Slack, slug ``actions-slack``: post messages to a channel through a Slack incoming webhook.

* **Settings and authentication**: none; the webhook URL in the mapping is the credential.
* **One action**, ``postToChannel`` ("Post Message"): ``url``, ``text`` (templates such as
  ``{{traits.name}}``), ``channel``, ``username`` (default ``Segment``) and ``icon_url``.
* **Errors**: :mod:`.classifier`; a URL that is not a Slack webhook is refused before any request.

Requests are Segment's (tests/destinations/slack/conformance). ``actions replay --emulator`` posts
to the shared recording endpoint (``destinations.recording_endpoint``).
"""

from __future__ import annotations

from typing import Any

from framework.definition import DestinationDefinition

from .post_to_channel import action as post_to_channel

__all__ = ["definition", "destination"]

definition = DestinationDefinition(
    name="Slack",
    slug="actions-slack",
    description="Post messages to Slack channels when events arrive.",
    mode="cloud",
    actions={"postToChannel": post_to_channel},
    emulator=lambda settings, auth, subscriptions, **options: _start_emulator(**options),
)


def _start_emulator(**options: Any) -> Any:
    """``actions replay --emulator``: a local receiver recording every post."""
    from destinations.recording_endpoint import start_recording_endpoint

    return start_recording_endpoint("Messages Slack received", **options)


destination = definition  # the name the registry looks for first
