"""Write keys as Segment takes them: HTTP Basic user name (empty password) or writeKey in the body."""

from __future__ import annotations

import base64

import pytest

from framework.intake import RequestRejected, WriteKeys, write_key_from_header


def basic(text: str) -> str:
    return "Basic " + base64.b64encode(text.encode()).decode()


def test_the_basic_user_name_is_the_write_key() -> None:
    assert write_key_from_header(basic("wk_live_1:")) == "wk_live_1"
    assert write_key_from_header(None) is None


@pytest.mark.parametrize(
    ("header", "says"),
    [
        ("Bearer abc", "Authorization: Bearer is not supported"),
        ("Basic %%%", "not valid HTTP Basic"),
    ],
)
def test_other_authorization_is_a_401(header: str, says: str) -> None:
    with pytest.raises(RequestRejected) as caught:
        write_key_from_header(header)
    assert caught.value.status == 401 and says in caught.value.message


def test_a_key_feeds_every_instance_that_names_it_and_an_unknown_key_is_a_401() -> None:
    keys = WriteKeys([("shared", "a"), ("shared", "b"), ("other", "c")])
    assert keys.targets("shared") == ["a", "b"]
    for wrong, says in (("nope", "not one this server knows"), (None, "no write key")):
        with pytest.raises(RequestRejected) as caught:
            keys.targets(wrong)
        assert caught.value.status == 401 and says in caught.value.message


def test_keys_are_never_shown() -> None:
    keys = WriteKeys([("wk_secret_value", 1)])
    assert "wk_secret_value" not in repr(keys) and "wk_secret_value" not in str(keys.by_key())
