"""Recorded exchanges are redacted when first read, and never show the raw request."""

import requests

from framework.http.exchanges import RecordedExchange, record_exchange


def _exchange() -> RecordedExchange:
    request = requests.Request(
        "POST",
        "https://api.example.com/token?client_secret=s3cret",
        headers={"Authorization": "Bearer t0ken", "Content-Type": "application/json"},
        data=b'{"password": "hunter2", "email": "a@example.com"}',
    ).prepare()
    return record_exchange(request, None, ["t0ken"], error="connection refused")


def test_every_view_of_a_recorded_exchange_is_redacted() -> None:
    exchange = _exchange()
    views = [repr(exchange), str(exchange.to_dict()), exchange.url, str(exchange.headers), str(exchange.body)]
    for view in views:
        assert "t0ken" not in view and "s3cret" not in view and "hunter2" not in view
    assert "a@example.com" in str(exchange.body)
    assert exchange.error == "connection refused" and exchange.status is None


def test_two_records_of_the_same_exchange_are_equal() -> None:
    assert _exchange() == _exchange()


def test_reading_the_status_does_not_redact_and_agrees_with_the_redacted_record() -> None:
    request = requests.Request(
        "POST", "https://api.example.com/x", headers={"Authorization": "Bearer t0ken"}, data=b'{"a": 1}'
    ).prepare()
    response = requests.Response()
    response.status_code, response._content = 201, b'{"id": 1}'
    response.headers["Content-Type"] = "application/json"
    exchange = record_exchange(request, response, ["t0ken"])
    assert exchange.status == 201
    assert exchange._redacted is None  # the status alone costs no redaction
    assert exchange.to_dict()["status"] == 201 and exchange.status == 201
    assert "t0ken" not in str(exchange.headers)


def test_reading_the_request_leaves_the_response_unredacted_until_asked_and_the_record_whole() -> None:
    request = requests.Request(
        "POST", "https://api.example.com/x", headers={"Authorization": "Bearer t0ken"}, data=b'{"a": "t0ken"}'
    ).prepare()
    response = requests.Response()
    response.status_code, response._content = 200, b'{"echo": "t0ken"}'
    response.headers["Content-Type"] = "application/json"
    exchange = record_exchange(request, response, ["t0ken"])
    assert exchange.body == '{"a":"[REDACTED]"}' and exchange.headers["Authorization"] == "Bearer [REDACTED]"
    assert exchange._redacted is None  # a dry run prints the request: the reply is never redacted for it
    whole = exchange.to_dict()
    assert list(whole) == ["method", "url", "headers", "body", "status", "response_headers", "response_body", "error"]
    assert whole["response_body"] == '{"echo":"[REDACTED]"}' and whole["body"] == '{"a":"[REDACTED]"}'
    assert exchange._raw is None  # redacted in full: the raw parts, secrets included, are dropped
    assert exchange == record_exchange(request, response, ["t0ken"])
