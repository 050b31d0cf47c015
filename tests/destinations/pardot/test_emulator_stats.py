"""What the Pardot emulator reports about itself: stats, x-api-usage, its index, and instance start-up."""

from __future__ import annotations

import importlib
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
import requests

from destinations.pardot.emulator import (
    DEFAULT_ACCESS_TOKEN,
    DEFAULT_BUSINESS_UNIT,
    TOKEN_PATH,
    UPSERT_PATH,
    PardotEmulator,
    start_for_instance,
)
from destinations.pardot.emulator.for_instance import HOLDINGS_COLUMNS
from destinations.pardot.emulator.store import ProspectStore

HEADERS = {"Authorization": f"Bearer {DEFAULT_ACCESS_TOKEN}", "Pardot-Business-Unit-Id": DEFAULT_BUSINESS_UNIT}


def upsert(
    base_url: str, email: str, prospect: dict[str, Any] | None = None, headers: dict[str, str] | None = None
) -> requests.Response:
    body = {"matchEmail": email, "prospect": prospect if prospect is not None else {"email": email}}
    return requests.post(base_url + UPSERT_PATH, json=body, headers=headers or HEADERS, timeout=10)


# -- stats -------------------------------------------------------------------------------------------------


def test_stats_start_at_zero(emulator: PardotEmulator) -> None:
    assert emulator.stats() == {
        "api_calls": 0, "by_status": {}, "max_in_flight": {}, "in_flight_refused": 0,
        "prospects": {DEFAULT_BUSINESS_UNIT: 0}, "token_refreshes": 0, "faults_injected": {},
    }  # fmt: skip


def test_stats_count_calls_statuses_prospects_and_faults(emulator: PardotEmulator) -> None:
    upsert(emulator.base_url, "a@example.com")
    upsert(emulator.base_url, "a@example.com")
    upsert(emulator.base_url, "b@example.com")
    upsert(emulator.base_url, "not-an-email")
    upsert(emulator.base_url, "a@example.com", headers={**HEADERS, "Authorization": "Bearer nope"})
    emulator.inject("status", status=503)
    upsert(emulator.base_url, "c@example.com")
    requests.post(emulator.base_url + TOKEN_PATH, data={"grant_type": "password"}, timeout=10)  # refused
    over_http = requests.get(emulator.base_url + "/_emulator/stats", timeout=10).json()
    assert over_http == emulator.stats()
    assert over_http["api_calls"] == 6
    assert over_http["by_status"] == {"200": 3, "400": 1, "401": 1, "503": 1}
    assert over_http["prospects"] == {DEFAULT_BUSINESS_UNIT: 2}
    assert over_http["max_in_flight"] == {DEFAULT_BUSINESS_UNIT: 1}
    assert (over_http["faults_injected"], over_http["token_refreshes"]) == ({"503": 1}, 0)


def test_reset_stats_zeroes_the_counters_but_keeps_prospects(emulator: PardotEmulator) -> None:
    upsert(emulator.base_url, "kept@example.com")
    reset = requests.post(emulator.base_url + "/_emulator/reset-stats", timeout=10).json()
    assert (reset["api_calls"], reset["by_status"], reset["max_in_flight"]) == (0, {}, {})
    assert reset["prospects"] == {DEFAULT_BUSINESS_UNIT: 1}
    upsert(emulator.base_url, "kept@example.com")
    emulator.reset_stats()
    assert emulator.stats()["api_calls"] == 0


def hold_concurrent(emulator: PardotEmulator, count: int) -> tuple[dict[str, Any], list[int]]:
    """Stats while ``count`` upserts are held in the server (the sixth is refused at once), and statuses."""
    emulator.pause()
    held_count = min(count, 5)
    with ThreadPoolExecutor(held_count) as pool:
        held = [pool.submit(upsert, emulator.base_url, f"c{i}@example.com") for i in range(held_count)]
        assert emulator.wait_for_in_flight(held_count)
        extra = [upsert(emulator.base_url, f"x{i}@example.com").status_code for i in range(count - held_count)]
        stats = emulator.stats()
        emulator.resume()
        statuses = [f.result().status_code for f in held] + extra
    return stats, statuses


def test_five_concurrent_requests_peak_at_five(emulator: PardotEmulator) -> None:
    stats, statuses = hold_concurrent(emulator, 5)
    assert statuses == [200] * 5
    assert (stats["max_in_flight"], stats["in_flight_refused"]) == ({DEFAULT_BUSINESS_UNIT: 5}, 0)


def test_a_sixth_concurrent_request_peaks_at_six_and_is_refused(emulator: PardotEmulator) -> None:
    stats, statuses = hold_concurrent(emulator, 6)
    assert statuses == [200] * 5 + [400]
    assert (stats["max_in_flight"], stats["in_flight_refused"]) == ({DEFAULT_BUSINESS_UNIT: 6}, 1)
    assert emulator.stats()["by_status"] == {"200": 5, "400": 1}


def test_a_random_66_is_a_fault_not_a_gate_refusal() -> None:
    with PardotEmulator(faults="66:1") as emulator:
        response = upsert(emulator.base_url, "r@example.com")
        stats = emulator.stats()
    assert (response.status_code, response.json()["code"]) == (400, 66)
    assert (stats["in_flight_refused"], stats["faults_injected"]) == (0, {"66": 1})


