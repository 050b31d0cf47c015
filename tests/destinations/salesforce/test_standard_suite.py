"""Salesforce passes the standard suite every destination gets (framework.testing.standard_suite)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from destinations.salesforce import definition
from framework.errors import Resolution
from framework.testing.standard_suite import ResponseCase, StandardDestinationTests

DOCS = Path(__file__).resolve().parents[3] / "docs" / "destinations" / "actions-salesforce.md"
OPPORTUNITY = {"close_date": "2026-12-31", "name": "Big deal", "stage_name": "Prospecting"}
CUSTOM = {"customObjectName": "Order__c", "customFields": {"Total__c": {"@path": "$.traits.total"}}}


def _both(key: str, extra: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The V1 mapping (creating) and the V2 one (the sync mode's default, add)."""
    return {key: {"operation": "create", **extra}, f"{key}2": dict(extra)}


class TestSalesforceStandard(StandardDestinationTests):
    definition = definition
    settings = {"instanceUrl": "https://acme.my.salesforce.com", "isSandbox": False}
    auth = {"accessToken": "test-access-token", "refreshToken": "test-refresh-token"}
    sample_events = [
        {
            "type": "identify",
            "userId": "u-1",
            "traits": {"last_name": "Lovelace", "email": "ada@example.com", "total": 3},
        },
        {"type": "group", "groupId": "g-1", "traits": {"name": "Analytical Engines", "employees": 12}},
    ]
    mappings = {**_both("lead", {}), **_both("contact", {}), **_both("account", {}), **_both("cases", {}),
                **_both("opportunity", OPPORTUNITY), **_both("customObject", CUSTOM)}  # fmt: skip
    docs_page = DOCS
    # The answers destinations/salesforce/classifier.py documents, through the lead action's create.
    response_cases = [
        ResponseCase("created", 201, Resolution.SUCCESS, json={"id": "00Q1", "success": True, "errors": []}),
        ResponseCase("required field missing", 400, Resolution.TERMINAL,
                     json=[{"message": "Required fields are missing", "errorCode": "REQUIRED_FIELD_MISSING"}]),
        ResponseCase("session expired", 401, Resolution.REFRESH_THEN_RETRY,
                     json=[{"message": "Session expired or invalid", "errorCode": "INVALID_SESSION_ID"}]),
        ResponseCase("daily limit", 403, Resolution.RATE_LIMITED,
                     json=[{"message": "TotalRequests Limit exceeded.", "errorCode": "REQUEST_LIMIT_EXCEEDED"}]),
        ResponseCase("forbidden", 403, Resolution.TERMINAL,
                     json=[{"message": "Insufficient access", "errorCode": "INSUFFICIENT_ACCESS"}]),
        ResponseCase("too many requests", 429, Resolution.RATE_LIMITED, headers={"Retry-After": "2"}),
        ResponseCase("server error", 500, Resolution.RETRY, json=[{"message": "x", "errorCode": "UNKNOWN_EXCEPTION"}]),
        ResponseCase("unavailable", 503, Resolution.RETRY, body="<html>down</html>"),
    ]  # fmt: skip
