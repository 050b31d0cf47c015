"""Slack passes the standard suite every destination gets (framework.testing.standard_suite)."""

from __future__ import annotations

from pathlib import Path

from destinations.slack import definition
from framework.errors import Resolution
from framework.testing.standard_suite import ResponseCase, StandardDestinationTests

DOCS = Path(__file__).resolve().parents[3] / "docs" / "destinations" / "actions-slack.md"
TEXT = {"Content-Type": "text/html"}


class TestSlackStandard(StandardDestinationTests):
    definition = definition
    mappings = {"postToChannel": {"url": "https://hooks.slack.com/services/T0/B0/abc", "text": "hello"}}
    docs_page = DOCS
    # The answers destinations/slack/classifier.py documents (Slack's text bodies), through perform.
    response_cases = [
        ResponseCase("ok", 200, Resolution.SUCCESS, body="ok", headers=TEXT),
        ResponseCase("invalid_payload", 400, Resolution.TERMINAL, body="invalid_payload", headers=TEXT),
        ResponseCase("action_prohibited", 403, Resolution.TERMINAL, body="action_prohibited", headers=TEXT),
        ResponseCase("channel_not_found", 404, Resolution.TERMINAL, body="channel_not_found", headers=TEXT),
        ResponseCase("no_service", 410, Resolution.TERMINAL, body="no_service", headers=TEXT),
        ResponseCase("rate_limited", 429, Resolution.RATE_LIMITED, body="rate_limited", headers=TEXT),
        ResponseCase("rollup_error", 500, Resolution.RETRY, body="rollup_error", headers=TEXT),
    ]
