"""merge_payloads: later values win field by field, one record per group, never across an identity change."""

from typing import Any

import pytest

from framework.definition import RecordMerging
from framework.delivery.merging import changes_identity, merge_payloads

POLICY = RecordMerging(
    identity="email",
    identity_change="customFields.email",
    overlay="customFields",
    lookup_fields=("secondaryDeletedSearch",),
    safe=True,
)


def merged(*payloads: dict[str, Any]) -> list[tuple[dict[str, Any], tuple[int, ...]]]:
    return [(group.payload, group.indexes) for group in merge_payloads(payloads, POLICY)]


# name: (payloads in order, expected [(merged payload, indexes it stands for)])
CASES: dict[str, tuple[list[dict[str, Any]], list[tuple[dict[str, Any], tuple[int, ...]]]]] = {
    "later values win, absent keeps": (
        [{"email": "a", "firstName": "A", "city": "X"}, {"email": "a", "city": "Y"}],
        [({"email": "a", "firstName": "A", "city": "Y"}, (0, 1))],
    ),
    "a later null replaces": (
        [{"email": "a", "city": "X"}, {"email": "a", "city": None}],
        [({"email": "a", "city": None}, (0, 1))],
    ),
    "objects merge key by key, values whole": (
        [
            {"email": "a", "customFields": {"T__c": "1", "U__c": {"x": 1}}},
            {"email": "a", "customFields": {"U__c": {"y": 2}, "V__c": None}},
        ],
        [({"email": "a", "customFields": {"T__c": "1", "U__c": {"y": 2}, "V__c": None}}, (0, 1))],
    ),
    "a later top-level field removes an earlier overlay entry of that name": (
        [{"email": "a", "customFields": {"firstName": "Over"}}, {"email": "a", "firstName": "Top"}],
        [({"email": "a", "firstName": "Top", "customFields": {}}, (0, 1))],
    ),
    "a later overlay entry wins over an earlier top-level field": (
        [{"email": "a", "firstName": "Top"}, {"email": "a", "customFields": {"firstName": "Over"}}],
        [({"email": "a", "firstName": "Top", "customFields": {"firstName": "Over"}}, (0, 1))],
    ),
    "records interleave, groups keep first-seen order": (
        [{"email": "a", "n": 1}, {"email": "b", "n": 2}, {"email": "a", "n": 3}],
        [({"email": "a", "n": 3}, (0, 2)), ({"email": "b", "n": 2}, (1,))],
    ),
    "an identity change is a barrier and goes alone": (
        [{"email": "a", "n": 1}, {"email": "b", "customFields": {"email": "c"}}, {"email": "a", "n": 2}],
        [
            ({"email": "a", "n": 1}, (0,)),
            ({"email": "b", "customFields": {"email": "c"}}, (1,)),
            ({"email": "a", "n": 2}, (2,)),
        ],
    ),
    "other lookup values close the record's group": (
        [
            {"email": "a", "secondaryDeletedSearch": True},
            {"email": "a", "secondaryDeletedSearch": False},
            {"email": "a", "secondaryDeletedSearch": True},
        ],
        [
            ({"email": "a", "secondaryDeletedSearch": True}, (0,)),
            ({"email": "a", "secondaryDeletedSearch": False}, (1,)),
            ({"email": "a", "secondaryDeletedSearch": True}, (2,)),
        ],
    ),
    "a payload naming no record goes alone": ([{"n": 1}, {"n": 2}], [({"n": 1}, (0,)), ({"n": 2}, (1,))]),
}


@pytest.mark.parametrize("name", CASES)
def test_merge_rules(name: str) -> None:
    payloads, expected = CASES[name]
    assert merged(*payloads) == expected


def test_merging_never_edits_the_payloads_given() -> None:
    first = {"email": "a", "customFields": {"T__c": "1"}}
    merged(first, {"email": "a", "customFields": {"T__c": "2"}})
    assert first == {"email": "a", "customFields": {"T__c": "1"}}


def test_an_identity_change_is_its_path_being_present_whatever_its_value() -> None:
    assert changes_identity({"customFields": {"email": None}}, POLICY)
    assert not changes_identity({"customFields": {"T__c": 1}, "email": "x"}, POLICY)
    assert not changes_identity({"email": "x"}, RecordMerging(identity="email"))
