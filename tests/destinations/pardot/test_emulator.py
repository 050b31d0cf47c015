"""The Pardot emulator over real HTTP on loopback: upsert semantics, auth, limits and faults."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import requests

from destinations.pardot.emulator import (
    DEFAULT_ACCESS_TOKEN,
    DEFAULT_BUSINESS_UNIT,
    DEFAULT_CLIENT_ID,
    DEFAULT_CLIENT_SECRET,
    DEFAULT_REFRESH_TOKEN,
    TOKEN_PATH,
    UPSERT_PATH,
    PardotEmulator,
    main,
    serve,
)

HEADERS = {"Authorization": f"Bearer {DEFAULT_ACCESS_TOKEN}", "Pardot-Business-Unit-Id": DEFAULT_BUSINESS_UNIT}
REFRESH_FORM = {
    "refresh_token": DEFAULT_REFRESH_TOKEN,
    "client_id": DEFAULT_CLIENT_ID,
    "client_secret": DEFAULT_CLIENT_SECRET,
    "grant_type": "refresh_token",
}


def upsert(
    emulator: PardotEmulator,
    match: str,
    prospect: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
    **body: Any,
) -> requests.Response:
    payload = {"matchEmail": match, "prospect": prospect if prospect is not None else {"email": match}, **body}
    return requests.post(emulator.base_url + UPSERT_PATH, json=payload, headers=headers or HEADERS, timeout=10)


def refresh(emulator: PardotEmulator, **overrides: str) -> requests.Response:
    return requests.post(emulator.base_url + TOKEN_PATH, data={**REFRESH_FORM, **overrides}, timeout=10)


def error_code(response: requests.Response) -> int:
    return int(response.json()["code"])


# -- upsert semantics --------------------------------------------------------------------------------


def test_upsert_creates_then_updates_the_same_prospect(emulator: PardotEmulator) -> None:
    first = upsert(emulator, "ann@example.com", {"email": "ann@example.com", "firstName": "Ann"})
    second = upsert(emulator, "ann@example.com", {"company": "Acme", "Tier__c": "gold"})
    assert first.status_code == second.status_code == 200
    assert first.json()["id"] == second.json()["id"]
    [prospect] = emulator.prospects()
    assert (prospect["firstName"], prospect["company"], prospect["Tier__c"]) == ("Ann", "Acme", "gold")


def test_email_match_is_case_sensitive(emulator: PardotEmulator) -> None:
    upsert(emulator, "Ann@example.com")
    upsert(emulator, "ann@example.com")
    assert sorted(p["email"] for p in emulator.prospects()) == ["Ann@example.com", "ann@example.com"]


def test_several_matches_update_the_one_with_latest_activity(emulator: PardotEmulator) -> None:
    old = emulator.seed_prospect("dup@example.com", last_activity_at="2024-01-01T00:00:00+00:00")
    recent = emulator.seed_prospect("dup@example.com", last_activity_at="2025-06-01T00:00:00+00:00")
    response = upsert(emulator, "dup@example.com", {"firstName": "Latest"})
    assert response.json()["id"] == recent
    by_id = {p["id"]: p for p in emulator.prospects()}
    assert by_id[recent]["firstName"] == "Latest" and "firstName" not in by_id[old]


def test_live_prospect_wins_over_deleted_one(emulator: PardotEmulator) -> None:
    emulator.seed_prospect("x@example.com", deleted=True, last_activity_at="2026-01-01T00:00:00+00:00")
    live = emulator.seed_prospect("x@example.com", last_activity_at="2020-01-01T00:00:00+00:00")
    assert upsert(emulator, "x@example.com", secondaryDeletedSearch=True).json()["id"] == live


def test_deleted_prospect_is_undeleted_with_secondary_deleted_search(emulator: PardotEmulator) -> None:
    deleted = emulator.seed_prospect("gone@example.com", deleted=True)
    response = upsert(emulator, "gone@example.com", {"lastName": "Back"}, secondaryDeletedSearch=True)
    assert response.json()["id"] == deleted
    [prospect] = emulator.prospects()
    assert prospect["isDeleted"] is False and prospect["lastName"] == "Back"


def test_deleted_prospect_is_ignored_without_secondary_deleted_search(emulator: PardotEmulator) -> None:
    deleted = emulator.seed_prospect("gone@example.com", deleted=True)
    response = upsert(emulator, "gone@example.com", secondaryDeletedSearch=False)
    assert response.json()["id"] != deleted
    assert [p["isDeleted"] for p in emulator.prospects()] == [True, False]


def test_deleted_prospects_are_ignored_without_ampsea() -> None:
    with PardotEmulator(ampsea=False) as emulator:
        deleted = emulator.seed_prospect("gone@example.com", deleted=True)
        assert upsert(emulator, "gone@example.com", secondaryDeletedSearch=True).json()["id"] != deleted


def test_prospect_email_changes_the_address(emulator: PardotEmulator) -> None:
    original = upsert(emulator, "old@example.com").json()["id"]
    changed = upsert(emulator, "old@example.com", {"email": "new@example.com"})
    assert changed.json() == {"id": original, "email": "new@example.com"}
    assert [p["email"] for p in emulator.prospects()] == ["new@example.com"]


def test_requested_fields_are_returned(emulator: PardotEmulator) -> None:
    response = upsert(emulator, "f@example.com", {"firstName": "F"}, fields=["firstName", "isDeleted"])
    assert response.json()["firstName"] == "F" and response.json()["isDeleted"] is False


@pytest.mark.parametrize(
    "prospect",
    [{"Tier": "x"}, {"Unknown__c": "x"}, {"id": 5}, {"createdAt": "2020-01-01"}],
    ids=["no __c suffix", "undefined custom field", "read-only id", "read-only createdAt"],
)
def test_unknown_or_read_only_fields_answer_code_180(emulator: PardotEmulator, prospect: dict[str, Any]) -> None:
    response = upsert(emulator, "f@example.com", prospect)
    assert (response.status_code, error_code(response)) == (400, 180)
    assert emulator.prospects() == []


def test_custom_fields_must_end_in_double_underscore_c(emulator: PardotEmulator) -> None:
    with pytest.raises(ValueError, match="__c"):
        emulator.add_custom_field("Tier")
    emulator.add_custom_field("Region__c")
    assert upsert(emulator, "r@example.com", {"Region__c": "EU"}).status_code == 200


@pytest.mark.parametrize(
    ("match", "prospect"),
    [("not-an-email", None), ("ok@example.com", {"email": "no at sign"}), ("a b@example.com", None),
     ("x" * 250 + "@example.com", None)],
)  # fmt: skip
def test_invalid_email_answers_code_4(emulator: PardotEmulator, match: str, prospect: dict[str, Any] | None) -> None:
    response = upsert(emulator, match, prospect)
    assert (response.status_code, error_code(response)) == (400, 4)


# -- request shape -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "content_type", "code"),
    [
        ('{"matchEmail": "a@example.com", "prospect": {}}', "text/plain", 151),
        ("", "application/json", 152),
        ("{not json", "application/json", 150),
        ('["a"]', "application/json", 150),
        ('{"matchEmail": "a@example.com"}', "application/json", 207),
        ('{"prospect": {}}', "application/json", 207),
        ('{"matchEmail": 5, "prospect": {}}', "application/json", 206),
        ('{"matchEmail": "a@example.com", "prospect": []}', "application/json", 206),
        ('{"matchEmail": "a@example.com", "prospect": {}, "secondaryDeletedSearch": "yes"}', "application/json", 206),
        ('{"matchEmail": "a@example.com", "prospect": {}, "extra": 1}', "application/json", 208),
    ],
)
def test_malformed_bodies_are_refused(emulator: PardotEmulator, body: str, content_type: str, code: int) -> None:
    response = requests.post(
        emulator.base_url + UPSERT_PATH,
        data=body.encode(),
        headers={**HEADERS, "Content-Type": content_type},
        timeout=10,
    )
    assert (response.status_code, error_code(response)) == (400, code)


def test_wrong_method_and_unknown_path(emulator: PardotEmulator) -> None:
    wrong_method = requests.get(emulator.base_url + UPSERT_PATH, headers=HEADERS, timeout=10)
    unknown = requests.post(emulator.base_url + "/api/v5/objects/nothing", json={}, headers=HEADERS, timeout=10)
    assert (wrong_method.status_code, error_code(wrong_method)) == (405, 60)
    assert (unknown.status_code, error_code(unknown)) == (404, 192)


def test_responses_carry_pardot_headers_and_api_usage(emulator: PardotEmulator) -> None:
    response = upsert(emulator, "u@example.com", headers={**HEADERS, "X-Return-Api-Usage": "1"})
    assert response.headers["Server"] == "PardotServer"
    assert response.headers["x-api-usage"] == "1/100000"


# -- authentication and business units ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("headers", "status", "code"),
    [
        ({"Pardot-Business-Unit-Id": DEFAULT_BUSINESS_UNIT}, 401, 49),
        ({"Authorization": "Basic abc", "Pardot-Business-Unit-Id": DEFAULT_BUSINESS_UNIT}, 401, 49),
        ({"Authorization": "Bearer nope", "Pardot-Business-Unit-Id": DEFAULT_BUSINESS_UNIT}, 401, 184),
        ({"Authorization": f"Bearer {DEFAULT_ACCESS_TOKEN}"}, 400, 181),
        ({"Authorization": f"Bearer {DEFAULT_ACCESS_TOKEN}", "Pardot-Business-Unit-Id": "0Uv999"}, 403, 201),
    ],
    ids=["no authorization", "not bearer", "unknown token", "no business unit", "unknown business unit"],
)
def test_authentication_failures(emulator: PardotEmulator, headers: dict[str, str], status: int, code: int) -> None:
    response = upsert(emulator, "a@example.com", headers=headers)
    assert (response.status_code, error_code(response)) == (status, code)


def test_business_unit_on_the_wrong_host_answers_code_201() -> None:
    with PardotEmulator(business_units={"0Uv00000000000SAND": "sandbox"}) as emulator:
        unit = {"Pardot-Business-Unit-Id": "0Uv00000000000SAND", "Authorization": HEADERS["Authorization"]}
        production = upsert(emulator, "a@example.com", headers={**unit, "Host": "pi.pardot.com"})
        sandbox = upsert(emulator, "a@example.com", headers={**unit, "Host": "pi.demo.pardot.com"})
    assert (production.status_code, error_code(production)) == (403, 201)
    assert sandbox.status_code == 200


def test_expired_token_answers_184_until_refreshed(emulator: PardotEmulator) -> None:
    emulator.expire_tokens()
    expired = upsert(emulator, "a@example.com")
    grant = refresh(emulator)
    fresh = {**HEADERS, "Authorization": f"Bearer {grant.json()['access_token']}"}
    assert (expired.status_code, error_code(expired)) == (401, 184)
    assert grant.status_code == 200 and grant.json()["token_type"] == "Bearer"
    assert len(grant.json()["issued_at"]) == 13  # milliseconds, as Salesforce sends them
    assert upsert(emulator, "a@example.com", headers=fresh).status_code == 200


@pytest.mark.parametrize(
    ("overrides", "error", "description"),
    [
        ({"grant_type": "password"}, "unsupported_grant_type", "grant type not supported"),
        ({"client_id": "who"}, "invalid_client_id", "client identifier invalid"),
        ({"client_secret": "wrong"}, "invalid_client", "invalid client credentials"),
        ({"refresh_token": "revoked"}, "invalid_grant", "expired access/refresh token"),
    ],
)
def test_token_endpoint_errors(
    emulator: PardotEmulator, overrides: dict[str, str], error: str, description: str
) -> None:
    response = refresh(emulator, **overrides)
    assert response.status_code == 400
    assert response.json() == {"error": error, "error_description": description}


def test_client_credentials_may_come_in_basic_auth(emulator: PardotEmulator) -> None:
    form = {"grant_type": "refresh_token", "refresh_token": DEFAULT_REFRESH_TOKEN}
    response = requests.post(
        emulator.base_url + TOKEN_PATH, data=form, auth=(DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET), timeout=10
    )
    assert response.status_code == 200


def test_rotation_replaces_the_refresh_token() -> None:
    with PardotEmulator(rotate_refresh_tokens=True) as emulator:
        rotated = refresh(emulator).json()["refresh_token"]
        stale = refresh(emulator)
        renewed = refresh(emulator, refresh_token=rotated)
    assert stale.json()["error"] == "invalid_grant" and renewed.status_code == 200


def test_concurrent_refresh_of_one_token_is_refused(emulator: PardotEmulator) -> None:
    emulator.pause()
    with ThreadPoolExecutor(1) as pool:
        first = pool.submit(refresh, emulator)
        assert emulator.wait_for_refreshes(1)
        second = refresh(emulator)
        emulator.resume()
        assert first.result().status_code == 200
    assert second.json() == {"error": "invalid_grant", "error_description": "token request is already being processed"}


# -- limits ----------------------------------------------------------------------------------------------


def test_sixth_concurrent_request_answers_code_66(emulator: PardotEmulator) -> None:
    emulator.pause()
    with ThreadPoolExecutor(5) as pool:
        held = [pool.submit(upsert, emulator, f"c{i}@example.com") for i in range(5)]
        assert emulator.wait_for_in_flight(5)
        sixth = upsert(emulator, "c6@example.com")
        emulator.resume()
        assert [f.result().status_code for f in held] == [200] * 5
    assert (sixth.status_code, error_code(sixth)) == (400, 66)
    assert emulator.in_flight() == 0


def test_daily_quota_answers_code_122_until_the_next_day() -> None:
    now = [datetime(2026, 3, 1, 23, 0, tzinfo=UTC)]
    with PardotEmulator(daily_limit=2, clock=lambda: now[0]) as emulator:
        statuses = [upsert(emulator, "q@example.com").status_code for _ in range(2)]
        over = upsert(emulator, "q@example.com")
        now[0] += timedelta(hours=1)
        next_day = upsert(emulator, "q@example.com")
    assert statuses == [200, 200]
    assert (over.status_code, error_code(over)) == (429, 122)
    assert next_day.status_code == 200


def test_quota_used_counts_todays_calls_per_business_unit() -> None:
    now = [datetime(2026, 3, 1, 23, 0, tzinfo=UTC)]
    with PardotEmulator(clock=lambda: now[0]) as emulator:
        upsert(emulator, "q@example.com")
        upsert(emulator, "q@example.com")
        today = emulator.quota_used()
        now[0] += timedelta(hours=1)
        tomorrow = emulator.quota_used(DEFAULT_BUSINESS_UNIT)
    assert (today, tomorrow) == (2, 0)


# -- injected faults ---------------------------------------------------------------------------------------


def test_status_fault_answers_the_next_requests_then_stops(emulator: PardotEmulator) -> None:
    emulator.inject("status", status=503, count=2)
    statuses = [upsert(emulator, "s@example.com").status_code for _ in range(3)]
    assert statuses == [503, 503, 200]


def test_cleared_faults_never_fire(emulator: PardotEmulator) -> None:
    emulator.inject("status", status=503, count=2)
    emulator.clear_faults()
    assert upsert(emulator, "c@example.com").status_code == 200


def test_rate_limit_fault_sends_retry_after(emulator: PardotEmulator) -> None:
    emulator.inject("rate_limit", retry_after="7")
    response = upsert(emulator, "r@example.com")
    assert (response.status_code, response.headers["Retry-After"]) == (429, "7")


def test_xml_auth_fault_answers_legacy_xml(emulator: PardotEmulator) -> None:
    emulator.inject("xml_auth", status=400)
    response = upsert(emulator, "x@example.com")
    assert response.status_code == 400
    assert response.headers["Content-Type"].startswith("text/xml")
    assert '<rsp stat="fail"' in response.text


def test_reset_fault_drops_the_connection(emulator: PardotEmulator) -> None:
    emulator.inject("reset")
    with pytest.raises(requests.ConnectionError):
        upsert(emulator, "x@example.com")
    assert upsert(emulator, "x@example.com").status_code == 200


def test_timeout_fault_holds_the_answer_until_released(emulator: PardotEmulator) -> None:
    emulator.inject("timeout")
    with pytest.raises(requests.Timeout):
        requests.post(emulator.base_url + UPSERT_PATH, json={}, headers=HEADERS, timeout=0.2)
    emulator.release_timeouts()


def test_refresh_conflict_fault_on_the_token_endpoint(emulator: PardotEmulator) -> None:
    emulator.inject("refresh_conflict", target="token", description="expired authorization code")
    conflict = refresh(emulator)
    assert conflict.json() == {"error": "invalid_grant", "error_description": "expired authorization code"}
    assert refresh(emulator).status_code == 200


def test_unknown_fault_kind_is_refused(emulator: PardotEmulator) -> None:
    with pytest.raises(ValueError, match="unknown fault kind"):
        emulator.inject("gremlins")


# -- inspection over HTTP ------------------------------------------------------------------------------------


def test_inspection_endpoints(emulator: PardotEmulator) -> None:
    upsert(emulator, "i@example.com", {"firstName": "I"})
    prospects = requests.get(emulator.base_url + "/_emulator/prospects", timeout=10).json()
    received = requests.get(emulator.base_url + "/_emulator/requests", timeout=10).json()
    injected = requests.post(
        emulator.base_url + "/_emulator/faults", json={"kind": "status", "status": 502}, timeout=10
    )
    assert [p["firstName"] for p in prospects] == ["I"]
    assert [r["path"] for r in received] == [UPSERT_PATH]
    assert received[0]["headers"]["Pardot-Business-Unit-Id"] == DEFAULT_BUSINESS_UNIT
    assert injected.status_code == 201
    assert upsert(emulator, "i@example.com").status_code == 502


def test_emulator_restarts_and_stop_is_idempotent() -> None:
    emulator = PardotEmulator()
    first = emulator.start()
    emulator.stop()
    emulator.stop()
    second = emulator.start()
    try:
        assert upsert(emulator, "again@example.com").status_code == 200
    finally:
        emulator.stop()
    assert first.startswith("http://127.0.0.1:") and second.startswith("http://127.0.0.1:")


def test_latency_is_configurable(emulator: PardotEmulator) -> None:
    emulator.latency = 0.01
    assert emulator.latency == 0.01
    assert upsert(emulator, "l@example.com").status_code == 200


def test_threads_share_one_store(emulator: PardotEmulator) -> None:
    barrier = threading.Barrier(4)

    def send(i: int) -> int:
        barrier.wait()
        return upsert(emulator, "shared@example.com", {"firstName": f"T{i}"}).status_code

    with ThreadPoolExecutor(4) as pool:
        statuses = list(pool.map(send, range(4)))
    assert statuses == [200] * 4
    assert len(emulator.prospects()) == 1


# -- the command-line entry (``actions emulate pardot``) ------------------------------------------------------


def test_serve_prints_where_to_connect_and_stops(capsys: pytest.CaptureFixture[str]) -> None:
    stop = threading.Event()
    stop.set()  # returns as soon as it has started and printed
    serve("127.0.0.1", 0, stop=stop, custom_fields=["Tier__c"])
    printed = capsys.readouterr().out
    assert "emulator at http://127.0.0.1:" in printed and DEFAULT_BUSINESS_UNIT in printed


def test_main_parses_its_options() -> None:
    with pytest.raises(SystemExit) as exited:
        main(["--help"])
    assert exited.value.code == 0
    with pytest.raises(SystemExit) as refused:
        main(["--port", "not-a-number"])
    assert refused.value.code == 2


def test_a_taken_port_says_how_to_pick_another(capsys: pytest.CaptureFixture[str]) -> None:
    with PardotEmulator() as running:
        port = int(running.base_url.rsplit(":", 1)[1])
        assert main(["--port", str(port)]) == 1
    message = capsys.readouterr().err
    assert f"127.0.0.1:{port} is taken" in message and "--port 0" in message


def test_xml_auth_errors_switch_answers_every_auth_failure_in_xml() -> None:
    with PardotEmulator(xml_auth_errors=True) as emulator:
        emulator.expire_tokens()
        expired = upsert(emulator, "a@example.com")
        emulator.add_access_token("fresh")
        fresh = {**HEADERS, "Authorization": "Bearer fresh"}
        wrong_unit = upsert(emulator, "a@example.com", headers={**fresh, "Pardot-Business-Unit-Id": "0Uv999"})
        bad_email = upsert(emulator, "not-an-email", headers=fresh)
    assert (expired.status_code, wrong_unit.status_code) == (400, 403)
    assert all(r.headers["Content-Type"].startswith("text/xml") for r in (expired, wrong_unit))
    assert 'err code="184"' in expired.text and 'err code="201"' in wrong_unit.text
    assert error_code(bad_email) == 4  # only authentication failures change dialect


def test_root_lists_the_routes(emulator: PardotEmulator) -> None:
    index = requests.get(emulator.base_url + "/", timeout=10).json()
    assert "POST /api/v5/objects/prospects/do/upsertLatestByEmail" in index["routes"]
