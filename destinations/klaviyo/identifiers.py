"""Who a profile is: email, external id or phone number, checked and converted as Segment's Klaviyo does.

A phone number already in E.164 (``+`` then 2 to 15 digits) is kept as written. Otherwise, with a
``country_code`` (ISO 3166-1 alpha-2), it is read as a national number of that country and written
in E.164 when it is a valid number there, as Segment does with Google's libphonenumber; the
``phonenumbers`` package is that library's Python port, with the same numbering-plan metadata.
Anything else cannot be converted and is refused.
"""

from __future__ import annotations

import re
from typing import Any

import phonenumbers

from framework.errors import PayloadValidationError

__all__ = ["MAX_EXTERNAL_ID_LENGTH", "e164_or_none", "checked_phone_number", "require_identifier",
           "check_external_id", "identifier_problem", "PHONE_NOT_CONVERTED"]  # fmt: skip

MAX_EXTERNAL_ID_LENGTH = 255
E164 = re.compile(r"^\+[1-9]\d{1,14}$")
PHONE_NOT_CONVERTED = "Phone number could not be converted to E.164 format."
EXTERNAL_ID_TOO_LONG = f"Length of external_id must be no more than {MAX_EXTERNAL_ID_LENGTH} characters."


def e164_or_none(phone_number: Any, country_code: Any = None) -> str | None:
    """``phone_number`` in E.164, or None when it is not E.164 and cannot be converted."""
    text = str(phone_number)
    if E164.match(text):
        return text
    if not country_code:
        return None
    region = str(country_code)
    try:
        parsed = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number_for_region(parsed, region):
        return None
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def checked_phone_number(phone_number: Any, country_code: Any = None) -> str | None:
    """The phone number in E.164 (None when absent); one that cannot be converted is refused, naming it."""
    if not phone_number:
        return None
    converted = e164_or_none(phone_number, country_code)
    if converted is None:
        raise PayloadValidationError(
            f"{phone_number} is not a valid phone number and cannot be converted to E.164 format."
        )
    return converted


def identifier_problem(email: Any, external_id: Any, phone_number: Any, country_code: Any) -> str | None:
    """Why a batch item cannot be sent (Segment's per-item wording), or None; no identifier comes first."""
    if not email and not phone_number and not external_id:
        return "One of External ID, Phone Number or Email is required."
    if external_id and len(str(external_id)) > MAX_EXTERNAL_ID_LENGTH:
        return EXTERNAL_ID_TOO_LONG
    if phone_number and e164_or_none(phone_number, country_code) is None:
        return PHONE_NOT_CONVERTED
    return None


def require_identifier(email: Any, external_id: Any, phone_number: Any) -> None:
    """At least one identifier, and an external id of at most 255 characters."""
    if not email and not external_id and not phone_number:
        raise PayloadValidationError("One of External ID, Phone Number and Email is required.")
    check_external_id(external_id)


def check_external_id(external_id: Any) -> None:
    """Klaviyo's limit on ``external_id``."""
    if external_id and len(str(external_id)) > MAX_EXTERNAL_ID_LENGTH:
        raise PayloadValidationError(EXTERNAL_ID_TOO_LONG)
