"""``user_data`` (names to codes, then the kit's hashing) and where the access token comes from."""

from __future__ import annotations

import hashlib

import pytest

from destinations.facebook_conversions_api import TOKEN_VARIABLE, bearer_token
from destinations.facebook_conversions_api.user_data import hashed_user_data
from framework.definition import ExecuteInput
from framework.errors import IntegrationError


def sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def test_state_and_country_names_become_codes_before_hashing() -> None:
    body = hashed_user_data({"state": "New York", "country": "United States", "city": "Bavaria"})
    assert body == {"st": sha("ny"), "country": sha("us"), "ct": sha("bavaria")}


def test_unknown_names_are_hashed_compacted_and_already_hashed_values_pass() -> None:
    digest = sha("someone@example.com")
    body = hashed_user_data({"state": "Bavaria", "email": digest.upper(), "phone": ""})
    assert body == {"st": sha("bavaria"), "em": digest}


def test_external_ids_are_a_list_with_empty_ones_kept_as_empty_strings() -> None:
    assert hashed_user_data({"externalId": " AB c "}) == {"external_id": [sha("abc")]}
    assert hashed_user_data({"externalId": ["", "x"]}) == {"external_id": ["", sha("x")]}
    assert hashed_user_data({"externalId": []}) == {}


def test_plain_keys_are_renamed_not_hashed() -> None:
    body = hashed_user_data({"subscriptionID": "s-1", "leadID": 7, "madId": "m", "client_user_agent": "UA"})
    assert body == {"client_user_agent": "UA", "subscription_id": "s-1", "lead_id": 7, "madid": "m"}


def _input(settings: dict[str, object]) -> ExecuteInput:
    return ExecuteInput(settings=settings, payload={})


def test_the_token_setting_wins_over_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(TOKEN_VARIABLE, "from-env")
    assert bearer_token(_input({"token": "from-setting"})) == {"headers": {"authorization": "Bearer from-setting"}}
    assert bearer_token(_input({})) == {"headers": {"authorization": "Bearer from-env"}}


def test_without_any_token_nothing_is_sent_and_the_message_says_what_to_set(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(TOKEN_VARIABLE, raising=False)
    with pytest.raises(IntegrationError, match=f"token setting or {TOKEN_VARIABLE}"):
        bearer_token(_input({"pixelId": "1"}))
