"""Prospects in memory and the semantics of ``upsertLatestByEmail`` (pardot-v5.md §1–2).

The rules the emulator holds a client to:

* the lookup compares ``matchEmail`` byte for byte (Pardot treats addresses case-sensitively);
* among several live prospects with that address, the one with the latest activity is updated
  (``lastActivityAt``, falling back to ``updatedAt``, then the highest id);
* deleted prospects are only considered when no live one matches, ``secondaryDeletedSearch`` is true
  and the business unit has AMPSEA; the latest deleted one is then undeleted and updated;
* otherwise a prospect is created;
* ``prospect.email`` may differ from ``matchEmail``: that is how a prospect's address changes;
* every key of ``prospect`` must be an editable standard field or a predefined custom field whose
  name ends in ``__c`` (code 180), and addresses must look like addresses (code 4).

All methods take the store's lock, so waitress's worker threads may call them concurrently.
Prospects are indexed by id and by exact address, so an upsert costs the same with 20 or 20,000
prospects stored (the emulator is the ground truth of long replays).
"""

from __future__ import annotations

import copy
import re
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from .responses import PardotApiError

__all__ = ["EDITABLE_FIELDS", "ProspectStore", "UpsertOutcome", "is_valid_email"]

EDITABLE_FIELDS: frozenset[str] = frozenset(
    {
        "addressOne", "addressTwo", "annualRevenue", "campaignId", "city", "comments", "company",
        "country", "department", "email", "employees", "fax", "firstName", "industry", "isDoNotCall",
        "isDoNotEmail", "isReviewed", "isStarred", "jobTitle", "lastName", "notes", "phone",
        "prospectAccountId", "salesforceOwnerId", "salutation", "score", "source", "state",
        "territory", "userId", "website", "yearsInBusiness", "zip",
    }
)  # fmt: skip

# The legacy check's shape: local part up to 64, domain, a 2-13 letter TLD, no spaces (pardot-v5.md §1).
_EMAIL = re.compile(r"^[^\s@]{1,64}@[^\s@]{1,255}\.[A-Za-z]{2,13}$")
_MAX_EMAIL_LENGTH = 255


def is_valid_email(value: Any) -> bool:
    """True when Pardot would accept ``value`` as a prospect address (else it answers code 4)."""
    return isinstance(value, str) and len(value) <= _MAX_EMAIL_LENGTH and bool(_EMAIL.match(value))


@dataclass(frozen=True)
class UpsertOutcome:
    """What an upsert did: ``created``, ``updated`` or ``undeleted``, and the prospect afterwards."""

    action: str
    prospect: dict[str, Any]


def _timestamp(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds")


class ProspectStore:
    """The business unit's prospects and custom field definitions."""

    def __init__(
        self, custom_fields: Iterable[str] = (), *, ampsea: bool = True, clock: Callable[[], datetime] | None = None
    ) -> None:
        self._lock = threading.Lock()
        self._prospects: dict[int, dict[str, Any]] = {}
        self._ids_by_email: dict[str, list[int]] = {}  # exact address -> ids, in creation order
        self._next_id = 1000
        self._custom_fields: set[str] = set()
        self.ampsea = ampsea
        self._clock = clock or (lambda: datetime.now(UTC))
        for name in custom_fields:
            self.define_custom_field(name)

    def define_custom_field(self, name: str) -> None:
        """Declare a custom field; Pardot's custom field API names end in ``__c``."""
        if not name.endswith("__c"):
            raise ValueError(f"custom field {name!r} must end in '__c' (its Salesforce API name)")
        with self._lock:
            self._custom_fields.add(name)

    def seed(self, email: str, *, deleted: bool = False, last_activity_at: str | None = None, **fields: Any) -> int:
        """Add a prospect directly (no validation) and return its id; for setting up scenarios."""
        with self._lock:
            prospect = self._new_prospect(email)
            prospect.update(fields)
            prospect["isDeleted"] = deleted
            prospect["lastActivityAt"] = last_activity_at
            return int(prospect["id"])

    def count(self) -> int:
        """How many prospects are stored, deleted ones included."""
        with self._lock:
            return len(self._prospects)

    def all(self) -> list[dict[str, Any]]:
        """Every prospect (deleted ones included), oldest first, as copies."""
        with self._lock:
            return [copy.deepcopy(p) for _, p in sorted(self._prospects.items())]

    def upsert(self, match_email: str, prospect: dict[str, Any], secondary_deleted_search: bool) -> UpsertOutcome:
        """Apply one ``upsertLatestByEmail``; raises :class:`PardotApiError` for codes 4 and 180."""
        self._check_fields(prospect)
        with self._lock:
            target, action = self._find_target(match_email, secondary_deleted_search)
            if target is None:
                target, action = self._new_prospect(prospect.get("email", match_email)), "created"
            self._reindex(target, prospect.get("email", target["email"]))
            target.update(copy.deepcopy(prospect))
            target["isDeleted"] = False
            target["updatedAt"] = _timestamp(self._clock())
            return UpsertOutcome(action, copy.deepcopy(target))

    def _check_fields(self, prospect: dict[str, Any]) -> None:
        with self._lock:
            known = EDITABLE_FIELDS | self._custom_fields
        unknown = sorted(key for key in prospect if key not in known)
        if unknown:
            raise PardotApiError(400, 180, f"One or more of the specified fields are invalid: {', '.join(unknown)}")
        if "email" in prospect and not is_valid_email(prospect["email"]):
            raise PardotApiError(400, 4)

    def _find_target(self, email: str, secondary_deleted_search: bool) -> tuple[dict[str, Any] | None, str]:
        matches = [self._prospects[i] for i in self._ids_by_email.get(email, ())]
        live = [p for p in matches if not p["isDeleted"]]
        if live:
            return max(live, key=_recency), "updated"
        deleted = [p for p in matches if p["isDeleted"]]
        if deleted and secondary_deleted_search and self.ampsea:
            return max(deleted, key=_recency), "undeleted"
        return None, "created"

    def _new_prospect(self, email: str) -> dict[str, Any]:
        self._next_id += 1
        now = _timestamp(self._clock())
        prospect: dict[str, Any] = {
            "id": self._next_id, "email": email, "createdAt": now, "updatedAt": now,
            "lastActivityAt": None, "isDeleted": False,
        }  # fmt: skip
        self._prospects[self._next_id] = prospect
        self._ids_by_email.setdefault(email, []).append(self._next_id)
        return prospect

    def _reindex(self, prospect: dict[str, Any], new_email: str) -> None:
        """Move the prospect under its new address in the index (an upsert may change the address)."""
        old_email = prospect["email"]
        if new_email == old_email:
            return
        ids = self._ids_by_email[old_email]
        ids.remove(prospect["id"])
        if not ids:
            del self._ids_by_email[old_email]
        self._ids_by_email.setdefault(new_email, []).append(prospect["id"])


def _recency(prospect: dict[str, Any]) -> tuple[str, str, int]:
    """Sort key for "the prospect with the latest activity" (ISO strings in UTC sort as times)."""
    return (prospect.get("lastActivityAt") or "", prospect.get("updatedAt") or "", prospect["id"])
