"""A TOML instance sending to the Pardot emulator over loopback HTTP, as `actions replay --emulator` does."""

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from destinations.pardot.emulator import (
    DEFAULT_ACCESS_TOKEN,
    DEFAULT_BUSINESS_UNIT,
    DEFAULT_CLIENT_ID,
    DEFAULT_CLIENT_SECRET,
    DEFAULT_REFRESH_TOKEN,
    TOKEN_PATH,
    PardotEmulator,
)
from framework.errors import Resolution
from framework.instance import DestinationInstance, InstanceConfigError, SubscriptionStatus
from framework.testing import create_test_event

INSTANCE = f'''
destination = "actions-pardot"

[settings]
businessUnitID = "{DEFAULT_BUSINESS_UNIT}"
accountID = "1041922"

[auth]
access_token = "{DEFAULT_ACCESS_TOKEN}"
refresh_token = "{DEFAULT_REFRESH_TOKEN}"
client_id = "{DEFAULT_CLIENT_ID}"
client_secret = "${{TEST_PARDOT_CLIENT_SECRET}}"

[[subscriptions]]
name = "Upsert prospects on identify"
subscribe = 'type = "identify"'
action = "prospects"
'''


@pytest.fixture
def emulator() -> Iterator[PardotEmulator]:
    with PardotEmulator() as running:
        yield running


@pytest.fixture
def instance(
    tmp_path: Path, emulator: PardotEmulator, monkeypatch: pytest.MonkeyPatch
) -> Iterator[DestinationInstance]:
    monkeypatch.setenv("TEST_PARDOT_CLIENT_SECRET", DEFAULT_CLIENT_SECRET)
    path = tmp_path / "pardot.toml"
    path.write_text(INSTANCE)
    with DestinationInstance.from_file(path, endpoint=emulator.base_url) as loaded:
        yield loaded


def identify(email: str) -> dict:
    return create_test_event(type="identify", traits={"email": email, "first_name": "Ada"})


def token_requests(emulator: PardotEmulator) -> int:
    return sum(1 for request in emulator.requests() if request.path == TOKEN_PATH)


def test_default_mappings_deliver_a_prospect(instance: DestinationInstance, emulator: PardotEmulator) -> None:
    [result] = instance.send(identify("ada@example.com"))
    assert (result.status, result.http_status, result.resolution) == (
        SubscriptionStatus.DELIVERED,
        200,
        Resolution.SUCCESS,
    )
    assert result.payload["email"] == "ada@example.com" and result.payload["firstName"] == "Ada"
    assert [p["email"] for p in emulator.prospects()] == ["ada@example.com"]
    assert "Bearer [REDACTED]" in str(result.exchanges[0].headers)


def test_an_expired_token_is_refreshed_once_and_the_event_delivered(
    instance: DestinationInstance, emulator: PardotEmulator
) -> None:
    emulator.expire_tokens()
    [result] = instance.send(identify("ada@example.com"))
    assert result.status is SubscriptionStatus.DELIVERED and result.attempts == 2
    assert [exchange.status for exchange in result.exchanges] == [401, 200]
    assert token_requests(emulator) == 1


def test_concurrent_sends_share_one_refresh(instance: DestinationInstance, emulator: PardotEmulator) -> None:
    emulator.expire_tokens()
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(lambda i: instance.send(identify(f"user{i}@example.com"))[0], range(4)))
    assert [r.status for r in results] == [SubscriptionStatus.DELIVERED] * 4
    assert token_requests(emulator) == 1


def test_a_pardot_instance_without_business_unit_says_which_setting_and_what_to_do(tmp_path: Path) -> None:
    path = tmp_path / "pardot.toml"
    path.write_text(
        INSTANCE.replace(f'businessUnitID = "{DEFAULT_BUSINESS_UNIT}"\n', "").replace(
            "${TEST_PARDOT_CLIENT_SECRET}", "secret"
        )
    )
    with pytest.raises(InstanceConfigError) as caught:
        DestinationInstance.from_file(path)
    [error] = caught.value.errors
    assert error.startswith(f"{path}:4: settings.businessUnitID: the required setting ")
    assert "is missing" in error and "Add businessUnitID under [settings]" in error


def test_code_66_answered_with_http_400_reports_both_statuses_and_the_body(
    instance: DestinationInstance, emulator: PardotEmulator
) -> None:
    emulator.inject("status", status=400, body={"code": 66, "message": "concurrent request limit"})
    [result] = instance.send(identify("ann@example.com"))
    assert (result.http_status, result.received_status, result.resolution) == (429, 400, Resolution.RATE_LIMITED)
    assert result.response_body is not None and '"code":66' in result.response_body.replace(" ", "")
    shown = result.to_dict()
    assert (shown["http_status"], shown["received_status"]) == (429, 400)
    assert shown["response_body"] == result.response_body
