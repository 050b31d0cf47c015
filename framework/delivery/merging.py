"""Merging queued updates of one record into one payload: pure functions, no I/O.

When several queued payloads of one subscription write the same record, one call with the merged
payload leaves the record exactly as one call per payload in order would, provided the action's write
is "absent means unchanged, a present value (``null`` included) replaces" and the action says so with
:class:`~framework.definition.RecordMerging`. The rules, each needed for that equivalence:

* payloads are grouped by the record they write (``identity``, plus the ``lookup_fields`` that change
  how the record is found: a payload with other lookup values closes the record's open group);
* later values win field by field; an object field is merged key by key, its values replaced whole;
* entries of the ``overlay`` object are written over the top-level fields of the same name, so a later
  top-level value removes an earlier overlay entry of that name (and a later overlay entry wins);
* a payload that changes the identity (``identity_change`` present) is a barrier: every open group is
  closed before it, it goes alone, and nothing is merged across it;
* groups come in the order of their first payload, so a record's groups keep their order.

>>> policy = RecordMerging(identity="email", overlay="customFields")
>>> [g.indexes for g in merge_payloads([{"email": "a", "x": 1}, {"email": "b"}, {"email": "a", "x": None}], policy)]
[(0, 2), (1,)]

A merged call that fails stands for all its payloads; delivery may then send them one by one (the
indexes say which), since one bad payload would otherwise take the others with it.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from framework.definition import RecordMerging

__all__ = ["MergedGroup", "merge_payloads", "changes_identity"]


@dataclass(frozen=True)
class MergedGroup:
    """One payload to send and the indexes (in the payloads given) of the payloads it stands for."""

    payload: Any
    indexes: tuple[int, ...]

    @property
    def merged(self) -> bool:
        """True when this one payload stands for more than one."""
        return len(self.indexes) > 1


def changes_identity(payload: Any, policy: RecordMerging) -> bool:
    """True when ``payload`` holds the policy's ``identity_change`` path (a dotted path; present, any value)."""
    if policy.identity_change is None:
        return False
    node = payload
    for part in policy.identity_change.split("."):
        if not isinstance(node, dict) or part not in node:
            return False
        node = node[part]
    return True


def merge_payloads(payloads: Sequence[Any], policy: RecordMerging) -> list[MergedGroup]:
    """The payloads as merged groups (see the module's rules); every index appears in exactly one group."""
    groups: list[_Group] = []
    open_groups: dict[str, _Group] = {}
    for index, payload in enumerate(payloads):
        identity = _identity_key(payload, policy)
        if identity is None or changes_identity(payload, policy):
            open_groups.clear()  # a barrier: nothing merges across it
            groups.append(_Group(index, payload, policy))
            continue
        lookup = _lookup_key(payload, policy)
        group = open_groups.get(identity)
        if group is not None and group.lookup == lookup:
            group.add(index, payload)
            continue
        group = open_groups[identity] = _Group(index, payload, policy, lookup)
        groups.append(group)
    return [MergedGroup(group.payload, tuple(group.indexes)) for group in groups]


class _Group:
    """One record's payloads being merged."""

    def __init__(self, index: int, payload: Any, policy: RecordMerging, lookup: str = "") -> None:
        self.policy = policy
        self.lookup = lookup
        self.indexes = [index]
        self.payload = copy.deepcopy(payload)

    def add(self, index: int, payload: dict[str, Any]) -> None:
        self.indexes.append(index)
        _merge_into(self.payload, payload, self.policy)


def _merge_into(merged: dict[str, Any], later: dict[str, Any], policy: RecordMerging) -> None:
    """Lay ``later`` over ``merged`` in place: top-level fields first, then the overlay's entries."""
    overlay = policy.overlay
    written_elsewhere = {policy.identity, *policy.lookup_fields, overlay}
    for key, value in later.items():
        if key == overlay:
            continue
        if overlay is not None and key not in written_elsewhere and isinstance(merged.get(overlay), dict):
            merged[overlay].pop(key, None)  # the later top-level value is now the last write of this name
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key].update(copy.deepcopy(value))
        else:
            merged[key] = copy.deepcopy(value)
    if overlay is not None and overlay in later:
        value = later[overlay]
        if isinstance(value, dict) and isinstance(merged.get(overlay), dict):
            merged[overlay].update(copy.deepcopy(value))
        else:
            merged[overlay] = copy.deepcopy(value)


def _identity_key(payload: Any, policy: RecordMerging) -> str | None:
    """The record a payload writes, as a key; None when it names none (it is then sent alone)."""
    if not isinstance(payload, dict) or payload.get(policy.identity) is None:
        return None
    return json.dumps(payload[policy.identity], sort_keys=True, default=str)


def _lookup_key(payload: dict[str, Any], policy: RecordMerging) -> str:
    return json.dumps([payload.get(name) for name in policy.lookup_fields], sort_keys=True, default=str)
