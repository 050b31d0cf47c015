"""Redaction tables: which headers, body keys, query parameters and listed values are hidden."""

from __future__ import annotations

import json
from typing import Any

import pytest
import requests

from framework.http import REDACTED, redact_body, redact_headers, redact_text, redact_url


@pytest.mark.parametrize(
    ("name", "value", "shown"),
    [
        ("Authorization", "Bearer abc.def", "Bearer [REDACTED]"),
        ("authorization", "Basic dTpw", "Basic [REDACTED]"),
        ("Authorization", "rawtoken", REDACTED),
        ("Cookie", "sid=1", REDACTED),
        ("Set-Cookie", "sid=1", REDACTED),
        ("X-Api-Key", "k", REDACTED),
        ("X-Auth-Token", "t", REDACTED),
        ("X-Client-Secret", "s", REDACTED),
        ("Pardot-Business-Unit-Id", "0Uv000", "0Uv000"),
        ("Content-Type", "application/json", "application/json"),
        ("X-Echo", "my-listed-secret", REDACTED),
    ],
)
def test_headers(name: str, value: str, shown: str) -> None:
    assert redact_headers({name: value}, secrets=["my-listed-secret"]) == {name: shown}


@pytest.mark.parametrize(
    ("body", "content_type", "shown"),
    [
        ('{"access_token":"a","x":1}', "application/json", '{"access_token":"[REDACTED]","x":1}'),
        (
            '{"nested":{"refresh_token":"r","password":"p"},"list":[{"client_secret":"c"}]}',
            "application/json",
            '{"nested":{"refresh_token":"[REDACTED]","password":"[REDACTED]"},"list":[{"client_secret":"[REDACTED]"}]}',
        ),
        (
            '{"accessToken":"a","api_key":"k","user_password":"p"}',
            None,
            '{"accessToken":"[REDACTED]","api_key":"[REDACTED]","user_password":"[REDACTED]"}',
        ),
        (
            "grant_type=refresh_token&refresh_token=r%2F1&client_id=id&client_secret=s",
            "application/x-www-form-urlencoded",
            "grant_type=refresh_token&refresh_token=[REDACTED]&client_id=id&client_secret=[REDACTED]",
        ),
        (b'{"token":"t"}', "application/json; charset=utf-8", '{"token":"[REDACTED]"}'),
        ("plain text with the-listed-secret inside", "text/plain", "plain text with [REDACTED] inside"),
        ('{"note":"the-listed-secret"}', "application/json", '{"note":"[REDACTED]"}'),
        ("note=the-listed-secret", "application/x-www-form-urlencoded", "note=[REDACTED]"),
        (b"\xff\xfe\x00", "application/octet-stream", "<3 bytes>"),
        (None, None, None),
    ],
)
def test_bodies(body: Any, content_type: str | None, shown: Any) -> None:
    assert redact_body(body, content_type, secrets=["the-listed-secret"]) == shown


def test_structures_stay_structures() -> None:
    assert redact_body({"password": "p", "keep": ["the-listed-secret"]}, secrets=["the-listed-secret"]) == {
        "password": REDACTED,
        "keep": [REDACTED],
    }


def test_short_listed_values_are_not_treated_as_secrets() -> None:
    assert redact_body("a b c", "text/plain", secrets=["a"]) == "a b c"


def test_urls() -> None:
    assert redact_url("https://h/p?access_token=t&x=1&client_secret=s") == (
        "https://h/p?access_token=[REDACTED]&x=1&client_secret=[REDACTED]"
    )
    assert redact_url("https://h/p/listed-value-1", secrets=["listed-value-1"]) == "https://h/p/[REDACTED]"


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("https://user:s3cret@h.example/p?x=1", "https://[REDACTED]@h.example/p?x=1"),
        ("https://apikey-only@h.example:8443/p", "https://[REDACTED]@h.example:8443/p"),
        ("http://h.example/p?to=a@b.example", "http://h.example/p?to=a%40b.example"),
    ],
)
def test_user_info_in_a_url_is_redacted(url: str, shown: str) -> None:
    assert redact_url(url) == shown


def test_user_info_in_urls_quoted_by_text_is_redacted() -> None:
    text = "400 Client Error: Bad Request for url: https://deploy:pa55word@api.example/v1 (see http://docs.example/a@b)"
    assert redact_text(text) == (
        "400 Client Error: Bad Request for url: https://[REDACTED]@api.example/v1 (see http://docs.example/a@b)"
    )


def test_a_network_error_names_the_host_without_the_user_info() -> None:
    import requests

    from framework.http.network_errors import describe_network_error

    request = requests.Request("GET", "http://deploy:pa55word@127.0.0.1:9/x").prepare()
    error = requests.ConnectionError(ConnectionRefusedError(111, "Connection refused"), request=request)
    assert describe_network_error(error) == "could not reach 127.0.0.1:9: [Errno 111] Connection refused"


def _walked_in_full(text: str, secrets: list[str]) -> str:
    """What a JSON body redacted to before the whole-text shortcut: every string searched."""
    from framework.http.redaction import _redact_structure, redact_text

    walked = json.dumps(_redact_structure(json.loads(text), secrets), ensure_ascii=False, separators=(",", ":"))
    return redact_text(walked, secrets)


