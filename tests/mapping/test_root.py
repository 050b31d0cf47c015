"""The root-level directive and non-object top levels (Segment's ``getMappingToProcess``)."""

from __future__ import annotations

from typing import Any

import pytest

from framework.mapping import MappingValidationError
from framework.mapping.root import ROOT_DIRECTIVE_KEY, root_mapping


def test_other_top_level_keys_become_the_directives_mapping() -> None:
    mapping = {ROOT_DIRECTIVE_KEY: {"@transform": {"apply": {"a": 1}}}, "x": {"@path": "$.a"}}
    assert root_mapping(mapping) == {"@transform": {"apply": {"a": 1}, "mapping": {"x": {"@path": "$.a"}}}}
    assert mapping[ROOT_DIRECTIVE_KEY] == {"@transform": {"apply": {"a": 1}}}  # the caller's mapping is untouched


@pytest.mark.parametrize(
    ("holder", "message"),
    [({"a": {}, "b": {}}, "The root mapping must only have a single directive object"), ("str", "The root mapping must only have a single directive object"),
     ({"@path": "$.a"}, "The root directive must be an object"), ({}, "The root directive must be an object"), ("s", "The root directive must be an object")],
)  # fmt: skip
def test_invalid_root_directives(holder: Any, message: str) -> None:
    with pytest.raises(MappingValidationError) as raised:
        root_mapping({ROOT_DIRECTIVE_KEY: holder, "x": 1})
    assert raised.value.errors == [message]


@pytest.mark.parametrize(
    ("mapping", "spread"),
    [("ab", {"0": "a", "1": "b"}), (["x"], {"0": "x"}), (5, {}), (True, {}), ("😀", {"0": "\ud83d", "1": "\ude00"})],
)
def test_non_object_top_levels_are_spread(mapping: Any, spread: dict[str, Any]) -> None:
    assert root_mapping(mapping) == spread
