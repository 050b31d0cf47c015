"""Webhook passes the standard suite every destination gets (framework.testing.standard_suite)."""

from __future__ import annotations

from pathlib import Path

from destinations.webhook import definition
from framework.errors import Resolution
from framework.testing.standard_suite import ResponseCase, StandardDestinationTests

DOCS = Path(__file__).resolve().parents[3] / "docs" / "destinations" / "actions-webhook.md"


class TestWebhookStandard(StandardDestinationTests):
    definition = definition
    settings = {"sharedSecret": "test-secret"}
    mappings = {"send": {"url": "https://hooks.example.com/segment"}}
    docs_page = DOCS
    # The answers destinations/webhook/classifier.py documents, through send's perform.
    response_cases = [
        ResponseCase("accepted", 200, Resolution.SUCCESS),
        ResponseCase("created, text", 201, Resolution.SUCCESS, body="created"),
        ResponseCase("bad request", 400, Resolution.TERMINAL),
        ResponseCase("unauthorized", 401, Resolution.TERMINAL),
        ResponseCase("request timeout", 408, Resolution.RETRY),
        ResponseCase("too many requests", 429, Resolution.RATE_LIMITED, headers={"Retry-After": "2"}),
        ResponseCase("not implemented", 501, Resolution.TERMINAL),
        ResponseCase("server error", 500, Resolution.RETRY),
        ResponseCase("unavailable", 503, Resolution.RETRY),
    ]
