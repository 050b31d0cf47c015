"""Facebook Conversions API passes the standard suite every destination gets (framework.testing.standard_suite)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from destinations.facebook_conversions_api import definition
from framework.errors import Resolution
from framework.testing.standard_suite import ResponseCase, StandardDestinationTests

DOCS = Path(__file__).resolve().parents[3] / "docs" / "destinations" / "actions-facebook-conversions-api.md"


class TestFacebookConversionsApiStandard(StandardDestinationTests):
    definition = definition
    settings = {"pixelId": "123456789012345", "token": "test-token"}
    # Segment's test events carry no currency or revenue, and no user agent for website events.
    first_mappings: dict[str, dict[str, Any]] = {
        "purchase": {"action_source": "app", "currency": "USD", "value": 10},
        "custom": {"action_source": "app", "event_name": "Signed Up"},
        "pageView": {"action_source": "app"},
        **{key: {"action_source": "app"} for key in ("initiateCheckout", "addToCart", "viewContent", "search")},
    }
    mappings = {**first_mappings, **{f"{key}2": mapping for key, mapping in first_mappings.items()}}
    sample_events = [
        {"type": "track", "event": "Order Completed", "properties": {"currency": "EUR", "revenue": 12.5}},
        {"type": "track", "event": "Signed Up"},
        {"type": "track", "event": "Checkout Started", "properties": {"currency": "USD", "revenue": 3}},
        {"type": "track", "event": "Product Added", "properties": {"product_id": "p-1", "price": 2.5}},
        {"type": "track", "event": "Product Viewed", "properties": {"product_id": "p-1", "price": 2.5}},
        {"type": "track", "event": "Products Searched", "properties": {"query": "shoes", "product_id": "p-2"}},
        {"type": "page", "name": "Home"},
    ]
    docs_page = DOCS
    # Graph API answers (https://developers.facebook.com/docs/graph-api/guides/error-handling), through classifier.py.
    response_cases = [
        ResponseCase("events received", 200, Resolution.SUCCESS, body='{"events_received":1,"fbtrace_id":"A"}'),
        ResponseCase("invalid parameter", 400, Resolution.TERMINAL, body='{"error":{"code":100}}'),
        ResponseCase("invalid token", 401, Resolution.TERMINAL, body='{"error":{"code":190}}'),
        ResponseCase("permission", 403, Resolution.TERMINAL, body='{"error":{"code":10}}'),
        ResponseCase("too many calls", 429, Resolution.RATE_LIMITED, headers={"Retry-After": "3"}),
        ResponseCase("unknown error", 500, Resolution.RETRY, body='{"error":{"code":1}}'),
        ResponseCase("service unavailable", 503, Resolution.RETRY),
    ]
