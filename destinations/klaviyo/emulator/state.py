"""What the Klaviyo emulator holds, and its answers: profiles, lists and memberships, events, consent.

Profiles are found by any of email, phone number and external id (Klaviyo's identifiers): creating
one that shares an identifier answers 409 naming the existing profile, as Klaviyo does. A list
exists once ``POST /api/lists`` made it, or ``add_list`` put it there as an account already has it:
reading an unknown list, or adding profiles to or removing them from one, answers Klaviyo's 404
(``not_found``, "A list with id X does not exist."), so ``getAudience`` for a list the account does
not have fails here as it does there. Bulk jobs (profile import, event bulk-create, subscription
create/delete) are applied at once and answered 202 with a job id; Klaviyo accepts a job before it
looks at its list and the emulator does not model a job failing later, so a job naming an unknown
list makes it. A data-privacy deletion job deletes the profile it names (and its list memberships)
at once. Every call must carry ``Authorization: Klaviyo-API-Key <key>`` (401 otherwise).
"""

from __future__ import annotations

import itertools
import json
import re
import threading
import uuid
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote, urlsplit

from destinations.recording_endpoint import RecordedRequest

__all__ = ["KlaviyoState", "IDENTIFIERS"]

IDENTIFIERS = ("email", "phone_number", "external_id")
_FILTER = re.compile(r"^any\((\w+),\[(.*)\]\)$")


def _errors(status: int, detail: str, **extra: Any) -> tuple[int, Any]:
    return status, {"errors": [{"status": status, "detail": detail, **extra}]}


def _list_not_found(list_id: str) -> tuple[int, Any]:
    """Klaviyo's JSON:API 404 for a list id the account does not have (id, code, title, detail, source)."""
    error_id = str(uuid.uuid5(uuid.NAMESPACE_URL, f"klaviyo-emulator/lists/{list_id}"))
    return _errors(404, f"A list with id {list_id} does not exist.", id=error_id, code="not_found",
                   title="Not found.", source={"pointer": "/data/"})  # fmt: skip