def test_peaks_are_kept_per_business_unit() -> None:
    with PardotEmulator(business_units=["0Uv0000000000AAAAA", "0Uv0000000000BBBBB"]) as emulator:
        upsert(emulator.base_url, "u@example.com", headers={**HEADERS, "Pardot-Business-Unit-Id": "0Uv0000000000BBBBB"})
        stats = emulator.stats()
    assert stats["max_in_flight"] == {"0Uv0000000000BBBBB": 1}
    assert stats["prospects"] == {"0Uv0000000000AAAAA": 0, "0Uv0000000000BBBBB": 1}


# -- x-api-usage ------------------------------------------------------------------------------------------


def test_api_usage_is_reported_only_when_asked_and_counts() -> None:
    asking = {**HEADERS, "X-Return-Api-Usage": "true"}
    with PardotEmulator(daily_limit=3) as emulator:
        silent = upsert(emulator.base_url, "a@example.com")
        first = upsert(emulator.base_url, "a@example.com", headers=asking)
        refused_field = upsert(
            emulator.base_url, "a@example.com", {"Nope__c": 1}, headers={**asking, "X-Return-Api-Usage": "1"}
        )
        over_quota = upsert(emulator.base_url, "a@example.com", headers=asking)
        not_asked_false = upsert(emulator.base_url, "a@example.com", headers={**HEADERS, "X-Return-Api-Usage": "0"})
    assert "x-api-usage" not in silent.headers and "x-api-usage" not in not_asked_false.headers
    assert first.headers["x-api-usage"] == "2/3"
    assert (refused_field.status_code, refused_field.headers["x-api-usage"]) == (400, "3/3")
    assert (over_quota.json()["code"], over_quota.headers["x-api-usage"]) == (122, "3/3")


# -- the prospect index -----------------------------------------------------------------------------------


class CountedEmail(str):
    """An address that counts how often it is compared: a linear scan compares every stored one."""

    comparisons = 0

    def __eq__(self, other: object) -> bool:
        CountedEmail.comparisons += 1
        return str.__eq__(self, other)

    __hash__ = str.__hash__


def test_an_upsert_does_not_compare_against_every_stored_address() -> None:
    store = ProspectStore()
    for i in range(500):
        store.seed(CountedEmail(f"p{i}@example.com"))
    CountedEmail.comparisons = 0
    store.upsert("new@example.com", {}, secondary_deleted_search=True)
    store.upsert("p7@example.com", {"firstName": "Seven"}, secondary_deleted_search=True)
    assert CountedEmail.comparisons < 10
    assert store.count() == 501


def test_the_index_follows_an_address_change() -> None:
    store = ProspectStore()
    moved = store.upsert("old@example.com", {}, False).prospect["id"]
    assert store.upsert("old@example.com", {"email": "new@example.com"}, False).prospect["id"] == moved
    assert store.upsert("new@example.com", {"firstName": "N"}, False).prospect["id"] == moved
    assert store.upsert("old@example.com", {}, False).action == "created"
    assert store.upsert("Old@example.com", {}, False).action == "created"  # still byte for byte


# -- start_for_instance -------------------------------------------------------------------------------------

UNIT = "0Uv00000000000XAAA"
AUTH = {"access_token": "instance-token", "client_id": "cid", "client_secret": "csecret", "refresh_token": "rtok"}
SUBSCRIPTIONS = [{"mapping": {"email": {"@path": "$.traits.email"}, "customFields": {"Tier__c": "gold", "x": 1}}}]


def test_an_instance_started_emulator_accepts_the_instance_as_configured() -> None:
    running = start_for_instance({"businessUnitID": UNIT}, AUTH, SUBSCRIPTIONS, daily_limit=2)
    try:
        unit_headers = {"Authorization": "Bearer instance-token", "Pardot-Business-Unit-Id": UNIT}
        created = upsert(running.base_url, "i@example.com", {"firstName": "Ida", "Tier__c": "gold"}, unit_headers)
        grant = requests.post(
            running.base_url + TOKEN_PATH,
            timeout=10,
            data={
                "grant_type": "refresh_token",
                "refresh_token": "rtok",
                "client_id": "cid",
                "client_secret": "csecret",
            },
        )
        upsert(running.base_url, "j@example.com", None, unit_headers)
        over_quota = upsert(running.base_url, "k@example.com", None, unit_headers)  # daily_limit reached
        title, columns, rows = running.holdings()
        stats = running.stats()
    finally:
        running.stop()
        running.stop()
    assert (created.status_code, grant.status_code, over_quota.json()["code"]) == (200, 200, 122)
    assert title == "Prospects in the emulator: 2"
    assert columns == ["id", "email", "firstName", "lastName", "company", "jobTitle", "city", "Tier__c"]
    assert [row[1:3] + row[-1:] for row in rows] == [["i@example.com", "Ida", "gold"], ["j@example.com", None, None]]
    assert (stats["api_calls"], stats["token_refreshes"], stats["prospects"]) == (3, 1, {UNIT: 2})


def test_an_instance_without_a_business_unit_gets_the_default_one() -> None:
    running = start_for_instance({}, {}, [])
    try:
        assert upsert(running.base_url, "d@example.com").status_code == 200
        title, columns, rows = running.holdings()
        assert (title, columns) == ("Prospects in the emulator: 1", list(HOLDINGS_COLUMNS))
        assert [row[1] for row in rows] == [p["email"] for p in running.prospects()] == ["d@example.com"]
    finally:
        running.stop()


@pytest.mark.parametrize("name", ["fault_mix", "stats", "for_instance"])
def test_new_modules_declare_their_public_names(name: str) -> None:
    module = importlib.import_module(f"destinations.pardot.emulator.{name}")
    assert module.__doc__ and all(hasattr(module, attr) for attr in module.__all__)
