"""Who a profile is: email, external id or phone number, checked as Segment's Klaviyo checks them.

A phone number must be E.164 (``+`` then 2 to 15 digits). Segment also converts a national number
when ``country_code`` is set (libphonenumber); that conversion is not available here, so such a
number is refused with a clear message (docs/divergences.md, "Klaviyo phone numbers").
"""

from __future__ import annotations

import re
from typing import Any

from framework.errors import PayloadValidationError

__all__ = ["MAX_EXTERNAL_ID_LENGTH", "checked_phone_number", "require_identifier", "check_external_id"]

MAX_EXTERNAL_ID_LENGTH = 255
E164 = re.compile(r"^\+[1-9]\d{1,14}$")


def checked_phone_number(phone_number: Any, country_code: Any = None) -> str | None:
    """The phone number when it is E.164 (None when absent); any other refused, naming it."""
    if not phone_number:
        return None
    if E164.match(str(phone_number)):
        return str(phone_number)
    hint = f" (country code {country_code}: national numbers are not converted here)" if country_code else ""
    raise PayloadValidationError(
        f"{phone_number} is not a valid phone number and cannot be converted to E.164 format{hint}."
    )


def require_identifier(email: Any, external_id: Any, phone_number: Any) -> None:
    """At least one identifier, and an external id of at most 255 characters."""
    if not email and not external_id and not phone_number:
        raise PayloadValidationError("One of External ID, Phone Number and Email is required.")
    check_external_id(external_id)


def check_external_id(external_id: Any) -> None:
    """Klaviyo's limit on ``external_id``."""
    if external_id and len(str(external_id)) > MAX_EXTERNAL_ID_LENGTH:
        raise PayloadValidationError(f"Length of external_id must be no more than {MAX_EXTERNAL_ID_LENGTH} characters.")