_SECRETS = ["t0ken-abc", "sec ret/+é", "short"[:3]]


@pytest.mark.parametrize(
    "text",
    [
        '{"email":"a@example.com","website":"https://example.com","n":1}',  # nothing to redact
        '{"note":"t0ken-abc"}',  # a listed secret, raw
        '{"note":"sec+ret%2F%2B%C3%A9"}',  # URL-encoded
        '{"note":"sec ret/+\\u00e9"}',  # JSON-escaped inside the text: only the walk can see it
        '{"note":"\\u0074\\u0030ken-abc"}',  # the secret spelled with escapes
        '{"site":"https://user:pw@example.com/x"}',  # user info in one string
        '{"a":"https://x","b":"y@z"}',  # user info only across two strings
        '{"refresh_token":"abc","nested":{"list":[{"password":"p"},{"ok":"v"}]},"x":null}',  # secret keys
        '{"client_secret":null,"items":["t0ken-abc","plain"]}',
        '{"text":"line\\nbreak","tab":"\\t"}',  # escapes, nothing secret
        '[1, 2.5, true, null, "x"]',  # not canonical spacing: re-dumped as the walk does
        '{"é":"ü","big":12345678901234567890}',
    ],
)
def test_a_json_body_redacts_as_a_full_walk_does(text: str) -> None:
    for secrets in (_SECRETS, []):
        assert redact_body(text, "application/json", secrets) == _walked_in_full(text, secrets)
        assert redact_body(text.encode(), "application/json", secrets) == _walked_in_full(text, secrets)


@pytest.mark.parametrize(
    "text",
    ["plain", "t0ken-abc inside", "x sec+ret%2F%2B%C3%A9 y", 'q "sec ret/+\\u00e9"', "https://u:p@h/ and t0ken-abc"],
)
def test_redact_text_replaces_every_form_of_every_secret(text: str) -> None:
    expected = text
    if "@" in expected and "://" in expected:
        expected = expected.replace("u:p@", "[REDACTED]@")
    for secret in _SECRETS[:2]:
        for form in (secret, "sec+ret%2F%2B%C3%A9" if secret.startswith("sec") else secret, json.dumps(secret)[1:-1]):
            expected = expected.replace(form, "[REDACTED]")
    assert redact_text(text, _SECRETS) == expected


@pytest.mark.parametrize(
    "value",
    [
        {"email": "a@example.com", "website": "https://example.com", "zip": "94107", "n": 1, "f": 2.5},
        {"note": "t0ken-abc"},  # a listed secret
        {"note": "sec ret/+é"},  # one that JSON escapes nothing of
        {"site": "https://user:pw@example.com/x"},
        {"a": "https://x", "b": "y@z"},
        {"refresh_token": "abc", "nested": {"list": [{"password": "p"}, {"ok": "v"}]}, "x": None},
        {"apiKey": "k", "Authorization": "Bearer x"},
        {"text": "line\nbreak", "quote": '"'},  # escapes
        {1: "a", "1": "b"},  # two keys written alike: the parser keeps one
        {True: 1, "true": 2, None: 3, "null": 4, 1.5: 5, "1.5": 6},
        {"10": 1, "2": 2, "b": 3},  # reordered as JavaScript does
        [1, 2.0, 1e-07, 1e300, float("inf"), True, None, "x", {"é": "ü"}],
        "just a string",
        12345678901234567890,
    ],
)
def test_a_body_the_client_wrote_redacts_as_a_full_walk_does(value: Any) -> None:
    from framework.http.json_body import dumps_json

    text = dumps_json(value)
    for secrets in (_SECRETS, []):
        expected = _walked_in_full(text, secrets)
        assert redact_body(text, "application/json", secrets, compact_json=True) == expected
        assert redact_body(text.encode(), "application/json", secrets, compact_json=True) == expected


def test_only_the_body_the_client_wrote_is_taken_as_compact() -> None:
    from framework.http.redaction import compact_json_of, mark_compact_json

    request = requests.Request("POST", "https://example.com", data=b'{"a": 1}').prepare()
    assert not compact_json_of(request)
    mark_compact_json(request, b'{"a":1}')  # another bytes object than the body sent
    assert not compact_json_of(request)
    assert isinstance(request.body, bytes)
    mark_compact_json(request, request.body)
    assert compact_json_of(request)
    request.body = b'{"a": 2}'  # a hook replaced the body after the client wrote it
    assert not compact_json_of(request)


def test_a_json_body_posted_as_text_is_redacted_as_before() -> None:
    from framework.delivery.dry_run import dry_run_session
    from framework.http import RequestClient

    client = RequestClient(session=dry_run_session())
    client.post("https://example.com/x", data='{"a": 1, "password": "p"}', headers={"Content-Type": "application/json"})
    client.post("https://example.com/x", json={"a": 1, "b": [2.0]})
    assert [exchange.body for exchange in client.exchanges] == ['{"a":1,"password":"[REDACTED]"}', '{"a":1,"b":[2]}']
