"""The Slack classifier's table (destinations/slack/classifier.py), row by row."""

from __future__ import annotations

import pytest

from destinations.slack.classifier import error_for_http_error as slack_error
from framework.errors import HTTPError, Resolution, resolution_for
from framework.testing import refused_answer


def refused(status: int, body: str = "") -> HTTPError:
    return refused_answer(status, body, url="https://hooks.slack.com/services/T/B/x")


@pytest.mark.parametrize(
    ("status", "body", "expected"),
    [(400, "invalid_payload", Resolution.TERMINAL), (403, "action_prohibited", Resolution.TERMINAL),
     (404, "channel_not_found", Resolution.TERMINAL), (410, "no_service", Resolution.TERMINAL),
     (429, "rate_limited", Resolution.RATE_LIMITED), (500, "rollup_error", Resolution.RETRY),
     (501, "", Resolution.TERMINAL), (503, "", Resolution.RETRY)],
)  # fmt: skip
def test_slack_answers_resolve_by_status(status: int, body: str, expected: Resolution) -> None:
    error = slack_error(refused(status, body))
    assert resolution_for(error) == expected
    if expected != Resolution.TERMINAL:
        assert body in str(error)
