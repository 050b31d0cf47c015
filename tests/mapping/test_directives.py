"""Every directive, table-driven: one row per behaviour of the spec (section 1.6), with Segment's probes."""

from __future__ import annotations

from typing import Any

import pytest

from framework.mapping import ABSENT, MappingResolutionError, compile_mapping, transform

EVENT: dict[str, Any] = {
    "traits": {"email": "Ada@Example.com", "first_name": "Ada", "age": 36, "zero": 0, "no": False, "blank": "", "spaces": "  "},
    "properties": {"email": "prop@example.com", "products": [{"id": "p1"}, {"id": "p2"}], "product": {"id": "solo"},
                   "plus": "many+different+things", "mixed": "aab-----AaB---aab", "tags": [1, 2],
                   "nulls": {"bar": None, "aces": {"a": 1, "b": 2, "c": None, "d": {"a": None, "b": None}}}},
    "n": None,
    "which": "traits.email",
}  # fmt: skip


def p(path: str) -> dict[str, str]:
    return {"@path": path}


ROWS: list[tuple[str, Any, Any]] = [
    # @path
    ("path", p("$.traits.email"), "Ada@Example.com"),
    ("path missing is absent", p("$.traits.nope"), ABSENT),
    ("path null is kept", p("$.n"), None),
    ("path from a directive", {"@path": p("$.which")}, "Ada@Example.com"),
    # @template
    ("template", {"@template": "Hi {{traits.first_name}} ({{traits.age}})"}, "Hi Ada (36)"),
    ("template missing renders empty", {"@template": "[{{traits.nope}}][{{n}}]"}, "[][]"),
    ("template triple braces", {"@template": "{{{traits.first_name}}}"}, "Ada"),
    ("template arrays join with commas", {"@template": "{{properties.tags}}"}, "1,2"),
    ("template objects", {"@template": "{{traits}}"}, "[object Object]"),
    # @literal
    ("literal scalar", {"@literal": "{{x}}"}, "{{x}}"),
    ("literal resolves directives inside", {"@literal": {"a": p("$.traits.age"), "b": p("$.nope")}}, {"a": 36}),
    ("literal null", {"@literal": None}, None),
    # @if
    ("if exists then", {"@if": {"exists": p("$.traits.email"), "then": 1, "else": 2}}, 1),
    ("if exists counts zero", {"@if": {"exists": p("$.traits.zero"), "then": 1, "else": 2}}, 1),
    ("if exists null goes else", {"@if": {"exists": p("$.n"), "then": 1, "else": 2}}, 2),
    ("if blank zero is blank", {"@if": {"blank": p("$.traits.zero"), "then": 1, "else": 2}}, 2),
    ("if blank spaces are not blank", {"@if": {"blank": p("$.traits.spaces"), "then": 1, "else": 2}}, 1),
    ("if falsy else yields nothing", {"@if": {"exists": p("$.nope"), "then": 1, "else": False}}, ABSENT),
    ("if then false is kept", {"@if": {"exists": p("$.traits.age"), "then": False}}, False),
    ("if without branch", {"@if": {"exists": p("$.nope"), "then": 1}}, ABSENT),
    ("if default shape falls back", {"@if": {"exists": p("$.traits.nope"), "then": p("$.traits.nope"), "else": p("$.properties.email")}}, "prop@example.com"),
    # @case
    ("case lower", {"@case": {"operator": "lower", "value": p("$.traits.email")}}, "ada@example.com"),
    ("case upper", {"@case": {"operator": "upper", "value": p("$.traits.email")}}, "ADA@EXAMPLE.COM"),
    # Inside an array (where validation does not look), as a load-time error refuses it elsewhere.
    ("case non-string unchanged", [{"@case": {"operator": "bogus", "value": p("$.traits.age")}}], [36]),
    ("case falsy value", {"@case": {"operator": "lower", "value": ""}}, ABSENT),
    # @replace
    ("replace global", {"@replace": {"pattern": "+", "replacement": "_", "value": p("$.properties.plus")}}, "many_different_things"),
    ("replace first only", {"@replace": {"pattern": "+", "replacement": "_", "global": False, "value": p("$.properties.plus")}}, "many_different+things"),
    ("replace ignorecase", {"@replace": {"pattern": "AaB", "replacement": "nice", "ignorecase": True, "value": p("$.properties.mixed")}}, "nice-----nice---nice"),
    ("replace JS specials", {"@replace": {"pattern": "-", "replacement": "[$&]", "value": "a-b"}}, "a[-]b"),
    ("replace two passes", {"@replace": {"pattern": "true", "replacement": "granted", "pattern2": "false", "replacement2": "denied", "value": p("$.traits.no")}}, "denied"),
    ("replace null is empty", {"@replace": {"pattern": "a", "value": p("$.n")}}, ""),
    # @arrayPath
    ("arrayPath as is", {"@arrayPath": ["$.properties.products"]}, [{"id": "p1"}, {"id": "p2"}]),
    ("arrayPath reshaped", {"@arrayPath": ["$.properties.products", {"sku": p("$.id")}]}, [{"sku": "p1"}, {"sku": "p2"}]),
    ("arrayPath object becomes a list", {"@arrayPath": ["properties.product", {"sku": p("$.id")}]}, [{"sku": "solo"}]),
    ("arrayPath scalars", {"@arrayPath": ["$.properties.tags", {"all": p("$.")}]}, [{"all": 1}, {"all": 2}]),
    ("arrayPath missing", {"@arrayPath": ["$.nope", {"x": 1}]}, ABSENT),
    # @json
    ("json encode", {"@json": {"mode": "encode", "value": {"@literal": {"b": 1.0, "1": [None]}}}}, '{"1":[null],"b":1}'),
    ("json decode", {"@json": {"mode": "decode", "value": '{"a": [1, 2]}'}}, {"a": [1, 2]}),
    ("json decode not json", {"@json": {"mode": "decode", "value": "Hello World"}}, "Hello World"),
    ("json encode absent", {"@json": {"mode": "encode", "value": p("$.nope")}}, ABSENT),
    ("json mode is exact at run time", {"@json": {"mode": "ENCODE", "value": "x"}}, ABSENT),
    # @flatten
    ("flatten", {"@flatten": {"value": {"@literal": {"a": {"b": 1, "c": [2]}, "e": {}}}, "separator": "."}}, {"a.b": 1, "a.c.0": 2}),
    ("flatten omitArrays", {"@flatten": {"value": {"@literal": {"a": {"c": [2]}}}, "separator": "_", "omitArrays": True}}, {"a_c": [2]}),
    ("flatten scalar", {"@flatten": {"value": "str", "separator": "."}}, {"": "str"}),
    # @merge
    ("merge right", {"@merge": {"direction": "right", "objects": [{"a": 1, "b": 1}, {"b": 2}]}}, {"a": 1, "b": 2}),
    ("merge left", {"@merge": {"direction": "left", "objects": [{"a": 1, "b": 1}, {"b": 2}]}}, {"a": 1, "b": 1}),
    ("merge absent member overwrites", {"@merge": {"direction": "right", "objects": [{"a": 1}, {"a": p("$.nope")}]}}, {}),
    ("merge string spreads", {"@merge": {"direction": "right", "objects": [p("$.traits.first_name"), p("$.n")]}}, {"0": "A", "1": "d", "2": "a"}),
    # @transform
    ("transform", {"@transform": {"apply": {"x": p("$.traits.first_name")}, "mapping": {"y": p("$.x")}}}, {"y": "Ada"}),
    # @excludeWhenNull
    ("excludeWhenNull null", {"@excludeWhenNull": p("$.n")}, ABSENT),
    ("excludeWhenNull nested", {"@excludeWhenNull": p("$.properties.nulls")}, {"aces": {"a": 1, "b": 2, "d": {}}}),
    ("excludeWhenNull keeps arrays", {"@excludeWhenNull": {"@literal": [None, {"a": None}]}}, [None, {"a": None}]),
    # @liquid
    ("liquid", {"@liquid": "{{ traits.first_name | upcase }}"}, "ADA"),
    ("liquid empty", {"@liquid": ""}, ""),
    # extension @first
    ("first present", {"@first": ["$.traits.nope", "$.n", "$.properties.email"]}, "prop@example.com"),
    ("first none present", {"@first": ["$.traits.nope"]}, ABSENT),
    ("first with directives", {"@first": ["$.nope", {"@literal": "fallback"}]}, "fallback"),
    ("first keeps zero", {"@first": ["$.traits.zero", "$.traits.age"]}, 0),
]  # fmt: skip


