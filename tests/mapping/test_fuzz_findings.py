"""Mapping-kit behaviours found by differential fuzzing against Segment's engine (see conformance ``fuzz-*``)."""

from __future__ import annotations

import pytest

from framework.mapping import MappingValidationError, compile_mapping


def test_transform_of_an_absent_array_slot_starts_from_an_empty_object() -> None:
    # Segment's transform(mapping, data = {}): an undefined payload takes the default parameter.
    mapping = {"v": {"@arrayPath": [{"@excludeWhenNull": [{"@path": "$.nope"}]},
                                    {"w": {"@transform": {"apply": {"t": 1}, "mapping": {"u": {"@path": "$."}}}}}]}}  # fmt: skip
    assert compile_mapping(mapping)({}) == {"v": [{"w": {"u": {"t": 1}}}]}


def test_transform_of_a_null_slot_still_fails() -> None:
    mapping = {
        "v": {"@arrayPath": [{"@literal": [None]}, {"w": {"@transform": {"apply": {"t": 1}, "mapping": {"u": 1}}}}]}
    }
    with pytest.raises(Exception, match="data must be an object, got null"):
        compile_mapping(mapping)({})


def test_validation_messages_come_in_javascript_key_order() -> None:
    # Object.entries lists integer-like keys first, so Segment reports "/f/0" before "/f/a".
    with pytest.raises(MappingValidationError) as caught:
        compile_mapping({"f": {"a": {"@path": 1}, "0": {"@template": 2}}})
    assert caught.value.errors == [
        "/f/0/@template should be a string or a mapping directive but it is a number.",
        "/f/a/@path should be a string or a mapping directive but it is a number.",
    ]


@pytest.mark.parametrize("value", [b"bytes", {1, 2}, {"@path": object()}, {"@arrayPath": [object()]}])
def test_python_values_json_cannot_hold_are_validation_errors(value: object) -> None:
    # These used to escape as TypeError/IndexError from the validator.
    with pytest.raises(MappingValidationError):
        compile_mapping({"x": value})


def test_proto_keys_are_ordinary_keys() -> None:
    # Documented divergence (docs/mapping.md): Segment drops "__proto__" keys, we keep them.
    event = {"o": {"__proto__": 1, "a": 2}}
    mapping = {"__proto__": {"@path": "$.o.a"}, "v": {"@path": "$.o"},
               "m": {"@merge": {"direction": "right", "objects": [{"@path": "$.o"}]}}}  # fmt: skip
    assert compile_mapping(mapping)(event) == {
        "__proto__": 2,
        "v": {"__proto__": 1, "a": 2},
        "m": {"__proto__": 1, "a": 2},
    }


def test_replace_ignorecase_folds_as_javascript_does() -> None:
    # JS /i without the u flag: ı and İ are not variants of i, ſ not of s; σ, ς and Σ are.
    mapping = {"a": {"@replace": {"value": "ıIiİ", "pattern": "i", "replacement": "-", "ignorecase": True, "global": True}},
               "b": {"@replace": {"value": "ſsS Σσς", "pattern": "σ", "replacement": "2", "ignorecase": True, "global": True}}}  # fmt: skip
    assert compile_mapping(mapping)({}) == {"a": "ı--İ", "b": "ſsS 222"}


def test_lone_surrogates_are_escaped_in_json_text() -> None:
    mapping = {
        "v": {
            "@json": {
                "mode": "encode",
                "value": {"@json": {"mode": "decode", "value": '["\\ud800", "\\ud83d\\ude00"]'}},
            }
        }
    }
    assert compile_mapping(mapping)({}) == {"v": '["\\ud800","😀"]'}
