"""The upsert's JSON body and what identifies the prospect it writes: shared by both delivery paths.

``upsert_body`` is what one ``upsertLatestByEmail`` call sends for a payload; the Import API path
(``import_batch``) writes the same ``prospect`` object as a CSV row, and ``MERGING`` tells
``framework.delivery.merging`` how payloads of one prospect combine.
"""

from __future__ import annotations

from typing import Any

from framework.definition import RecordMerging

__all__ = ["STANDARD_FIELDS", "MERGING", "upsert_body"]

# Order matters: it is the key order of ``prospect`` in the body Segment sends.
STANDARD_FIELDS = ("email", "firstName", "lastName", "salutation", "phone", "company", "jobTitle", "industry",
                   "city", "state", "zip", "country", "website")  # fmt: skip
_ABSENT: Any = object()

# Queued upserts of one prospect may be sent as one (framework.delivery.merging): the upsert finds the
# prospect by ``email`` (and ``secondaryDeletedSearch``), writes every present key (null clears, absent
# keeps) and lays ``customFields`` over the standard fields; ``customFields.email`` changes the address.
MERGING = RecordMerging(
    identity="email",
    identity_change="customFields.email",
    overlay="customFields",
    lookup_fields=("secondaryDeletedSearch",),
    safe=True,
)


def upsert_body(payload: dict[str, Any]) -> dict[str, Any]:
    """The JSON body for a validated payload, key for key and in Segment's order.

    Custom fields are laid over the standard ones as a JavaScript object spread does: a custom key
    that names a standard field replaces its value in place. (Integer-like keys are put first by the
    request client's JSON writer, as JSON.stringify does for every destination.)
    """
    custom = payload.get("customFields")
    if custom:
        prospect = {name: payload.get(name, _ABSENT) for name in STANDARD_FIELDS}
        prospect.update(custom)
        present = {name: value for name, value in prospect.items() if value is not _ABSENT}
    else:  # no custom fields (the default mapping): the standard ones present, in their order
        present = {name: payload[name] for name in STANDARD_FIELDS if name in payload}
    return {
        "matchEmail": payload["email"],
        "prospect": present,
        "secondaryDeletedSearch": payload["secondaryDeletedSearch"],
    }
