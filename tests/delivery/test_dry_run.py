"""The dry run's transport: the exact request a real send would make, answered in-process."""

from __future__ import annotations

from typing import Any

import requests

from framework.delivery.dry_run import AcceptingAdapter, dry_run_session
from framework.http import RequestClient, response_data


class _ThroughSessionSend(AcceptingAdapter):
    """The same canned reply, but reached through ``requests.Session.send`` as any other adapter is."""

    answers_directly = False


def _session_through_send() -> requests.Session:
    session = requests.Session()
    session.mount("https://", _ThroughSessionSend())
    session.mount("http://", _ThroughSessionSend())
    return session


def _exchange_on(session: requests.Session) -> tuple[dict[str, Any], requests.Response]:
    client = RequestClient(session, options={"headers": {"Authorization": "Bearer t0ken-1"}, "secrets": ["t0ken-1"]})
    response = client.post(
        "https://api.example.com/v5/things?x=1", json={"name": "Ada", "n": 2.0}, headers={"X-Id": "42"}
    )
    return client.exchanges[0].to_dict(), response


def test_the_direct_reply_records_the_same_request_as_session_send() -> None:
    direct, direct_response = _exchange_on(dry_run_session())
    through, through_response = _exchange_on(_session_through_send())
    assert direct == through
    assert direct["body"] == '{"name":"Ada","n":2}' and direct["headers"]["Authorization"] == "Bearer [REDACTED]"
    assert (direct_response.status_code, response_data(direct_response)) == (200, {})
    assert (direct_response.status_code, response_data(direct_response)) == (
        through_response.status_code,
        response_data(through_response),
    )
    assert direct_response.request.headers == through_response.request.headers
    assert direct_response.url == through_response.url == "https://api.example.com/v5/things?x=1"


def test_a_dry_run_session_keeps_no_cookie_and_no_request() -> None:
    session = dry_run_session()
    for _ in range(3):
        _exchange_on(session)
    assert len(session.cookies) == 0
