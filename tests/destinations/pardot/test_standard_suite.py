"""Pardot passes the standard suite every destination gets (framework.testing.standard_suite)."""

from __future__ import annotations

from pathlib import Path

from destinations.pardot import definition
from framework.errors import Resolution
from framework.testing.standard_suite import ResponseCase, StandardDestinationTests

DOCS = Path(__file__).resolve().parents[3] / "docs" / "destinations" / "actions-pardot.md"
TEXT_XML = {"Content-Type": "text/xml; charset=utf-8"}


class TestPardotStandard(StandardDestinationTests):
    definition = definition
    settings = {"businessUnitID": "0Uv000000000001", "accountID": "1001", "isSandbox": False}
    auth = {"accessToken": "test-access-token", "refreshToken": "test-refresh-token"}
    sample_events = [{"type": "identify", "traits": {"email": "ada@example.com", "first_name": "Ada"}}]
    docs_page = DOCS
    # The answers destinations/pardot/classifier.py documents, through the action's perform.
    response_cases = [
        ResponseCase("upserted", 201, Resolution.SUCCESS, json={"id": 7, "email": "ada@example.com"}),
        ResponseCase("code 184 expired token", 401, Resolution.REFRESH_THEN_RETRY, json={"code": 184, "message": "x"}),
        ResponseCase("code 66 concurrency as 400", 400, Resolution.RATE_LIMITED, json={"code": 66, "message": "x"}),
        ResponseCase("code 122 daily quota", 429, Resolution.RATE_LIMITED, json={"code": 122, "message": "x"}),
        ResponseCase("code 4 invalid payload", 400, Resolution.TERMINAL, json={"code": 4, "message": "x"}),
        ResponseCase("server error", 503, Resolution.RETRY, json={"code": 1, "message": "down"}),
        ResponseCase("XML 403 wrong business unit", 403, Resolution.TERMINAL, body="<rsp/>", headers=TEXT_XML),
    ]
