"""The requests our client sends against those Segment's own request client sent, case by recorded case.

``segment_requests.jsonl`` (made by ``record.py``) holds option layers (as ``extend_request`` and
``extend`` stack them), a call, and the request Segment's client sent: method, path and query, the
headers that matter (content type, authorization, ``x-*``) and the body. Here the same case goes over
loopback to the echo server. The user agent differs on purpose (``action-destinations/<version>``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import requests

from framework.http import RequestClient
from framework.testing.recordings import as_params, read_cases

CASES = read_cases(Path(__file__).parent / "segment_requests.jsonl")

DIVERGENCES = {
    "search-params-replace-query": "Segment's searchParams replaces the URL's whole query string; params= "
    "adds to it here (requests' meaning; dropping ?x=1 silently is a trap).",
}


def _python_options(options: dict[str, Any]) -> dict[str, Any]:
    renamed = {"searchParams": "params", "form": "data"}
    return {renamed.get(key, key): value for key, value in options.items()}


def _sent(origin: str, case: dict[str, Any]) -> dict[str, Any]:
    client = RequestClient(requests.Session())
    for layer in case["layers"]:
        client = client.extend(_python_options(layer))
    call = _python_options(case["call"])
    echoed = client.request(origin + case["url"], call.pop("method", "GET"), **call).data  # type: ignore[attr-defined]
    headers = {k.lower(): v for k, v in echoed["headers"].items()}
    shown = {k: v for k, v in headers.items() if k in ("content-type", "authorization") or k.startswith("x-")}
    url = echoed["path"] + (f"?{echoed['query']}" if echoed["query"] else "")
    return {"method": echoed["method"], "url": url, "headers": shown, "body": echoed["body"]}


@pytest.mark.parametrize("case", as_params(CASES, DIVERGENCES))
def test_same_request_as_segment(origin: str, case: dict[str, Any]) -> None:
    assert _sent(origin, case) == case["segment"]["request"]


def test_params_add_to_the_query_here(origin: str) -> None:
    case = next(c for c in CASES if c["id"] == "search-params-replace-query")
    assert _sent(origin, case)["url"] == "/s?x=1&y=2"
