"""The ``postToChannel`` action ("Post Message"): post a text to a Slack incoming webhook.

The body is ``{channel, text, username, icon_url}`` in that order, unset fields left out (as
``JSON.stringify`` drops undefined). ``text`` and the other fields take ``@template`` mappings
(``"{{properties.plan}}"``), rendered by the mapping kit before perform runs. The URL must look like
a Slack webhook (``https://<host>.slack.com/<path>``, the same check as Segment's) or the event is
refused as a 400 without a request.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from framework.definition import ActionDefinition, InputField
from framework.errors import HTTPError, IntegrationError

from .classifier import error_for_http_error

if TYPE_CHECKING:
    import requests

    from framework.definition import ExecuteInput
    from framework.http import RequestClient

__all__ = ["action", "FIELDS", "is_slack_webhook_url"]

# Segment's pattern, quirks included: the dot before "com" matches any character, and the path may
# hold only letters, digits and slashes (a URL with "-", "_" or a query is refused).
_SLACK_URL = re.compile(r"^https://[a-zA-Z0-9.-]+\.slack.com[/a-zA-Z0-9]+$")
BODY_KEYS = ("channel", "text", "username", "icon_url")

FIELDS: dict[str, InputField] = {
    "url": InputField(
        label="Webhook URL",
        description="The incoming-webhook URL Slack gave for the workspace to post to.",
        type="string",
        required=True,
        format="uri",
    ),
    "text": InputField(
        label="Message",
        description=(
            "The message to post; [Slack's formatting](https://api.slack.com/reference/surfaces/formatting) "
            "works, and `{{properties.name}}` templates insert event values."
        ),
        type="text",
        required=True,
    ),
    "channel": InputField(
        label="Channel",
        description="The channel to post in, without `#` (`general`, not `#general`).",
        type="string",
    ),
    "username": InputField(
        label="User", description="The name the message is posted under.", type="string", default="Segment"
    ),
    "icon_url": InputField(
        label="Icon URL",
        description="The image shown beside the user's name.",
        type="string",
        default="https://logo.clearbit.com/segment.com",
    ),
}


def is_slack_webhook_url(url: Any) -> bool:
    """True for a URL Segment's Slack destination accepts.

    >>> is_slack_webhook_url("https://hooks.slack.com/services/T0/B0/x"), is_slack_webhook_url("https://x.io/a")
    (True, False)
    """
    return isinstance(url, str) and _SLACK_URL.search(url) is not None


def perform(request: RequestClient, data: ExecuteInput) -> requests.Response:
    """Post the message; Slack answers ``ok`` (text) on success."""
    payload = data.payload
    if not is_slack_webhook_url(payload.get("url")):
        raise IntegrationError("Invalid Slack URL", "Bad Request", 400)
    body = {key: payload[key] for key in BODY_KEYS if payload.get(key) is not None}
    try:
        return request.post(payload["url"], json=body)
    except HTTPError as error:
        raise error_for_http_error(error) from error


action = ActionDefinition(
    title="Post Message",
    description="Post a message to a Slack workspace's channel when the trigger matches.",
    fields=FIELDS,
    perform=perform,
)
