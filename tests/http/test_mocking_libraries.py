"""``responses``, ``requests-mock`` and ``vcrpy`` see a destination's requests despite the DirectAdapter.

Each test sends one identify through the real Pardot instance (fixtures/instances/pardot.toml) as a
destination author's test would; before the transport check, all three saw no request and the send
went to the network.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests_mock
import responses
import vcr  # type: ignore[import-untyped]

from destinations.pardot.emulator import PardotEmulator
from framework.http.transport_patches import transport_is_patched
from framework.instance import DestinationInstance
from framework.testing import create_test_event

INSTANCE = Path(__file__).resolve().parents[2] / "fixtures" / "instances" / "pardot.toml"
UPSERT_URL = "https://pi.pardot.com/api/v5/objects/prospects/do/upsertLatestByEmail"


@pytest.fixture
def instance() -> Iterator[DestinationInstance]:
    with DestinationInstance.from_file(INSTANCE) as loaded:
        yield loaded


def identify(email: str = "ada@example.com") -> dict:
    return create_test_event(type="identify", traits={"email": email, "first_name": "Ada"})


def test_responses_sees_the_upsert(instance: DestinationInstance) -> None:
    with responses.RequestsMock() as mock:
        mock.post(UPSERT_URL, json={"id": 42, "email": "ada@example.com"})
        result = instance.send(identify())[0]  # the upsert on identify; the other subscription is for track
        assert len(mock.calls) == 1
        body = mock.calls[0].request.body
        assert isinstance(body, bytes)
        sent = json.loads(body)
    assert result.status == "delivered", result
    assert sent["matchEmail"] == "ada@example.com"
    assert sent["prospect"]["email"] == "ada@example.com"


def test_requests_mock_sees_the_upsert(instance: DestinationInstance) -> None:
    with requests_mock.Mocker() as mock:
        upsert = mock.post(UPSERT_URL, json={"id": 42, "email": "ada@example.com"})
        result = instance.send(identify())[0]  # the upsert on identify; the other subscription is for track
    assert result.status == "delivered", result
    assert upsert.call_count == 1
    assert upsert.last_request.json()["matchEmail"] == "ada@example.com"
    assert upsert.last_request.headers["Authorization"] == "Bearer emulator-access-token"


def test_vcrpy_records_against_a_loopback_server_and_replays(tmp_path: Path) -> None:
    cassette = tmp_path / "upsert.yaml"
    with PardotEmulator() as emulator:
        with DestinationInstance.from_file(INSTANCE, endpoint=emulator.base_url) as recording:
            with vcr.use_cassette(str(cassette), record_mode="once") as recorded:
                first = recording.send(identify())[0]
        endpoint = emulator.base_url
        assert len(emulator.requests()) == 1
    assert first.status == "delivered", first
    assert len(recorded) == 1
    assert "upsertLatestByEmail" in recorded.requests[0].uri

    with DestinationInstance.from_file(INSTANCE, endpoint=endpoint) as replaying:  # the emulator is gone
        with vcr.use_cassette(str(cassette), record_mode="none") as replayed:
            again = replaying.send(identify())[0]
    assert again.status == "delivered", again
    assert replayed.play_count == 1


@pytest.mark.parametrize(
    "mocking",
    [responses.RequestsMock, requests_mock.Mocker, lambda: vcr.use_cassette("unused.yaml", record_mode="none")],
    ids=["responses", "requests-mock", "vcrpy"],
)
def test_the_transport_check_sees_each_library_only_while_it_is_active(mocking: object) -> None:
    assert not transport_is_patched()
    with mocking(assert_all_requests_are_fired=False) if mocking is responses.RequestsMock else mocking():  # type: ignore[operator]
        assert transport_is_patched()
    assert not transport_is_patched()