@pytest.mark.parametrize(("name", "mapping", "expected"), ROWS, ids=[row[0] for row in ROWS])
def test_directive(name: str, mapping: Any, expected: Any) -> None:
    result = compile_mapping({"v": mapping})(EVENT)
    if expected is ABSENT:
        assert "v" not in result
    else:
        assert result == {"v": expected}
        assert type(result["v"]) is type(expected)


# Options that fail every event are refused at load (tests/mapping/cases/invalid); inside an array, where
# validation does not look, they still fail when resolved, with Segment's run-time message.
RUNTIME_ERRORS: list[tuple[Any, str]] = [
    ([{"@if": {"then": 1}}], '@if requires an "exists" key or a "blank" key'),
    ([{"@case": {"value": "x"}}], '@case requires a "operator" key'),
    ([{"@case": {"operator": "title", "value": "x"}}], 'operator key should have a value of "lower" or "upper"'),
    ([{"@json": {"mode": "encode", "value": None}}], '@json requires a "value" key'),
    ([{"@flatten": {"value": 1}}], '@flatten requires a "separator" key'),
    ([{"@merge": {"objects": []}}], '@merge requires a "direction" key'),
    ([{"@oops": 1}], "@oops is not a valid directive, got undefined"),
    ([{"@path": 5}], "@path: expected string, got number"),
    ({"@template": p("$.traits.age")}, "@template: expected string, got number"),
    ([{"@liquid": "x" * 1001}], "liquid template values are limited to 1000 characters"),
]


