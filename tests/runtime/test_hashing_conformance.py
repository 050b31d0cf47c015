"""framework.hashing against Segment's own Facebook Conversions API destination (recorded replies).

tests/runtime/recorded/fb_capi_hashing.json holds, per case, the user data given to Segment's
``custom`` action and the ``user_data`` its request carried (recorded with ../shared/peer's
``destination`` kind). Every hashed identifier must come out the same here, field for field, and a
field Segment leaves out (empty after normalisation) must be left out too.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from framework.hashing import hash_user_value

RECORDED = json.loads((Path(__file__).parent / "recorded" / "fb_capi_hashing.json").read_text(encoding="utf-8"))
# Segment's user_data field → (the key of Facebook's request, our normalisation kind)
FIELDS = {
    "email": ("em", "email"),
    "phone": ("ph", "phone"),
    "gender": ("ge", "gender"),
    "dateOfBirth": ("db", "plain"),
    "lastName": ("ln", "name"),
    "firstName": ("fn", "name"),
    "city": ("ct", "city"),
    "state": ("st", "state"),
    "zip": ("zp", "zip"),
    "country": ("country", "country"),
    "externalId": ("external_id", "external_id"),
}


@pytest.mark.parametrize("case", RECORDED["cases"], ids=[case["id"] for case in RECORDED["cases"]])
def test_hashes_as_segments_facebook_destination(case: dict[str, Any]) -> None:
    ours: dict[str, Any] = {}
    for field, value in case["user"].items():
        key, kind = FIELDS[field]
        hashed = hash_user_value(value, kind)
        if hashed is not None:
            ours[key] = [hashed] if field == "externalId" else hashed  # Facebook sends external_id as a list
    assert ours == case["segment_user_data"]
