"""One event through a whole Pardot instance: trigger, mapping, validation, perform, request, result.

The HTTP exchange is answered in-process by a transport adapter that returns a canned 200, so the figure
is the framework's own cost per event (what Segment's `pipeline_no_network` measures with a stubbed
fetch), not the network's, and the memory figure is the instance's own (nothing records the requests).
"""

from __future__ import annotations

from typing import Any

import requests
from requests.adapters import BaseAdapter

from benchmarks.bench_mapping import PARDOT_DEFAULT_MAPPING
from benchmarks.benchmark import Benchmark, Pass
from framework.instance import DestinationInstance

__all__ = ["BENCHMARKS"]

# The settings bench_segment.js gives Segment's engine: one identify subscription with the defaults.
_SETTINGS: dict[str, Any] = {
    "businessUnitID": "0Uv000000000001AAA",
    "accountID": "1",
    "isSandbox": False,
    "subscriptions": [
        {"subscribe": 'type = "identify"', "partnerAction": "prospects", "mapping": PARDOT_DEFAULT_MAPPING}
    ],
    "oauth": {"access_token": "tok", "refresh_token": "r", "clientId": "c", "clientSecret": "s"},
}


class _CannedReply(BaseAdapter):
    """Answers every request with 200 `{"id":1}`, as bench_segment.js's stubbed fetch does."""

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:  # type: ignore[override]
        response = requests.Response()
        response.status_code, response.reason, response.url = 200, "OK", request.url or ""
        response.headers["Content-Type"] = "application/json"
        response._content = b'{"id":1}'
        response.request = request
        return response

    def close(self) -> None:
        """No sockets to release."""


def _pipeline(events: list[dict[str, Any]]) -> Pass:
    session = requests.Session()
    session.mount("https://", _CannedReply())
    instance = DestinationInstance.from_settings(_SETTINGS, session=session)
    delivered = "delivered"

    def one_pass() -> int:
        return sum(result.status == delivered for event in events for result in instance.send(event))

    return one_pass


BENCHMARKS = [
    Benchmark(
        "pipeline.pardot_no_network",
        "DestinationInstance.send(event), HTTP answered in-process",
        _pipeline,
        segment=("segment.pipeline_no_network",),
    ),
]