@pytest.mark.parametrize(("mapping", "message"), RUNTIME_ERRORS)
def test_runtime_errors_carry_segments_message(mapping: Any, message: str) -> None:
    compiled = compile_mapping({"v": mapping})
    with pytest.raises(MappingResolutionError, match="^" + message.replace("(", r"\(").replace("[", r"\[") + "$"):
        compiled(EVENT)


def test_runtime_errors_only_when_reached() -> None:
    mapping = {"v": {"@if": {"exists": p("$.nope"), "then": [{"@oops": 1}], "else": "safe"}}}
    assert transform(mapping, EVENT) == {"v": "safe"}


@pytest.mark.parametrize("event", [[], None, "x", 5])
def test_event_must_be_an_object(event: Any) -> None:
    with pytest.raises(MappingResolutionError, match="data must be an object"):
        compile_mapping({"v": 1})(event)


def test_absent_keys_dropped_null_kept_absent_array_items_become_none() -> None:
    mapping = {"a": p("$.nope"), "b": p("$.n"), "c": [p("$.nope"), {"d": p("$.nope")}], "e": {"f": {"g": p("$.nope")}}}
    assert transform(mapping, EVENT) == {"b": None, "c": [None, {}], "e": {"f": {}}}


def test_root_directive_feeds_the_other_keys_to_transform() -> None:
    mapping = {
        "__segment_internal_directive": {
            "@transform": {"apply": {"props": {"@flatten": {"value": p("$.properties.nulls"), "separator": "_"}}}}
        },
        "a": p("$.props.aces_a"),
    }
    assert transform(mapping, EVENT) == {"a": 1}


def test_non_object_top_level_mappings_spread_like_segment() -> None:
    assert transform("ab", EVENT) == {"0": "a", "1": "b"}
    assert transform(123, EVENT) == {}
    assert compile_mapping(p("$.nope")).resolve(EVENT) is ABSENT


def test_resolver_does_not_mutate_the_mapping() -> None:
    mapping = {"v": {"@replace": {"pattern": "a", "value": "aa"}}}
    transform(mapping, EVENT)
    assert mapping == {"v": {"@replace": {"pattern": "a", "value": "aa"}}}


def test_pardot_default_shape_uses_the_fast_path_and_the_general_rules() -> None:
    fields = {"email": "email", "city": "address.city"}
    mapping: dict[str, Any] = {
        k: {"@if": {"exists": p(f"$.traits.{v}"), "then": p(f"$.traits.{v}"), "else": p(f"$.properties.{v}")}}
        for k, v in fields.items()
    }
    mapping["flag"] = True
    resolver = compile_mapping(mapping)
    assert resolver({"traits": {"email": "t@x", "address": {"city": "Paris"}}}) == {
        "email": "t@x",
        "city": "Paris",
        "flag": True,
    }
    assert resolver({"traits": {"email": None, "address": "flat"}, "properties": {"email": "p@x"}}) == {
        "email": "p@x",
        "flag": True,
    }
    assert resolver({"traits": "not an object", "properties": {"address": {"city": "Rome"}}}) == {
        "city": "Rome",
        "flag": True,
    }
    assert resolver({"traits": {"address": {"city": 0}}}) == {"city": 0, "flag": True}
    assert list(resolver({"traits": {"email": "e", "address": {"city": "c"}}})) == ["email", "city", "flag"]


@pytest.mark.parametrize(
    "mapping",
    [
        {"v": p("$.properties.product")},
        {"v": {"@if": {"exists": p("$.properties.product"), "then": p("$.properties.product")}}},
        {
            "v": {"@if": {"exists": p("$.properties.product"), "then": p("$.properties.product"), "else": p("$.x")}},
            "w": p("$.properties.tags"),
        },
        {"v": {"@arrayPath": ["$.properties.products"]}},
        {"v": {"@first": ["$.properties.product"]}},
    ],
)
def test_payload_never_shares_objects_or_arrays_with_the_event(mapping: dict[str, Any]) -> None:
    event = {"properties": {"product": {"id": "solo", "tags": [1]}, "products": [{"id": "p1"}], "tags": [1, 2]}}
    payload = compile_mapping(mapping)(event)
    payload["v"].clear() if isinstance(payload["v"], (dict, list)) else None
    payload.get("w", []).clear()
    assert event == {"properties": {"product": {"id": "solo", "tags": [1]}, "products": [{"id": "p1"}], "tags": [1, 2]}}
