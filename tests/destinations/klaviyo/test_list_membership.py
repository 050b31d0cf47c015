"""addProfileToList / removeProfileFromList beyond the recording: the divergences docs/divergences.md lists."""

from __future__ import annotations

import pytest

from destinations.klaviyo import definition
from destinations.klaviyo.identifiers import checked_phone_number
from framework.errors import PayloadValidationError, RetryableError
from framework.testing.integration import create_test_integration
from framework.testing.transport import MockRouter

SETTINGS = {"api_key": "pk_test_lists"}
PROFILES = "https://a.klaviyo.com/api/profiles/"
MAPPING = {"email": "ann@example.com", "list_id": "Lst1"}


def test_a_refused_profile_creation_is_raised_and_no_list_call_follows() -> None:
    router = MockRouter().add("POST", PROFILES, 500, json={"errors": [{"detail": "Something went wrong."}]})
    with pytest.raises(RetryableError, match=r"500 \(Something went wrong\.\)"):
        create_test_integration(definition, router).test_action(
            "addProfileToList", event={"type": "track", "event": "Audience Entered"}, mapping=MAPPING, settings=SETTINGS
        )
    assert [request.url for request in router.requests] == [PROFILES]


def test_a_lookup_without_data_finds_no_profile() -> None:
    router = MockRouter().add("GET", f"{PROFILES}*", json={})
    with pytest.raises(PayloadValidationError, match="No profiles found"):
        create_test_integration(definition, router).test_action(
            "removeProfileFromList", event={"type": "track", "event": "Audience Exited"}, mapping=MAPPING,
            settings=SETTINGS,
        )  # fmt: skip


@pytest.mark.parametrize("phone", ["+14155550100", "+447700900123"])
def test_e164_numbers_pass(phone: str) -> None:
    assert checked_phone_number(phone) == phone


@pytest.mark.parametrize(
    ("phone", "country", "e164"),
    [("4155550100", "US", "+14155550100"), ("(415) 555-0100", "US", "+14155550100"),
     ("030 123456", "DE", "+4930123456"), ("+14155550100", "GB", "+14155550100")],
)  # fmt: skip
def test_national_numbers_with_a_country_are_converted_to_e164(phone: str, country: str, e164: str) -> None:
    assert checked_phone_number(phone, country) == e164


@pytest.mark.parametrize(
    ("phone", "country"),
    [("4155550100", None), ("+0123", None), ("not a phone", None), ("123", "US"), ("07700 900123", "GB"),
     ("4155550100", "XX")],
)  # fmt: skip
def test_other_numbers_are_refused_naming_them(phone: str, country: str | None) -> None:
    with pytest.raises(PayloadValidationError, match=phone.replace("+", r"\+")):
        checked_phone_number(phone, country)