@dataclass
class KlaviyoState:
    """The account's data; thread-safe (the server answers each connection in its own thread)."""

    profiles: dict[str, dict[str, Any]] = field(default_factory=dict)
    lists: dict[str, dict[str, Any]] = field(default_factory=dict)  # id → {"name", "members": set of ids}
    events: list[dict[str, Any]] = field(default_factory=list)
    jobs: int = 0
    _ids: Any = field(default_factory=lambda: itertools.count(1))
    _lock: threading.Lock = field(default_factory=threading.Lock)

    # -- the API --------------------------------------------------------------------------------------

    def answer(self, request: RecordedRequest) -> tuple[int, Any]:
        """The status and JSON body Klaviyo would give ``request``."""
        if not request.headers.get("authorization", "").startswith("Klaviyo-API-Key "):
            return _errors(401, "Missing or invalid authorization scheme. Please use Klaviyo-API-Key.")
        try:
            body = json.loads(request.body) if request.body else {}
        except ValueError:
            return _errors(400, "The request body is not JSON.")
        parts = urlsplit(request.path)
        path = parts.path.removeprefix("/api").strip("/").split("/")
        with self._lock:
            return self._route(request.method, path, unquote(parts.query), body)

    def _route(self, method: str, path: list[str], query: str, body: Any) -> tuple[int, Any]:
        head = path[0] if path else ""
        if head == "profiles":
            return self._profiles(method, path[1:], query, body)
        if head == "lists":
            return self._lists(method, path[1:], body)
        if (
            head
            in (
                "events",
                "event-bulk-create-jobs",
                "profile-bulk-import-jobs",
                "profile-subscription-bulk-create-jobs",
                "profile-subscription-bulk-delete-jobs",
            )
            and method == "POST"
        ):
            return self._job(head, body)  # fmt: skip
        if head == "data-privacy-deletion-jobs" and method == "POST":
            return self._delete_profile(body)
        if head == "accounts" and method == "GET":
            return 200, {"data": [{"type": "account", "id": "EMULATED"}]}
        return _errors(404, f"No {method} /api/{'/'.join(path)} in the Klaviyo emulator.")

    def _profiles(self, method: str, rest: list[str], query: str, body: Any) -> tuple[int, Any]:
        if method == "POST" and not rest:
            attributes = dict(body["data"]["attributes"])
            existing = self._find(attributes)
            if existing:
                return _errors(409, "A profile already exists with one of these identifiers.", code="duplicate_profile",
                               meta={"duplicate_profile_id": existing})  # fmt: skip
            return 201, {"data": self._profile_node(self._create(attributes))}
        if method == "PATCH" and len(rest) == 1:
            if rest[0] not in self.profiles:
                return _errors(404, f"Profile {rest[0]} does not exist.")
            self.profiles[rest[0]].update(body["data"]["attributes"])
            return 200, {"data": self._profile_node(rest[0])}
        if method == "GET" and not rest:
            match = _FILTER.match(query.removeprefix("filter="))
            if not match:
                return _errors(400, f"Unsupported filter {query!r}.")
            key, values = match.group(1), json.loads(f"[{match.group(2)}]")
            found = [pid for pid, p in self.profiles.items() if p.get(key) in values]
            return 200, {"data": [self._profile_node(pid) for pid in found]}
        return _errors(405, "Method not allowed.")

    def _lists(self, method: str, rest: list[str], body: Any) -> tuple[int, Any]:
        if not rest:
            if method == "GET":
                return 200, {"data": [self._list_node(lid) for lid in self.lists]}
            if method == "POST":
                list_id = f"L{next(self._ids):05d}"
                self.lists[list_id] = {"name": body["data"]["attributes"]["name"], "members": set()}
                return 201, {"data": self._list_node(list_id)}
        reading = len(rest) == 1 and method == "GET"
        changing_members = len(rest) == 3 and rest[1:] == ["relationships", "profiles"] and method in ("POST", "DELETE")
        if (reading or changing_members) and rest[0] not in self.lists:
            return _list_not_found(rest[0])
        if reading:
            return 200, {"data": self._list_node(rest[0])}
        if changing_members:
            members = self.lists[rest[0]]["members"]
            ids = [item["id"] for item in body.get("data") or []]
            unknown = [pid for pid in ids if pid not in self.profiles]
            if unknown:
                return _errors(400, f"Profile {unknown[0]} does not exist.")
            (members.update if method == "POST" else members.difference_update)(ids)
            return 204, None
        return _errors(405, "Method not allowed.")

    def _delete_profile(self, body: Any) -> tuple[int, Any]:
        """``on_delete``'s job: the profile named by id goes, with its memberships (none named: 400, as Klaviyo)."""
        profile_id = (body["data"]["attributes"]["profile"]["data"] or {}).get("id")
        if not profile_id:
            return _errors(400, "A profile id, email or phone number is required.")
        self.profiles.pop(profile_id, None)
        for members in self.lists.values():
            members["members"].discard(profile_id)
        return 202, None

    def _job(self, kind: str, body: Any) -> tuple[int, Any]:
        data = body["data"]
        attributes = data["attributes"]
        if kind == "events":
            self._event(attributes)
            return 202, None
        if kind == "event-bulk-create-jobs":
            for item in attributes["events-bulk-create"]["data"]:
                for event in item["attributes"]["events"]["data"]:
                    self._event({**event["attributes"], "profile": item["attributes"]["profile"]})
        else:
            relation = data.get("relationships") or {}
            list_ref = (relation.get("lists") or {}).get("data") or [(relation.get("list") or {}).get("data")]
            list_id = (list_ref[0] or {}).get("id") if list_ref else None
            for item in attributes["profiles"]["data"]:
                profile_id = self._upsert(item["attributes"])
                if list_id and kind != "profile-subscription-bulk-delete-jobs":
                    self.lists[self._list(list_id)]["members"].add(profile_id)
                elif list_id:
                    self.lists[self._list(list_id)]["members"].discard(profile_id)
        self.jobs += 1
        return 202, {"data": {"type": kind.removesuffix("s"), "id": f"JOB{self.jobs:05d}"}}

    # -- state ---------------------------------------------------------------------------------------

    def add_list(self, list_id: str, name: str | None = None) -> None:
        """An existing list with a chosen id (``POST /api/lists`` picks its own), as an account already has."""
        with self._lock:
            self.lists.setdefault(list_id, {"name": name or list_id, "members": set()})

    def _find(self, attributes: dict[str, Any]) -> str | None:
        for profile_id, profile in self.profiles.items():
            if any(attributes.get(key) and profile.get(key) == attributes[key] for key in IDENTIFIERS):
                return profile_id
        return None

    def _create(self, attributes: dict[str, Any]) -> str:
        profile_id = f"P{next(self._ids):05d}"
        self.profiles[profile_id] = attributes
        return profile_id

    def _upsert(self, attributes: dict[str, Any]) -> str:
        """The profile with one of these identifiers, updated (subscriptions merged), or a new one."""
        attributes = dict(attributes)
        subscriptions = attributes.pop("subscriptions", None)
        profile_id = self._find(attributes) or self._create({})
        self.profiles[profile_id].update(attributes)
        if subscriptions:
            self.profiles[profile_id].setdefault("subscriptions", {}).update(subscriptions)
        return profile_id

    def _event(self, attributes: dict[str, Any]) -> None:
        profile = dict(attributes["profile"]["data"]["attributes"])
        anonymous = profile.get("anonymous_id")
        profile_id = self._upsert(profile) if any(profile.get(k) for k in IDENTIFIERS) or anonymous else None
        self.events.append({"metric": attributes["metric"]["data"]["attributes"]["name"], "profile_id": profile_id,
                            "properties": attributes.get("properties"), "time": attributes.get("time"),
                            "unique_id": attributes.get("unique_id"), "value": attributes.get("value")})  # fmt: skip

    def _list(self, list_id: str) -> str:
        """The id of a list a bulk job names, made if the account has none by that id (see the module doc)."""
        self.lists.setdefault(list_id, {"name": list_id, "members": set()})
        return list_id

    def _profile_node(self, profile_id: str) -> dict[str, Any]:
        return {"type": "profile", "id": profile_id, "attributes": self.profiles[profile_id]}

    def _list_node(self, list_id: str) -> dict[str, Any]:
        return {"type": "list", "id": list_id, "attributes": {"name": self.lists[list_id]["name"]}}

    # -- what it holds -------------------------------------------------------------------------------

    def rows(self) -> list[list[Any]]:
        """One row per profile: id, identifiers, lists, consent, events."""
        with self._lock:
            rows = []
            for pid, profile in self.profiles.items():
                lists = ",".join(lid for lid, found in self.lists.items() if pid in found["members"])
                consent = ",".join(f"{channel}:{state['marketing']['consent']}"
                                   for channel, state in (profile.get("subscriptions") or {}).items())  # fmt: skip
                events = sum(1 for event in self.events if event["profile_id"] == pid)
                rows.append([pid, profile.get("email"), profile.get("phone_number"), profile.get("external_id"),
                             lists, consent, events])  # fmt: skip
            return rows
