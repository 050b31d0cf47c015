"""The standard suite: it passes for a sound destination and fails, saying why, for each kind of fault."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from framework.errors import PayloadValidationError, Resolution
from framework.testing.sample import build_sample_destination
from framework.testing.standard_suite import DEFAULT_RESPONSE_CASES, ResponseCase, StandardDestinationTests

ROOT = Path(__file__).resolve().parents[2]
EVENTS = [{"type": "identify", "traits": {"email": "ada@example.com"}}, {"type": "track", "event": "Signed Up"}]


def suite(**overrides: Any) -> StandardDestinationTests:
    attributes = {
        "definition": build_sample_destination(),
        "settings": {"accountId": "acc-1"},
        "auth": {"accessToken": "AT"},
        "sample_events": EVENTS,
        **overrides,
    }
    return type("TestSampleStandard", (StandardDestinationTests,), attributes)()


def test_a_sound_destination_passes_every_standard_test() -> None:
    tests = suite()
    tests.test_definition_passes_the_static_checks()
    for action_key in tests.definition.actions:
        tests.test_default_mapping_maps_the_sample_events_to_a_valid_payload(action_key)
        tests.test_perform_builds_a_request(action_key)
    for case in DEFAULT_RESPONSE_CASES:
        tests.test_a_documented_response_is_classified(case)
    tests.test_the_catalog_page_is_in_sync()


def test_a_default_mapping_that_misses_a_required_field_fails() -> None:
    tests = suite(sample_events=[{"type": "identify", "traits": {}}])
    with pytest.raises(PayloadValidationError, match="email"):
        tests.test_default_mapping_maps_the_sample_events_to_a_valid_payload("upsert_contact")


def test_an_action_no_sample_event_triggers_fails_naming_the_trigger() -> None:
    tests = suite(sample_events=[{"type": "track"}])
    with pytest.raises(AssertionError, match="""no sample event matches action "upsert_contact"'s default trigger"""):
        tests.test_perform_builds_a_request("upsert_contact")


def test_a_response_classified_otherwise_than_documented_fails() -> None:
    case = ResponseCase("quota as 400", 400, Resolution.RATE_LIMITED, json={"code": "QUOTA"}, action="track_event")
    with pytest.raises(AssertionError, match="'quota as 400' \\(HTTP 400\\) should resolve to RATE_LIMITED"):
        suite().test_a_documented_response_is_classified(case)


def test_missing_settings_fail_by_name() -> None:
    with pytest.raises(PayloadValidationError, match="accountId"):
        suite(settings={}).test_perform_builds_a_request("track_event")


def test_a_stale_docs_page_fails_with_the_command_that_regenerates_it(tmp_path: Path) -> None:
    page = tmp_path / "actions-sample.md"
    page.write_text("# Sample\n", encoding="utf-8")
    with pytest.raises(AssertionError, match=f"actions describe actions-sample --markdown > {page}"):
        suite(docs_page=page).test_the_catalog_page_is_in_sync()


def test_the_suite_generates_one_test_per_action_and_per_response_case() -> None:
    target = ROOT / "tests" / "destinations" / "pardot" / "test_standard_suite.py"
    listed = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "--collect-only",
            "-p",
            "no:cacheprovider",
            "-o",
            "addopts=--import-mode=importlib",
            "-q",
            str(target),
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=True,
    ).stdout
    names = [line.split("::")[-1] for line in listed.splitlines() if "::" in line]
    assert "test_perform_builds_a_request[prospects]" in names
    assert "test_a_documented_response_is_classified[code 66 concurrency as 400]" in names
    assert len([name for name in names if name.startswith("test_a_documented_response")]) == 7
