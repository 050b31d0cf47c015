"""MockTransport and MockRouter answer requests in-process through a real requests session."""

import re

import pytest
import requests

from framework.testing import MockRouter, MockTransport, Reply, UnmatchedRequestError


def test_router_answers_json_with_headers_and_records_the_request() -> None:
    router = MockRouter().add("POST", "https://api.test/v1/*", status=201, json={"id": 7}, headers={"Retry-After": "3"})
    response = router.session().post(
        "https://api.test/v1/things?x=1", json={"name": "a"}, headers={"Authorization": "Bearer t"}
    )
    assert response.status_code == 201 and response.reason == "Created"
    assert response.json() == {"id": 7}
    assert response.headers["content-type"] == "application/json"
    assert response.headers["retry-after"] == "3"
    [recorded] = router.requests
    assert (recorded.method, recorded.url) == ("POST", "https://api.test/v1/things?x=1")
    assert recorded.headers["Authorization"] == "Bearer t"
    assert recorded.json() == {"name": "a"} and recorded.status == 201


def test_routes_with_times_script_a_sequence() -> None:
    router = MockRouter()
    router.add("GET", "https://api.test/me", status=401, times=1).add("GET", "https://api.test/me", json={})
    session = router.session()
    assert [session.get("https://api.test/me").status_code for _ in range(3)] == [401, 200, 200]


def test_regex_patterns_and_any_method() -> None:
    router = MockRouter().add("*", re.compile(r"/v5/objects/prospects/do/upsert"), body="ok")
    response = router.session().put("https://pi.pardot.com/api/v5/objects/prospects/do/upsert/latest")
    assert response.text == "ok"


def test_query_is_ignored_unless_the_pattern_has_one() -> None:
    router = MockRouter().add("GET", "https://api.test/a?x=1", status=204).add("GET", "https://api.test/a")
    session = router.session()
    assert session.get("https://api.test/a?x=1").status_code == 204
    assert session.get("https://api.test/a?x=2").status_code == 200


def test_unmatched_request_fails_loudly_naming_request_and_routes() -> None:
    router = MockRouter().add("POST", "https://api.test/a")
    with pytest.raises(
        UnmatchedRequestError, match=r"No mock reply for GET https://other.test/b.*POST https://api.test/a"
    ):
        router.session().get("https://other.test/b")


def test_network_failures_are_simulated_by_raising() -> None:
    router = MockRouter().add("GET", "https://api.test/*", error=requests.ConnectTimeout("slow"))
    with pytest.raises(requests.ConnectTimeout):
        router.session().get("https://api.test/x")


def test_a_handler_transport_sees_the_prepared_request() -> None:
    seen = []

    def handler(request: requests.PreparedRequest) -> Reply:
        seen.append(request.body)
        return Reply(status=200, json={"echo": request.method})

    transport = MockTransport(handler)
    session = transport.mount_on(requests.Session())
    response = session.post("http://local.test/", data={"a": "1"})
    assert response.json() == {"echo": "POST"}
    assert seen == ["a=1"] and transport.requests[0].form() == {"a": "1"}
    transport.clear()
    assert transport.requests == []


def test_redirects_are_followed_through_the_transport() -> None:
    router = MockRouter()
    router.add("GET", "https://api.test/old", status=302, headers={"Location": "https://api.test/new"})
    router.add("GET", "https://api.test/new", json={"moved": True})
    response = router.session().get("https://api.test/old")
    assert response.json() == {"moved": True} and len(router.requests) == 2


def test_recorded_headers_are_case_insensitive() -> None:
    router = MockRouter().add("GET", "https://api.test/")
    router.session().get("https://api.test/", headers={"authorization": "Bearer x"})
    headers = router.requests[0].headers
    assert headers["Authorization"] == headers["AUTHORIZATION"] == "Bearer x"
