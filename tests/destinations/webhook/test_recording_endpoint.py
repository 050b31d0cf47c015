"""The shared recording endpoint (destinations/recording_endpoint) over real loopback HTTP."""

from __future__ import annotations

import pytest
import requests

from destinations.emulation import parse_fault_mix
from destinations.recording_endpoint import start_recording_endpoint


def test_it_stores_every_request_with_method_path_headers_and_body() -> None:
    endpoint = start_recording_endpoint()
    try:
        requests.put(endpoint.base_url + "/a/b?x=1", json={"n": "ü"}, headers={"X-Signature": "abc"}, timeout=5)
        requests.post(endpoint.base_url + "/c", data="raw", timeout=5)
    finally:
        endpoint.stop()
    first, second = endpoint.requests()
    assert (first.method, first.path, first.json(), first.headers["x-signature"]) == (
        "PUT",
        "/a/b?x=1",
        {"n": "ü"},
        "abc",
    )
    assert (second.method, second.body, second.status) == ("POST", "raw", 200)
    title, columns, rows = endpoint.holdings()
    assert title.endswith(": 2") and columns[0] == "status" and len(rows) == 2


def test_faults_follow_the_seed_and_refused_requests_are_kept_with_their_status() -> None:
    def statuses(seed: int) -> list[int]:
        endpoint = start_recording_endpoint(faults="500:0.3,429:0.2,reset:0.1", seed=seed)
        try:
            for _ in range(40):
                try:
                    requests.post(endpoint.base_url + "/in", json={}, timeout=5)
                except requests.ConnectionError:
                    pass
        finally:
            endpoint.stop()
        return [r.status for r in endpoint.requests()]

    first = statuses(3)
    assert first == statuses(3)
    assert {0, 200, 429, 500} <= set(first)
    assert len([s for s in first if s == 200]) < 40


def test_a_429_carries_retry_after() -> None:
    endpoint = start_recording_endpoint(faults="429:1")
    try:
        answer = requests.post(endpoint.base_url + "/in", json={}, timeout=5)
    finally:
        endpoint.stop()
    assert answer.status_code == 429 and answer.headers["Retry-After"] == "1"
    assert endpoint.delivered() == []


@pytest.mark.parametrize(
    ("spec", "message"),
    [("500", "KIND:PROBABILITY"), ("700:0.1", "unknown kind"), ("500:2", "between 0 and 1"),
     ("500:0.6,503:0.6", "more than 1"), ("boom:0.1", "unknown kind"), ("expire:0.1", "unknown kind")],
)  # fmt: skip
def test_a_bad_fault_mix_is_refused_saying_why(spec: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_fault_mix(spec, named_kinds=("reset",))
