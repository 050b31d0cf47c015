"""RequestClient over real HTTP on loopback: bodies, headers, hooks, errors, timeouts, recording."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest
import requests

from framework.errors import HTTPError, RequestTimeoutError, Resolution, resolution_for
from framework.http import USER_AGENT, RecordedExchange, RequestClient, response_data


@pytest.fixture
def client() -> RequestClient:
    return RequestClient(requests.Session())


def _echo(response: requests.Response) -> dict[str, Any]:
    return response_data(response)


def test_json_body_is_compact_with_content_type(client: RequestClient, origin: str) -> None:
    echoed = _echo(client.post(f"{origin}/echo", json={"a": 1, "b": "é"}))
    assert echoed["method"] == "POST"
    assert echoed["body"] == '{"a":1,"b":"é"}'
    assert echoed["headers"]["Content-Type"] == "application/json"
    assert echoed["headers"]["User-Agent"] == USER_AGENT


def test_json_null_body_is_sent(client: RequestClient, origin: str) -> None:
    assert _echo(client.post(f"{origin}/echo", json=None))["body"] == "null"


def test_form_body_from_dict(client: RequestClient, origin: str) -> None:
    echoed = _echo(client.post(f"{origin}/echo", data={"grant_type": "refresh_token", "x": "a b&c", "gone": None}))
    assert echoed["body"] == "grant_type=refresh_token&x=a+b%26c"
    assert echoed["headers"]["Content-Type"] == "application/x-www-form-urlencoded;charset=UTF-8"


def test_form_content_type_given_by_the_caller_is_kept(client: RequestClient, origin: str) -> None:
    echoed = _echo(
        client.post(f"{origin}/echo", data={"a": "1"}, headers={"content-type": "application/x-www-form-urlencoded"})
    )
    assert echoed["headers"]["Content-Type"] == "application/x-www-form-urlencoded"


def test_raw_string_body_is_sent_as_is(client: RequestClient, origin: str) -> None:
    echoed = _echo(client.post(f"{origin}/echo", data="<xml/>", headers={"Content-Type": "text/xml"}))
    assert (echoed["body"], echoed["headers"]["Content-Type"]) == ("<xml/>", "text/xml")


def test_params_and_method(client: RequestClient, origin: str) -> None:
    echoed = _echo(client.request(f"{origin}/echo?x=1", "delete", params={"fields": "id,email"}))
    assert echoed["method"] == "DELETE"
    assert echoed["query"] == "x=1&fields=id%2Cemail"


def test_extend_merges_headers_case_insensitively_and_none_deletes(client: RequestClient, origin: str) -> None:
    extended = client.extend({"headers": {"Authorization": "Bearer abc", "X-One": "1", "X-Flag": True}})
    echoed = _echo(extended.get(f"{origin}/echo", headers={"authorization": None, "x-one": "2"}))
    assert "Authorization" not in echoed["headers"]
    assert echoed["headers"]["X-One"] == "2"
    assert echoed["headers"]["X-Flag"] == "true"
    assert _echo(extended.get(f"{origin}/echo"))["headers"]["Authorization"] == "Bearer abc"


def test_basic_auth_from_username_and_password(client: RequestClient, origin: str) -> None:
    echoed = _echo(client.get(f"{origin}/echo", username="u", password="p@ss"))
    assert echoed["headers"]["Authorization"] == "Basic " + base64.b64encode(b"u:p@ss").decode()
    assert _echo(client.get(f"{origin}/echo", username="u"))["headers"]["Authorization"] == "Basic dTo="


def test_response_data_json_text_and_broken_json(client: RequestClient, origin: str) -> None:
    assert response_data(client.get(f"{origin}/text")) == "héllo"
    assert response_data(client.get(f"{origin}/bad-json")) is None


@pytest.mark.parametrize(
    ("status", "resolution"),
    [
        (400, Resolution.TERMINAL),
        (401, Resolution.REFRESH_THEN_RETRY),
        (429, Resolution.RATE_LIMITED),
        (503, Resolution.RETRY),
        (501, Resolution.TERMINAL),
    ],
)
def test_non_2xx_raises_http_error(client: RequestClient, origin: str, status: int, resolution: Resolution) -> None:
    with pytest.raises(HTTPError) as caught:
        client.get(f"{origin}/status/{status}")
    assert caught.value.status == status
    assert response_data(caught.value.response)["error"] == "invalid_grant"
    assert resolution_for(caught.value) is resolution


def test_throw_http_errors_false_returns_the_response(client: RequestClient, origin: str) -> None:
    assert client.get(f"{origin}/status/404", throw_http_errors=False).status_code == 404


@pytest.mark.parametrize(
    ("header", "expected"), [("120", 120.0), ("0", 0.0), ("soon", None), ("Wed, 21 Oct 2015 07:28:00 GMT", 0.0)]
)
def test_retry_after_is_parsed_into_the_error(
    client: RequestClient, origin: str, header: str, expected: float | None
) -> None:
    with pytest.raises(HTTPError) as caught:
        client.get(f"{origin}/status/429", params={"retry_after": header})
    assert caught.value.retry_after == expected


def test_timeout_raises_request_timeout_error(loopback: Any) -> None:
    origin, app = loopback
    client = RequestClient(requests.Session())
    with pytest.raises(RequestTimeoutError, match="Request timed out after 100ms") as caught:
        client.get(f"{origin}/block", timeout=0.1)
    assert resolution_for(caught.value) is Resolution.RETRY
    assert client.exchanges[-1].status is None and "timed out" in (client.exchanges[-1].error or "")


def test_connection_refused_is_retryable() -> None:
    client = RequestClient(requests.Session())
    with pytest.raises(requests.ConnectionError) as caught:
        client.get("http://127.0.0.1:9/nothing", timeout=2)
    assert resolution_for(caught.value) is Resolution.RETRY
    assert client.exchanges[-1].error


def test_origin_override_keeps_path_and_query(client: RequestClient, origin: str) -> None:
    overridden = client.extend({"origin_override": origin})
    echoed = _echo(overridden.get("https://pi.pardot.com/api/v5/objects?x=1"))
    assert (echoed["path"], echoed["query"]) == ("/api/v5/objects", "x=1")
    assert overridden.exchanges[-1].url == f"{origin}/api/v5/objects?x=1"


def test_hooks_run_in_order_and_may_change_things(client: RequestClient, origin: str) -> None:
    calls: list[str] = []

    def add_header(options: dict[str, Any]) -> dict[str, Any]:
        calls.append("before")
        return {"headers": {"X-Hooked": "yes"}}

    def after(request: requests.PreparedRequest, options: dict[str, Any], response: requests.Response) -> None:
        calls.append(f"after {response.status_code}")

    hooked = client.extend({"before_request": [add_header], "after_response": [after]})
    with pytest.raises(HTTPError):
        hooked.get(f"{origin}/status/500")
    echoed = _echo(hooked.get(f"{origin}/echo"))
    assert echoed["headers"]["X-Hooked"] == "yes"
    assert calls == ["before", "after 500", "before", "after 200"]


def test_unknown_option_is_refused_with_the_known_ones(client: RequestClient) -> None:
    with pytest.raises(TypeError, match="unknown request option\\(s\\) jsonn; known: .*json"):
        client.post("http://127.0.0.1:1/", jsonn={})


def test_every_exchange_is_recorded_redacted(origin: str) -> None:
    client = RequestClient(requests.Session(), options={"secrets": ["sup3r-secret-value"]})
    api = client.extend({"headers": {"Authorization": "Bearer live-token-123"}})
    api.post(
        f"{origin}/echo?access_token=abc&keep=1",
        data={"client_secret": "s", "note": "sup3r-secret-value", "user": "me"},
    )
    with pytest.raises(HTTPError):
        api.get(f"{origin}/status/400")
    first, second = client.exchanges
    assert isinstance(first, RecordedExchange)
    assert first.method == "POST" and first.status == 200
    assert first.url == f"{origin}/echo?access_token=[REDACTED]&keep=1"
    assert first.headers["Authorization"] == "Bearer [REDACTED]"
    assert first.body == "client_secret=[REDACTED]&note=[REDACTED]&user=me"
    assert "live-token-123" not in json.dumps(first.to_dict())
    assert "sup3r-secret-value" not in json.dumps(first.to_dict())
    assert second.status == 400
    assert json.loads(second.response_body or "{}")["access_token"] == "[REDACTED]"


def test_logged_lines_are_redacted(origin: str, caplog: pytest.LogCaptureFixture) -> None:
    client = RequestClient(requests.Session(), options={"secrets": ["path-secret-value"]})
    with caplog.at_level("DEBUG", logger="framework.http"):
        client.get(f"{origin}/echo/path-secret-value?refresh_token=abc")
    assert caplog.records, "the exchange is logged"
    text = caplog.text
    assert "path-secret-value" not in text and "abc" not in text and "[REDACTED]" in text


def test_json_numbers_are_written_as_javascript_does(client: RequestClient, origin: str) -> None:
    echoed = _echo(client.post(f"{origin}/echo", json={"score": 5.0, "ratio": 0.5, "list": [1.0, True, None]}))
    assert echoed["body"] == '{"score":5,"ratio":0.5,"list":[1,true,null]}'


def test_remembered_header_merges_follow_the_session_and_still_refuse_bad_headers() -> None:
    from requests.exceptions import InvalidHeader

    from framework.delivery.dry_run import dry_run_session
    from framework.http import RequestClient

    session = dry_run_session()
    client = RequestClient(session=session)
    first = client.get("https://example.com/x", headers={"X-A": "1"}).request
    session.headers["X-Session"] = "s"
    second = client.get("https://example.com/x", headers={"X-A": "1"}).request
    assert "X-Session" not in first.headers and second.headers["x-session"] == "s"
    second.headers["X-A"] = "changed"  # a prepared request's headers are its own
    assert client.get("https://example.com/x", headers={"X-A": "1"}).request.headers["X-A"] == "1"
    for _ in range(2):
        with pytest.raises(InvalidHeader):
            client.get("https://example.com/x", headers={"X-Bad": "a\r\nb"})


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"X-A": "1"},
        {"content-type": "text/plain", "X-A": "1"},
        {"CONTENT-TYPE": "a", "X-B": "2", "Content-Type": "b"},
    ],
)
def test_a_json_body_sets_its_content_type_as_a_merge_would(headers: dict[str, str]) -> None:
    from framework.http.client import _set_json_content_type
    from framework.http.options import merge_headers

    mine = dict(headers)
    _set_json_content_type(mine)
    expected = merge_headers(headers, {"Content-Type": "application/json"})
    assert list(mine.items()) == list(expected.items())
