"""The emulator's Import API: status transitions, counts, the errors file, limits, and every call counted."""

import csv
import io
from typing import Any

import pytest
import requests

from destinations.pardot.api_usage import ApiUsage, parse_api_usage
from destinations.pardot.emulator import DEFAULT_ACCESS_TOKEN, DEFAULT_BUSINESS_UNIT, PardotEmulator
from destinations.pardot.emulator.imports import MAX_BATCHES

HEADERS = {"Authorization": f"Bearer {DEFAULT_ACCESS_TOKEN}", "Pardot-Business-Unit-Id": DEFAULT_BUSINESS_UNIT}


def call(emulator: PardotEmulator, method: str, path: str, **kwargs: Any) -> requests.Response:
    headers = {**HEADERS, **kwargs.pop("headers", {})}
    return requests.request(method, emulator.base_url + "/api/v5/imports" + path, headers=headers, **kwargs)


def new_import(emulator: PardotEmulator) -> int:
    created = call(emulator, "POST", "", json={"operation": "Upsert", "object": "Prospect"})
    assert created.status_code == 201 and created.json()["status"] == "Open"
    return created.json()["id"]


def test_an_import_moves_open_waiting_processing_complete_and_counts_its_rows(emulator: PardotEmulator) -> None:
    emulator.seed_prospect("old@example.com", firstName="Old")
    emulator.app.imports.polls_per_step = 2
    import_id = new_import(emulator)
    rows = "email,firstName,Tier__c\nold@example.com,,gold\nnew@example.com,New,\nbad,Bad,\nx@example.com,X,\n"
    assert (
        call(emulator, "POST", f"/{import_id}/batches", data=rows, headers={"Content-Type": "text/csv"}).status_code
        == 204
    )
    assert call(emulator, "PATCH", f"/{import_id}", json={"status": "Ready"}).json()["status"] == "Waiting"
    seen = [call(emulator, "GET", f"/{import_id}").json()["status"] for _ in range(4)]
    assert seen == ["Waiting", "Processing", "Processing", "Complete"]
    record = call(emulator, "GET", f"/{import_id}").json()
    assert (record["createdCount"], record["updatedCount"], record["errorCount"]) == (2, 1, 1)
    errors = list(csv.DictReader(io.StringIO(call(emulator, "GET", f"/{import_id}/errors").text)))
    assert errors == [{"email": "bad", "firstName": "Bad", "Tier__c": "", "error": "4: Invalid prospect email address"}]
    by_email = {p["email"]: p for p in emulator.prospects()}
    assert by_email["old@example.com"]["firstName"] == "Old"  # an empty cell leaves the field as it was
    assert by_email["old@example.com"]["Tier__c"] == "gold" and by_email["new@example.com"]["firstName"] == "New"
    assert emulator.quota_used() == 1 + 1 + 1 + 5 + 1  # create, batch, submit, five polls, errors file


def test_batches_are_limited_in_number_and_only_open_imports_take_them(emulator: PardotEmulator) -> None:
    import_id = new_import(emulator)
    for _ in range(MAX_BATCHES):
        assert call(emulator, "POST", f"/{import_id}/batches", data="email\na@example.com\n").status_code == 204
    eleventh = call(emulator, "POST", f"/{import_id}/batches", data="email\na@example.com\n")
    assert eleventh.status_code == 400 and eleventh.json()["code"] == 160
    assert call(emulator, "POST", f"/{import_id}/batches", data="").json()["code"] == 204
    call(emulator, "PATCH", f"/{import_id}", json={"status": "Ready"})
    assert call(emulator, "POST", f"/{import_id}/batches", data="email\na@example.com\n").json()["code"] == 155


@pytest.mark.parametrize(
    ("method", "path", "body", "status", "code"),
    [
        ("GET", "/9999", None, 404, 192),
        ("POST", "", {"operation": "Delete", "object": "Prospect"}, 400, 154),
        ("DELETE", "/501", None, 405, 60),
    ],
)
def test_import_requests_are_checked(
    emulator: PardotEmulator, method: str, path: str, body: Any, status: int, code: int
) -> None:
    new_import(emulator)
    answer = call(emulator, method, path, json=body)
    assert (answer.status_code, answer.json()["code"]) == (status, code)


def test_import_calls_share_the_daily_quota_with_upserts() -> None:
    with PardotEmulator(daily_limit=2) as emulator:
        new_import(emulator)
        call(emulator, "GET", "/501")
        refused = call(emulator, "GET", "/501")
        assert refused.json()["code"] == 122


def test_import_answers_report_api_usage_when_asked(emulator: PardotEmulator) -> None:
    answer = requests.post(
        emulator.base_url + "/api/v5/imports",
        json={"operation": "Upsert", "object": "Prospect"},
        headers={**HEADERS, "X-Return-Api-Usage": "1"},
    )
    assert parse_api_usage(answer.headers["x-api-usage"]) == ApiUsage(1, 100_000)


@pytest.mark.parametrize(
    ("text", "usage"),
    [
        ("1200/25000", ApiUsage(1200, 25000)),
        (" 3 / 5 ", ApiUsage(3, 5)),
        ("26000/25000", ApiUsage(26000, 25000)),
        (None, None),
        ("", None),
        ("12", None),
        ("a/b", None),
    ],
)
def test_parse_api_usage(text: str | None, usage: ApiUsage | None) -> None:
    assert parse_api_usage(text) == usage
    if usage is not None:
        assert usage.remaining == max(usage.limit - usage.used, 0)
