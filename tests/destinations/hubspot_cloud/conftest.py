"""HubSpot's declared rate limit (110 requests per 10 s) is not kept in these tests.

They check what is sent and how answers are read, hundreds of cases in a row through one portal;
keeping the limit would only make them sleep. The limit itself is tested where pacing is
(tests/runtime/test_rate_limits_endpoints.py) and declared in destinations/hubspot_cloud.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

import framework.runtime.client


@pytest.fixture(autouse=True)
def _no_pacing(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(framework.runtime.client, "bucket_for", lambda definition, settings: None)
    yield
