"""What the client takes from its session besides headers: cookies (when the jar holds any) and URL credentials."""

from __future__ import annotations

import base64

import requests

from framework.http import RequestClient, response_data


def test_a_cookie_in_the_session_jar_is_sent(origin: str) -> None:
    session = requests.Session()
    client = RequestClient(session)
    assert "Cookie" not in response_data(client.get(f"{origin}/echo"))["headers"]
    session.cookies.set("sid", "abc", domain="127.0.0.1", path="/")
    assert response_data(client.get(f"{origin}/echo"))["headers"]["Cookie"] == "sid=abc"


def test_a_cookie_header_given_by_the_caller_is_kept_with_an_empty_jar(origin: str) -> None:
    response = RequestClient(requests.Session()).get(f"{origin}/echo", headers={"Cookie": "a=1"})
    assert response_data(response)["headers"]["Cookie"] == "a=1"


def test_the_prepared_request_keeps_the_session_jar(origin: str) -> None:
    session = requests.Session()
    response = RequestClient(session).get(f"{origin}/echo")
    assert response.request._cookies is session.cookies


def test_credentials_in_the_url_become_basic_auth(origin: str) -> None:
    url = origin.replace("http://", "http://user:pa%40ss@") + "/echo?email=a@example.com"
    echoed = response_data(RequestClient(requests.Session()).get(url))
    assert echoed["headers"]["Authorization"] == "Basic " + base64.b64encode(b"user:pa@ss").decode()


def test_an_at_sign_outside_the_host_adds_no_credentials(origin: str) -> None:
    response = RequestClient(requests.Session()).get(f"{origin}/echo?email=a@example.com")
    assert "Authorization" not in response_data(response)["headers"]
