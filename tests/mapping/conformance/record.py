"""Record Segment's own outputs for many mapping cases, so CI (which has no node) can compare against them.

Run by hand, where Segment's engine is installed (``/work/shared/peer/setup.sh`` puts it in
``/tmp/segment-peer``)::

    .venv/bin/python tests/mapping/conformance/record.py [--peer /tmp/segment-peer] [--seed 7]

It generates cases (every directive with hand-picked options, the path probe table, JS-isms,
validation errors, Liquid templates, and seeded random mappings over random events), runs them through
``segment_peer.js`` and writes ``cases.jsonl`` next to this file: one line per case with the mapping,
the event (or ``event_ref``, naming a shared event file here) and Segment's answer (``ok`` value,
nothing for an absent result, or ``error``).
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from framework.testing.recordings import read_cases, write_recording

HERE = Path(__file__).parent
Case = dict[str, Any]

RICH_EVENT: dict[str, Any] = {
    "type": "identify",
    "userId": "u1",
    "a": {"b": 1, "c.d": 2, "sp ace": 3, "arr": [{"x": 1}, {"x": 2}], "zero": 0, "empty": "", "f": False, "s": "str"},
    "top key": "tk",
    "$": "dollar",
    "n": None,
    "traits": {
        "email": "Ada@Example.com",
        "first_name": "Ada",
        "age": 36,
        "score": 1.5,
        "tags": ["a", "b", None, 3],
        "address": {"city": "Paris", "zip": "75001", "geo": {"lat": 48.85, "lng": 2.35}},
        "blank": "",
        "spaces": "  ",
        "zero": 0,
        "no": False,
        "nothing": None,
        "empty_list": [],
        "list0": [0],
        "nested_empty": [[]],
        "unicode": "Éléonore 😀",
        "json": '{"k": [1, 2, {"z": null}]}',
        "not_json": "Hello World",
        "number_text": "42",
        "braces": "{{first_name}}",
        "big": 1e21,
        "tiny": 1e-7,
        "neg_zero": -0.0,
        "float_int": 5.0,
        "long_float": 123456789.123456789,
    },
    "properties": {
        "email": "prop@example.com",
        "products": [{"id": "p1", "price": 10, "qty": 2}, {"id": "p2", "price": 5.5}, {"price": None}],
        "product": {"id": "solo"},
        "nested": {"a": {"b": {"c": 1}}, "list": [1, [2, 3]], "e": {}, "ea": []},
        "dollar": "a-b$c",
        "plus": "many+different+things",
        "mixed": "aab-----AaB---aab",
        "which": "traits.email",
        "tmpl": "Hi {{traits.first_name}}",
        "items": [1, 2],
        "nulls": {"bar": None, "aces": {"a": 1, "b": 2, "c": None, "d": {"a": None, "b": None}}},
        "str_list": "ab",
    },
    "context": {"ip": "1.2.3.4", "library": {"name": "analytics.js"}},
    "integrations": {"Actions Amplitude": {"session_id": 12345}},
}

PATHS = [
    "$.a.b", "a.b", "$.a.arr[0].x", "a.arr.1.x", 'a.arr[1]["x"]', "$.a.zero.foo", "$.a.s.length", "$.n.x",
    'a["c.d"]', "a.sp ace", "$.top key", "$", "$.", "", ".", "$.a.arr[5].x", "a..b", "a.b.", "a.$.b",
    "$.$.a", "$.a.arr.length", "$.a.empty.length", "$.a.f.x", "$.a.s.0", "$.a.s[1]", "$.a.arr[01]",
    "$.a.arr[-1]", "a[b]", "$.traits.unicode.length", "$.traits.unicode.9", "$.traits.unicode.10",
    "$.integrations.Actions Amplitude.session_id", "$['traits']['email']", "$.traits['first_name']",
    "$.properties.products[1].price", "$.properties.products.2.price", "$.traits.tags.3",
    "$.traits.tags.2", "$.traits.tags.9", "$.traits.zero.x", "$.traits.no.x", "$.traits.age.x",
    "$.traits.age", "$.missing", "$.missing.deeper", "$.traits.address", "$.traits.geo",
    "$.traits.address.geo.lat", "properties.nested.list[1][0]", "properties.nested.list.1.1",
    "$.a.arr[0]x", "$.context.library.name", '$.a["sp ace"]', "$.a['b']", "$..b",
]  # fmt: skip

SCALARS: list[Any] = [
    None, True, False, 0, 1, -1, 2.5, 1e21, 1e-7, 123456789.123, 5.0, -0.0, "", "0", "  ", "x",
    "Hello World", "{{b}}", '{"k":1}', "42", "null", "é", "😀", "a,b", "true", "[object Object]",
]  # fmt: skip
KEYS = ["a", "b", "c", "x", "y", "email", "name", "0", "1", "sp ace", "arr", "n", "items", "k"]


def case(cid: str, mapping: Any, event: Any = None) -> Case:
    return {"id": cid, "kind": "transform", "mapping": mapping, "event": RICH_EVENT if event is None else event}


def p(path: str) -> dict[str, str]:
    return {"@path": path}


# --------------------------------------------------------------------------- hand-picked cases


def path_cases() -> Iterator[Case]:
    for i, path in enumerate(PATHS):
        yield case(f"path-{i}", {"v": {"@path": path}})
        yield case(f"path-root-{i}", {"@path": path})
        yield case(f"template-key-{i}", {"v": {"@template": "[{{" + path + "}}]"}})
        yield case(f"arraypath-{i}", {"v": {"@arrayPath": [path]}})


def template_cases() -> Iterator[Case]:
    templates = [
        "Hello {{traits.first_name}}!", "{{ traits.email }}", "{{{traits.email}}}", "{{traits.missing}}|",
        "{{n}}", "{{traits.tags}}", "{{traits.address}}", "{{traits.age}} {{traits.score}} {{traits.big}}",
        "{{traits.tiny}} {{traits.neg_zero}} {{traits.float_int}} {{traits.long_float}}", "{{traits.no}}",
        "{{traits.zero}}", "{{}}", "{{ }}", "{{a}", "{{a.b}}}", "{{{traits.braces}}}|{{traits.braces}}",
        "{{$.a}}", "{{$}}", "{{properties.nested.list}}", "{{traits.empty_list}}[{{traits.nested_empty}}]",
        "{{ traits.unicode }}", "no placeholders", "", "{{{a.b}}} and {{a.b}}", "{{a.arr}}", "{{a.arr[0]}}",
        "{{ a.s.length }}", "{{properties.products[0].price}}{{properties.products.1.price}}", "{{\ttraits.age\n}}",
    ]  # fmt: skip
    for i, template in enumerate(templates):
        yield case(f"template-{i}", {"v": {"@template": template}})
    yield case("template-dynamic", {"v": {"@template": p("$.properties.tmpl")}})
    yield case("template-dynamic-nonstring", {"v": {"@template": p("$.traits.age")}})
    yield case("template-dynamic-missing", {"v": {"@template": p("$.nope")}})


def literal_cases() -> Iterator[Case]:
    values: list[Any] = [
        *SCALARS,
        [],
        {},
        [1, {"@path": "$.a.b"}],
        {"a": p("$.a.b"), "b": p("$.nope")},
        {"x": {"y": [1, 2]}},
    ]
    for i, value in enumerate(values):
        yield case(f"literal-{i}", {"v": {"@literal": value}})
        yield case(f"raw-{i}", {"v": value})
    yield case("literal-nested-directive", {"v": {"@literal": p("$.traits.email")}})
    yield case("literal-invalid-inside", {"v": {"@literal": {"x": {"@oops": 1}}}})
    yield case("literal-invalid-path-inside", {"v": {"@literal": {"x": {"@path": 5}}}})


def if_cases() -> Iterator[Case]:
    conditions = [
        "$.traits.email", "$.traits.missing", "$.n", "$.traits.zero", "$.traits.no", "$.traits.blank",
        "$.traits.spaces", "$.traits.empty_list", "$.traits.list0", "$.traits.nested_empty", "$.traits.address",
        "$.traits.tags", "$.traits.number_text", "$.traits.age", "$.traits.neg_zero",
    ]  # fmt: skip
    branches: list[Any] = [p("$.traits.first_name"), None, False, 0, "", "text", p("$.nope"), {"@literal": None}]
    for i, cond in enumerate(conditions):
        for mode in ("exists", "blank"):
            yield case(f"if-{mode}-{i}", {"v": {"@if": {mode: p(cond), "then": "yes", "else": "no"}}})
        yield case(
            f"if-default-shape-{i}",
            {"v": {"@if": {"exists": p(cond), "then": p(cond), "else": p("$.properties.email")}}},
        )
    for i, branch in enumerate(branches):
        yield case(f"if-then-{i}", {"v": {"@if": {"exists": p("$.traits.email"), "then": branch}}})
        yield case(f"if-else-{i}", {"v": {"@if": {"exists": p("$.nope"), "then": 1, "else": branch}}})
    raw_conditions: list[Any] = [False, 0, "", None, True, 1, "x", [], {}]
    for i, raw in enumerate(raw_conditions):
        yield case(f"if-raw-exists-{i}", {"v": {"@if": {"exists": raw, "then": "t", "else": "e"}}})
        yield case(f"if-raw-blank-{i}", {"v": {"@if": {"blank": raw, "then": "t", "else": "e"}}})
    yield case(
        "if-both",
        {"v": {"@if": {"exists": p("$.traits.blank"), "blank": p("$.traits.blank"), "then": "t", "else": "e"}}},
    )
    yield case("if-none", {"v": {"@if": {"then": "t"}}})
    yield case("if-not-object", {"v": {"@if": "x"}})
    yield case("if-extra-key", {"v": {"@if": {"exists": p("$.a"), "then": 1, "other": 2}}})
    yield case("if-no-branches", {"v": {"@if": {"exists": p("$.a")}}})
    yield case(
        "if-nested",
        {"v": {"@if": {"exists": p("$.nope"), "then": 1, "else": {"@if": {"blank": p("$.traits.spaces"), "then": 2}}}}},
    )


def case_cases() -> Iterator[Case]:
    values: list[Any] = [
        p("$.traits.email"),
        p("$.traits.age"),
        p("$.nope"),
        p("$.n"),
        p("$.traits.address"),
        "MiXeD",
        "",
        p("$.traits.unicode"),
    ]
    for i, value in enumerate(values):
        for op in ("lower", "upper", "UPPER", "title", ""):
            yield case(f"case-{op or 'none'}-{i}", {"v": {"@case": {"operator": op, "value": value}}})
    yield case("case-no-operator", {"v": {"@case": {"value": "x"}}})
    yield case("case-no-value", {"v": {"@case": {"operator": "lower"}}})
    yield case("case-string-sharp-s", {"v": {"@case": {"operator": "upper", "value": "straße ǅ"}}})


def replace_cases() -> Iterator[Case]:
    texts: list[Any] = [
        p("$.properties.plus"), p("$.properties.mixed"), p("$.properties.dollar"), p("$.traits.age"),
        p("$.traits.no"), p("$.n"), p("$.nope"), p("$.traits.address"), "a-b", "", "héllo é",
    ]  # fmt: skip
    options: list[dict[str, Any]] = [
        {"pattern": "+", "replacement": "_"},
        {"pattern": "+", "replacement": "_", "global": False},
        {"pattern": "AaB", "replacement": "nice", "ignorecase": True},
        {"pattern": "-", "replacement": "[$&]"},
        {"pattern": "-", "replacement": "$$"},
        {"pattern": "-", "replacement": "$`"},
        {"pattern": "-", "replacement": "$'"},
        {"pattern": "-", "replacement": "$1"},
        {"pattern": "$", "replacement": "S"},
        {"pattern": "a", "pattern2": "b", "replacement2": "B"},
        {"pattern": "a", "pattern2": "b"},
        {"pattern": "é", "replacement": "e"},
        {"pattern": "3", "replacement": "three"},
        {"pattern": "true", "replacement": "granted", "pattern2": "false", "replacement2": "denied"},
        {"pattern": ".", "replacement": "!"},
        {"pattern": "a", "replacement": None},
        {"pattern": "a", "replacement": "x", "ignorecase": None, "global": None},
    ]
    for i, text in enumerate(texts):
        for j, option in enumerate(options):
            yield case(f"replace-{i}-{j}", {"v": {"@replace": {"value": text, **option}}})
    invalid: list[Any] = [
        {"value": "x"}, {"pattern": "", "value": "x"}, {"pattern": "12345678901", "value": "x"},
        {"pattern": "a", "replacement": "12345678901", "value": "x"}, {"pattern": "a", "global": "yes", "value": "x"},
        {"pattern": "a", "value": True}, {"pattern": "a", "value": 5}, {"pattern": 5, "value": "x"},
        {"pattern": "a", "ignorecase": 1, "value": "x"}, "nope", {"pattern": "a", "value": "x", "@x": 1},
        {"pattern": "a", "value": "aaa", "pattern2": "12345678901"},
    ]  # fmt: skip
    for i, option in enumerate(invalid):
        yield case(f"replace-invalid-{i}", {"v": {"@replace": option}})


def array_path_cases() -> Iterator[Case]:
    shapes: list[Any] = [
        None, {}, [], {"id": p("$.id"), "price": p("$.price")}, p("$.price"), {"all": p("$.")},
        {"z": p("$.x"), "all": p("$.")}, {"t": {"@template": "{{id}}:{{price}}"}},
    ]  # fmt: skip
    roots: list[Any] = [
        "$.properties.products", "properties.products", "$.properties.product", "$.properties.items",
        "$.properties.dollar", "$.nope", "$.n", p("$.properties.products"), {"@literal": [{"x": 1}, 2]},
        {"@literal": {"notAnArray": True}}, "$.a.arr", "$.traits.tags",
    ]  # fmt: skip
    for i, root in enumerate(roots):
        for j, shape in enumerate(shapes):
            option = [root] if shape is None else [root, shape]
            yield case(f"arraypath-shape-{i}-{j}", {"v": {"@arrayPath": option}})
    for i, bad in enumerate(["$.x", [], [5], {"a": 1}, [p("$.a"), {"@oops": 1}], ["$.a", "x"]]):
        yield case(f"arraypath-invalid-{i}", {"v": {"@arrayPath": bad}})
    yield case("arraypath-holes", {"v": {"@arrayPath": [{"@literal": [{"@path": "$.nope"}, 1]}, {"v": p("$.x")}]}})


def json_cases() -> Iterator[Case]:
    values: list[Any] = [
        p("$.traits"), p("$.traits.json"), p("$.traits.not_json"), p("$.traits.number_text"), p("$.nope"),
        p("$.n"), p("$.traits.age"), p("$.traits.tags"), p("$.traits.unicode"), {"a": p("$.nope"), "b": [p("$.nope")]},
        "x", '"bar"', "null", " [1, 2] ", "NaN", "Infinity", "1e400", '{"1": 1, "b": 2, "0": 0}', True,
        {"b": 1, "1": 2, "a": {"10": 1, "2": 2}}, "\u2028", "tab\there", [1.0, 2.5, 1e-7, 1e21, -0.0],
    ]  # fmt: skip
    for i, value in enumerate(values):
        for mode in ("encode", "decode", "ENCODE"):
            yield case(f"json-{mode}-{i}", {"v": {"@json": {"mode": mode, "value": value}}})
    for i, option in enumerate(
        [
            {"mode": "encode"},
            {"value": "x"},
            {"mode": "x", "value": "x"},
            "x",
            {"mode": "encode", "value": False},
            {"mode": "encode", "value": 0},
            {"mode": "decode", "value": None},
            {"mode": "encode", "value": ""},
        ]
    ):
        yield case(f"json-invalid-{i}", {"v": {"@json": option}})


def flatten_cases() -> Iterator[Case]:
    values: list[Any] = [
        p("$.properties.nested"), p("$.traits"), p("$.traits.tags"), "str", None, p("$.nope"),
        [{"fazz": "bar"}], {"a": {"b": 1}, "a.b": 2}, {"x": {"1": 1, "0": 0}}, p("$.properties.products"),
    ]  # fmt: skip
    for i, value in enumerate(values):
        for sep in (".", "_", "::"):
            yield case(f"flatten-{i}-{sep}", {"v": {"@flatten": {"value": value, "separator": sep}}})
        yield case(f"flatten-omit-{i}", {"v": {"@flatten": {"value": value, "separator": ".", "omitArrays": True}}})
    for i, option in enumerate(
        [
            {"value": p("$.a")},
            {"value": p("$.a"), "separator": ""},
            {"value": p("$.a"), "separator": p("$.a.s")},
            {"separator": "."},
            "x",
            {"value": 1, "separator": 5},
        ]
    ):
        yield case(f"flatten-invalid-{i}", {"v": {"@flatten": option}})


def merge_cases() -> Iterator[Case]:
    object_lists: list[Any] = [
        [p("$.traits.address"), p("$.properties.product")],
        [{"a": 1, "b": 2}, {"b": 3, "c": None}],
        [{"a": 1}, {"a": p("$.nope")}],
        [p("$.n"), p("$.nope"), {"x": 1}],
        [p("$.properties.str_list"), {"z": 1}],
        [p("$.traits.tags"), {"0": "zero"}],
        [p("$.traits.age"), {"k": True}],
        [{"a": {"deep": 1}}, {"a": {"other": 2}}],
        [],
    ]
    for i, objects in enumerate(object_lists):
        for direction in ("right", "left", "LEFT"):
            yield case(f"merge-{direction}-{i}", {"v": {"@merge": {"direction": direction, "objects": objects}}})
    for i, option in enumerate(
        [
            {"objects": [{"a": 1}]},
            {"direction": "right"},
            {"direction": "right", "objects": {}},
            {"direction": "up", "objects": []},
            {"direction": "right", "objects": [1, "x"]},
            "x",
            {"direction": "right", "objects": [{"@oops": 1}, {"k": {"@path": 1}}]},
        ]
    ):
        yield case(f"merge-invalid-{i}", {"v": {"@merge": option}})


def transform_cases() -> Iterator[Case]:
    apply = {"properties": {"@flatten": {"value": p("$.properties"), "separator": "_"}}}
    mapping = {"properties": p("$.properties"), "topLevel": p("$.properties.nested_a_b_c")}
    yield case("transform-basic", {"v": {"@transform": {"apply": apply, "mapping": mapping}}})
    yield case(
        "transform-directive-mapping", {"v": {"@transform": {"apply": {"x": p("$.traits.email")}, "mapping": p("$.x")}}}
    )
    yield case(
        "transform-absent",
        {
            "v": {
                "@transform": {
                    "apply": {"x": p("$.nope"), "l": [p("$.nope")]},
                    "mapping": {"x": p("$.x"), "l": p("$.l"), "l0": p("$.l.0")},
                }
            }
        },
    )
    yield case(
        "root-directive",
        {
            "__segment_internal_directive": {"@transform": {"apply": apply}},
            "out": p("$.properties.nested_list_1_0"),
            "email": p("$.properties.email"),
        },
    )
    yield case("root-directive-path", {"__segment_internal_directive": {"@path": "$.a"}, "x": 1})
    yield case("root-directive-string", {"__segment_internal_directive": "str", "x": 1})
    yield case("root-directive-one-char", {"__segment_internal_directive": "s", "x": 1})
    yield case("root-directive-null", {"__segment_internal_directive": None, "x": 1})
    yield case("root-directive-two", {"__segment_internal_directive": {"a": {}, "b": {}}, "x": 1})
    yield case("root-directive-empty", {"__segment_internal_directive": {}, "x": 1})
    yield case("root-directive-object", {"__segment_internal_directive": {"wrap": {"k": 1}}, "x": 1})
    yield case(
        "root-directive-invalid",
        {"__segment_internal_directive": {"@transform": {"apply": {"k": {"@oops": 1}}}}, "x": 1},
    )
    for i, option in enumerate(
        [
            {"apply": {"a": 1}},
            {"mapping": {"a": 1}},
            {"apply": p("$.a"), "mapping": {"a": 1}},
            {"apply": 5, "mapping": {}},
            "x",
            {"apply": {"a": {"@path": 5}}, "mapping": {"a": p("$.a")}},
        ]
    ):
        yield case(f"transform-invalid-{i}", {"v": {"@transform": option}})
    yield case(
        "transform-in-arraypath",
        {"v": {"@arrayPath": ["$.traits.tags", {"@transform": {"apply": {"x": p("$.")}, "mapping": p("$.x")}}]}},
    )


def exclude_cases() -> Iterator[Case]:
    values: list[Any] = [
        p("$.properties.nulls"),
        p("$.n"),
        p("$.nope"),
        "",
        [None, {"a": None}],
        {"a": None, "b": {"c": None, "d": 1}},
        0,
        p("$.traits"),
    ]
    for i, value in enumerate(values):
        yield case(f"exclude-{i}", {"v": {"@excludeWhenNull": value}})


def top_level_cases() -> Iterator[Case]:
    mappings: list[Any] = [
        "neat",
        123,
        ["cool", p("$.a.b")],
        None,
        True,
        p("$.a"),
        p("$.nope"),
        {},
        [],
        {"_metadata": {"x": 1}, "a": 1},
        {"@path": "$.a.b", "_metadata": {"label": "x"}},
        {"a": [{"@oops": 5}]},
        {"a": [{"@path": 5}]},
        {"a": [{"@path": "$.a.b", "b": 1}]},
        {"a": {"@path": "$.a.b", "b": 1}},
        {"a": [{"@path": "$.a.b", "@template": "x"}]},
        {"x": {"y": {"z": p("$.nope")}}},
        {"a": [p("$.nope"), {"b": p("$.nope")}]},
    ]
    for i, mapping in enumerate(mappings):
        yield case(f"top-{i}", mapping)
    odd_events: list[Any] = [[], None, "x", 5, True]
    for i, event in enumerate(odd_events):
        yield case(f"event-type-{i}", {"v": p("$.a")}, event)


def validation_cases() -> Iterator[Case]:
    mappings: list[Any] = [
        {"obj": {"@path": "$.a", "@template": "x"}, "hash": {"@template": {"a": 1}}},
        {"@oops": 1}, {"a": {"@Path": "x"}}, {"a": {"@": 1}}, {"a": {"@path": "$.a", "bar": "baz"}},
        {"a": {"@path": "$.a", "bar": "baz", "_metadata": 1}}, {"a": {"@path": 5}}, {"a": {"@path": None}},
        {"a": {"@path": []}}, {"a": {"@path": True}}, {"a": {"@template": 1.5}}, {"a": {"@liquid": 5}},
        {"a": {"@liquid": {"@path": "$.a"}}}, {"a": {"@liquid": []}}, {"a": {"@liquid": True}}, {"a": {"@if": "x"}},
        {"a": {"@if": {"then": {"@oops": 1}}}}, {"a": {"@if": {"exists": {"@path": 1}, "then": {"@path": 2}, "else": {"@path": 3}}}},
        {"a": {"@if": {"blank": {"@oops": 1}}}}, {"a": {"@if": {"@path": "x"}}}, {"a": {"@case": {"operator": 1, "value": 2}}},
        {"a": {"@case": "x"}}, {"a": {"@replace": {}}}, {"a": {"@replace": {"pattern": 1, "replacement": 2, "value": 3, "ignorecase": "x", "global": "y"}}},
        {"a": {"@arrayPath": "x"}}, {"a": {"@arrayPath": []}}, {"a": {"@arrayPath": [1]}}, {"a": {"@arrayPath": ["$.a", {"x": {"@oops": 1}}]}},
        {"a": {"@arrayPath": ["$.a", {"@oops": 1}]}}, {"a": {"@json": {}}}, {"a": {"@json": {"mode": "x", "value": 1}}},
        {"a": {"@json": {"mode": 5, "value": {"@oops": 1}}}}, {"a": {"@flatten": {"separator": {"@path": "$.x"}, "value": 1}}},
        {"a": {"@flatten": {}}}, {"a": {"@merge": {"objects": [1, "x", {"@oops": 1}, {"k": {"@oops": 2}}]}}},
        {"a": {"@merge": {"direction": "up", "objects": "x"}}}, {"a": {"@merge": {}}}, {"a": {"@transform": {}}},
        {"a": {"@transform": {"apply": 1, "mapping": []}}}, {"a": {"@transform": {"apply": {"x": {"@oops": 1}}, "mapping": {"@oops": 2}}}},
        {"a": {"@literal": {"@oops": 1}}}, {"a": {"@excludeWhenNull": {"@oops": 1}}}, {"a": {"b": {"c": {"@oops": 1}}, "d": {"@path": 1}}},
        {"a": {"@if": {"exists": {"@path": "x"}, "then": {"a": {"@oops": 1}}, "else": 1}}}, {"a": {"@replace": {"pattern": "a", "value": "x", "@k": 1}}},
        {"a": {"@replace": {"pattern": "ab", "value": "x", "replacement": "12345678901"}}}, {"a": {"@replace": {"pattern": "😀😀😀😀😀😀", "value": "x"}}},
        {"a": {"@if": {"exists": {"@path": "$.a"}, "then": {"k": 1}, "_metadata": {"@x": 1}}}}, {"a": {"@json": {"mode": "ENCODE", "value": "x"}}},
        {"a": {"@merge": {"direction": "LEFT", "objects": [{"@path": "$.a"}]}}}, {"a": {"@first": ["$.a"]}},
    ]  # fmt: skip
    for i, mapping in enumerate(mappings):
        yield case(f"validation-{i}", mapping)


def divergence_cases() -> Iterator[Case]:
    """Cases that show the documented divergences (docs/mapping.md), recorded so the gap stays visible."""
    yield case("proto-path", {"v": {"@path": "$.a.constructor"}, "w": {"@path": "$.a.s.toUpperCase"}})
    yield case(
        "proto-if-exists",
        {"v": {"@if": {"exists": {"@path": "$.a.constructor"}, "then": "function", "else": "absent"}}},
    )
    yield case("big-integer", {"v": {"@path": "$.big"}}, {"big": 12345678901234567890})
    yield case("null-mapping", None)


def runtime_cases() -> Iterator[Case]:
    """Directives inside arrays are not validated: their option checks happen when resolved."""
    options: list[Any] = [
        {"@if": "x"}, {"@if": {"exists": 0, "blank": p("$.a")}}, {"@if": {"exists": None, "then": 1, "else": 2}},
        {"@case": "x"}, {"@case": {"operator": 5, "value": "X"}}, {"@case": {"operator": "lower", "value": 5}},
        {"@replace": "x"}, {"@replace": {"pattern": 5, "value": "a5"}}, {"@replace": {"pattern": "a", "value": "aa", "global": "no"}},
        {"@replace": {"pattern": "a", "value": "aa", "pattern2": 5}}, {"@arrayPath": "x"}, {"@arrayPath": [5, {"x": 1}]},
        {"@json": "x"}, {"@json": {"mode": "encode"}}, {"@json": {"mode": 5, "value": "x"}}, {"@flatten": "x"},
        {"@flatten": {"separator": 5, "value": {"a": {"b": 1}}}}, {"@flatten": {"separator": p("$.a.s"), "value": {"a": {"b": 1}}}},
        {"@merge": "x"}, {"@merge": {"direction": "left"}}, {"@merge": {"direction": "left", "objects": "x"}},
        {"@merge": {"direction": "left", "objects": [1, True, "xy", None, {"k": 1}]}}, {"@merge": {"direction": p("$.a.s"), "objects": [{"a": 1}]}},
        {"@transform": "x"}, {"@transform": {"apply": 5, "mapping": {}}}, {"@transform": {"mapping": {"a": 1}}},
        {"@transform": {"apply": {"a": {"@oops": 1}}, "mapping": {"a": 1}}}, {"@liquid": 5}, {"@liquid": ""},
        {"@path": 5}, {"@path": None}, {"@path": ["$.a"]}, {"@template": 5}, {"@template": {"@literal": 5}},
        {"@literal": [1, {"@oops": 2}]}, {"@excludeWhenNull": {"@oops": 1}}, {"@path": "$.a", "_metadata": 1, "extra": 2},
        {"@path": "$.a.b", "@template": "x"}, {"@Path": "$.a"},
    ]  # fmt: skip
    for i, option in enumerate(options):
        yield case(f"runtime-{i}", {"r": [option]})


LIQUID = [
    "{{ traits.first_name | upcase }}", "{{ traits.email | downcase }}", "{{ traits.first_name | append: '!' }}",
    "{{ traits.first_name | prepend: 'Dr. ' }}", "{{ traits.missing | default: 'none' }}", "{{ traits.blank | default: 'none' }}",
    "{{ traits.no | default: 'none' }}", "{{ traits.age | plus: 1 }}", "{{ traits.age | minus: 1.5 }}", "{{ traits.age | times: 2 }}",
    "{{ traits.age | divided_by: 5 }}", "{{ traits.age | divided_by: 5.0 }}", "{{ traits.first_name | size }}", "{{ traits.tags | size }}",
    "{{ '  x  ' | strip }}|", "{{ 'a,b,c' | split: ',' | join: '-' }}", "{{ traits.tags | first }}", "{{ traits.tags | last }}",
    "{{ traits.email | replace: 'Example', 'X' }}", "{{ 'Hello World' | truncate: 8 }}", "{{ traits.first_name }}", "{{ traits }}",
    "{{ traits.tags }}", "{{ traits.age }}", "{{ traits.score }}", "{% if traits.age > 30 %}old{% else %}young{% endif %}",
    "{% if traits.blank %}truthy{% else %}falsy{% endif %}", "{% if traits.zero %}truthy{% endif %}", "{% unless traits.no %}no{% endunless %}",
    "{% assign x = traits.first_name | upcase %}{{ x }}-{{ x | size }}", "{% capture c %}{{ traits.age }}!{% endcapture %}{{ c }}{{ c }}",
    "{% for t in traits.tags %}{{ t }}{% endfor %}", "{% case traits.age %}{% when 36 %}yes{% endcase %}", "{{ traits.tags | reverse }}",
    "{{ traits.tags | sort }}", "{{ traits.first_name | nosuchfilter }}", "{{ $.traits.email }}", "{{ traits.first_name", "{% if %}",
    "{{ traits.email | split: '@' | last }}", "{{ traits.first_name | slice: 1, 2 }}", "{{ 'now' | date: '%Y' | size }}",
    "{{ '2024-01-15T10:20:30Z' | date: '%Y-%m-%d %H:%M' }}", "{{ 1700000000 | date: '%Y-%m-%d' }}", "{{ traits.missing.deeper }}",
    "{% if traits.age == 36 and traits.first_name == 'Ada' %}both{% endif %}", "{% if traits.missing or traits.age %}or{% endif %}",
    "{% if traits.tags contains 'a' %}has{% endif %}", "{% if traits.email contains 'Example' %}has{% endif %}",
    "{% if traits.age >= 36 %}ge{% elsif traits.age < 0 %}neg{% else %}x{% endif %}", "{{ traits.first_name | remove: 'a' }}",
    "{{ traits.first_name | capitalize }}", "{{ 'ada lovelace' | capitalize }}", "{{ traits.score | round }}", "{{ 2.567 | round: 2 }}",
    "{{ 4.2 | ceil }}{{ 4.8 | floor }}", "{{ -3 | abs }}", "{{ 10 | modulo: 3 }}", "{{ 'a b' | url_encode }}", "{{ '<p>' | escape }}",
    "{{ 'x' | append: traits.age }}", "{{ traits.age | at_least: 40 }}{{ traits.age | at_most: 40 }}", "{{ 'abc' | remove_first: 'b' }}",
    "{{ 'aXbXc' | replace_first: 'X', '-' }}", "{{ 'one two three' | truncatewords: 2 }}", "{{ traits.address.city }}", "{{ traits['first_name'] }}",
    "{{ traits.tags[0] }}", "{{ traits.tags.size }}", "{{ traits.tags.first }}", "{{ traits.first_name.size }}", "{% raw %}{{ x }}{% endraw %}",
    "{% comment %}hidden{% endcomment %}shown", "{{ nil }}|{{ true }}|{{ false }}", "{{ 'x' | json }}", "{{ traits.address | json }}",
    "{{ traits.unicode | upcase }}", "{{ traits.braces }}", "{{ 'A' | downcase | upcase | append: 'b' }}", "{%- if true -%}  trim  {%- endif -%}",
    "{{ '5' | plus: 3 }}", "{{ 'abc' | plus: 1 }}", "{{ 7 | divided_by: 2 }}", "{{ 7 | divided_by: 0 }}", "{{ 1.1 | plus: 2.2 }}",
    "{{ traits.age | minus: 36 }}", "{{ 3 | times: 1.5 }}", "{{ 'a,b' | split: ',' }}", "{{ 'abc' | slice: -2 }}", "{{ 'x' | lstrip }}{{ ' y ' | rstrip }}|",
    "{{ 'abc' | upcase | downcase }}", "{{ traits.tags | join: ', ' }}", "{{ traits.tags | compact | join: ',' }}", "{{ 'AbC' | downcase }}",
    "{{ traits.nothing | default: 'd' }}", "{{ traits.empty_list | default: 'd' }}", "{{ '' | default: 'd', allow_false: true }}",
    "{% assign n = 5 %}{% if n > 3 %}{{ n | times: 2 }}{% endif %}", "{% if traits.first_name != 'Bob' %}notbob{% endif %}",
    "{% if traits.age < 40 and traits.age > 30 or false %}range{% endif %}", "{% if traits.nothing == nil %}nil{% endif %}",
    "{% if traits.blank == empty %}empty{% endif %}", "{% if traits.tags == empty %}e{% else %}ne{% endif %}", "{{ 'a' | newline_to_br }}",
    "{{ traits | map: 'x' }}", "{% include 'x' %}", "{% tablerow t in traits.tags %}{% endtablerow %}", "{{ 'x' | concat: traits.tags }}",
    "{% increment c %}{% increment c %}", "{% echo traits.first_name | upcase %}", "{% liquid assign y = 2\necho y %}",
    "{{ traits.age | plus: traits.score }}", "{{ 1e21 | plus: 0 }}", "{{ 0.1 | plus: 0.2 }}", "{{ traits.tags | size | plus: 1 }}",
    "{{ 'x' | strip_html }}{{ '<b>y</b>' | strip_html }}", "{{ 'a\nb' | strip_newlines }}", "{{ 'Hello' | md5 }}", "{{ 'é' | url_decode }}",
    "{{ traits.first_name | default: 'x' | upcase }}", "{{traits.first_name}}{{traits.first_name}}", "plain text", "{{ 'a' }}{{ \"b\" }}",
    "{{ (1..3) }}", "{{ traits.score | times: 100 | round }}", "{{ 100 | divided_by: 3 | round: 2 }}", "{{ -0.0 }}", "{{ 5.0 }}",
    "{{ traits.tags | sum }}", "{{ properties.products | sum: 'price' }}", "{{ traits.tags | push: 'z' | join: ',' }}",
    "{{ traits.tags | unshift: 'z' | join: ',' }}", "{{ traits.tags | pop | join: ',' }}", "{{ traits.tags | shift | join: ',' }}",
    "{{ traits.unicode | slugify }}", "{{ 'Héllo Wörld, ça va?' | slugify: 'latin' }}", "{{ 'A b_C' | slugify: 'ascii', true }}",
    "{{ 'a  b\tc' | slugify: 'raw' }}", "{{ 'Héllo, ça va?' | cgi_escape }}", "{{ \"a b[1]?x=é&y='z'\" | uri_escape }}",
    "{{ '  a \n b  ' | normalize_whitespace }}|", "{{ 'one two  three' | number_of_words }}", "{{ '日本語 text' | number_of_words: 'cjk' }}",
    "{{ traits.unicode | base64_encode }}", "{{ 'SGVsbG8=' | base64_decode }}", "{{ 'Hello' | sha256 }}", "{{ 'Hello' | hmac_sha256: 'key' }}",
    "{{ '2024-01-05T10:20:30Z' | date_to_xmlschema }}", "{{ '2024-01-05T10:20:30Z' | date_to_rfc822 }}",
    "{{ '2024-01-05T10:20:30Z' | date_to_string }}", "{{ '2024-01-22T10:20:30Z' | date_to_string: 'ordinal', 'US' }}",
    "{{ '2024-01-03T10:20:30Z' | date_to_long_string: 'ordinal' }}", "{{ traits.address | inspect }}", "{{ 'x' | base64_decode }}",
    "{{ '2024-03-09T05:06:07.089Z' | date: '%a %A %b %B %C %d %e %H %I %j %k %l %L %m %M %p %P %q %s %S %u %U %w %W %y %Y %z %% %-d %_m %05Y %^a %#B %N' }}",
]  # fmt: skip


def liquid_cases() -> Iterator[Case]:
    for i, template in enumerate(LIQUID):
        yield case(f"liquid-{i}", {"v": {"@liquid": template}})
    yield case("liquid-too-long", {"v": {"@liquid": "x" * 1001}})
    yield case("liquid-max", {"v": {"@liquid": "{{ traits.age }}" + "y" * 984}})
    yield case("liquid-empty", {"v": {"@liquid": ""}})
    yield case(
        "liquid-data-not-template",
        {"v": {"@liquid": "{{ traits.braces }}"}},
        {"traits": {"braces": "{{ secret }}", "secret": "leak"}},
    )


def pardot_cases() -> Iterator[Case]:
    fields = {
        "email": "email",
        "firstName": "first_name",
        "lastName": "last_name",
        "phone": "phone",
        "company": "company",
        "jobTitle": "title",
        "city": "address.city",
        "state": "address.state",
        "zip": "address.postal_code",
        "country": "address.country",
        "website": "website",
        "salesforceId": "salesforce_id",
    }
    mapping: dict[str, Any] = {
        k: {"@if": {"exists": p(f"$.traits.{v}"), "then": p(f"$.traits.{v}"), "else": p(f"$.properties.{v}")}}
        for k, v in fields.items()
    }
    mapping["secondaryDeletedSearch"] = True
    events = [
        {"type": "identify", "traits": {"email": "a@b.c", "first_name": "A", "address": {"city": "Paris"}}},
        {"type": "track", "properties": {"email": "p@b.c", "phone": None, "address": {"city": "Rome", "state": ""}}},
        {"type": "identify", "traits": {"email": None, "company": 0}, "properties": {"email": "fallback@x.y"}},
        {"type": "identify", "traits": {"address": "not-an-object", "website": False}},
        {},
    ]
    for i, event in enumerate(events):
        yield case(f"pardot-{i}", mapping, event)


# --------------------------------------------------------------------------- random cases

LIQUID_VALUES = [
    "traits.first_name", "traits.age", "traits.score", "traits.tags", "traits.blank", "traits.spaces", "traits.zero",
    "traits.no", "traits.nothing", "traits.missing", "traits.address.city", "traits.tags[1]", "traits.tags.size",
    "traits.email", "traits.unicode", "traits.number_text", "properties.items", "'text'", "'A,b,C'", '"q"', "3",
    "-2", "1.5", "0", "true", "false", "nil", "empty", "blank", "traits.tags.first", "traits.long_float",
]  # fmt: skip
LIQUID_FILTERS = [
    "upcase", "downcase", "capitalize", "size", "first", "last", "strip", "lstrip", "rstrip", "escape",
    "url_encode", "json", "abs", "ceil", "floor", "round", "compact", "strip_newlines", "strip_html",
    "append: {v}", "prepend: {v}", "default: {v}", "plus: {v}", "minus: {v}", "times: {v}", "divided_by: {v}",
    "modulo: {v}", "at_least: {v}", "at_most: {v}", "round: 1", "split: ','", "join: '-'", "replace: 'a', 'X'",
    "replace_first: 'a', 'X'", "remove: 'a'", "truncate: 5", "truncatewords: 1", "slice: 1", "slice: -3, 2",
    "date: '%Y-%m-%d %a %b %j'",
]  # fmt: skip
LIQUID_OPERATORS = ["==", "!=", ">", "<", ">=", "<=", "contains"]


def random_liquid_output(rng: random.Random) -> str:
    expression = rng.choice(LIQUID_VALUES)
    for _ in range(rng.randint(0, 3)):
        expression += " | " + rng.choice(LIQUID_FILTERS).replace("{v}", rng.choice(LIQUID_VALUES))
    return "{{ " + expression + " }}"


def random_liquid_condition(rng: random.Random) -> str:
    parts = []
    for _ in range(rng.randint(1, 3)):
        left = rng.choice(LIQUID_VALUES)
        parts.append(
            f"{left} {rng.choice(LIQUID_OPERATORS)} {rng.choice(LIQUID_VALUES)}" if rng.random() < 0.7 else left
        )
    joined = parts[0]
    for part in parts[1:]:
        joined += f" {rng.choice(['and', 'or'])} {part}"
    return joined


def random_liquid(rng: random.Random) -> str:
    pieces = []
    for _ in range(rng.randint(1, 3)):
        roll = rng.random()
        if roll < 0.5:
            pieces.append(random_liquid_output(rng))
        elif roll < 0.8:
            pieces.append(f"{{% if {random_liquid_condition(rng)} %}}T{{% else %}}F{{% endif %}}")
        else:
            pieces.append(f"{{% assign v = {random_liquid_output(rng)[3:-3]} %}}[{{{{ v }}}}]")
    return "|".join(pieces)


def random_liquid_cases(seed: int, count: int) -> Iterator[Case]:
    rng = random.Random(seed + 1)
    for i in range(count):
        yield case(f"liquid-random-{i}", {"v": {"@liquid": random_liquid(rng)}})


def random_value(rng: random.Random, depth: int) -> Any:
    roll = rng.random()
    if depth <= 0 or roll < 0.55:
        return rng.choice(SCALARS)
    if roll < 0.75:
        return [random_value(rng, depth - 1) for _ in range(rng.randint(0, 3))]
    return {rng.choice(KEYS): random_value(rng, depth - 1) for _ in range(rng.randint(0, 4))}


def random_event(rng: random.Random) -> dict[str, Any]:
    event = {key: random_value(rng, 3) for key in rng.sample(KEYS, rng.randint(1, 7))}
    if rng.random() < 0.5:
        event["a"] = {
            "b": random_value(rng, 2),
            "arr": [random_value(rng, 2) for _ in range(3)],
            "s": rng.choice(["str", "", "😀x"]),
        }
    return event


def random_path(rng: random.Random) -> str:
    parts = [rng.choice(KEYS + ["length", "0", "1", "b", "s", "arr"]) for _ in range(rng.randint(0, 3))]
    style = rng.random()
    if style < 0.2:
        text = parts[0] if parts else ""
        for part in parts[1:]:
            text += f"[{part}]" if part.isdigit() else f'["{part}"]'
        return "$." + text if rng.random() < 0.7 else text
    return ("$." if rng.random() < 0.8 else "") + ".".join(parts)


def random_mapping(rng: random.Random, depth: int) -> Any:
    if depth <= 0 or rng.random() < 0.25:
        return rng.choice(
            [
                {"@path": random_path(rng)},
                rng.choice(SCALARS),
                {"@template": "{{" + random_path(rng).replace("$.", "") + "}}!"},
            ]
        )
    kind = rng.choice(
        [
            "path",
            "template",
            "literal",
            "if",
            "case",
            "replace",
            "arrayPath",
            "json",
            "flatten",
            "merge",
            "transform",
            "exclude",
            "object",
            "array",
            "dynpath",
            "liquid",
        ]
    )
    sub = lambda: random_mapping(rng, depth - 1)  # noqa: E731
    if kind == "path":
        return {"@path": random_path(rng)}
    if kind == "dynpath":
        return {"@path": {"@literal": random_path(rng)}}
    if kind == "template":
        return {
            "@template": " ".join("{{" + random_path(rng).replace("$.", "", 1) + "}}" for _ in range(rng.randint(1, 3)))
        }
    if kind == "literal":
        return {"@literal": random_value(rng, 2) if rng.random() < 0.7 else sub()}
    if kind == "if":
        option: dict[str, Any] = {rng.choice(["exists", "blank"]): sub()}
        if rng.random() < 0.8:
            option["then"] = sub()
        if rng.random() < 0.8:
            option["else"] = sub()
        return {"@if": option}
    if kind == "case":
        return {"@case": {"operator": rng.choice(["lower", "upper"]), "value": {"@path": random_path(rng)}}}
    if kind == "replace":
        return {
            "@replace": {
                "value": {"@path": random_path(rng)},
                "pattern": rng.choice(["a", "1", "o", ",", "."]),
                "replacement": rng.choice(["", "X", "$&$&"]),
                "global": rng.random() < 0.5,
            }
        }
    if kind == "arrayPath":
        return {
            "@arrayPath": [random_path(rng), {"v": sub(), "w": {"@path": "$."}}]
            if rng.random() < 0.7
            else [random_path(rng)]
        }
    if kind == "json":
        return {"@json": {"mode": rng.choice(["encode", "decode"]), "value": {"@path": random_path(rng)}}}
    if kind == "flatten":
        return {"@flatten": {"value": sub(), "separator": rng.choice([".", "_"]), "omitArrays": rng.random() < 0.3}}
    if kind == "merge":
        return {
            "@merge": {
                "direction": rng.choice(["left", "right"]),
                "objects": [{"@path": random_path(rng)}, {"k": sub()}],
            }
        }
    if kind == "transform":
        return {"@transform": {"apply": {"t": sub()}, "mapping": {"u": {"@path": "$.t"}}}}
    if kind == "exclude":
        return {"@excludeWhenNull": sub()}
    if kind == "liquid":
        return {"@liquid": "{{ " + random_path(rng).replace("$.", "", 1).strip(".") + " | default: 'd' }}"}
    if kind == "array":
        return [sub() for _ in range(rng.randint(0, 3))]
    return {rng.choice(KEYS): sub() for _ in range(rng.randint(1, 3))}


def random_cases(seed: int, count: int) -> Iterator[Case]:
    rng = random.Random(seed)
    for i in range(count):
        mapping = {f"f{j}": random_mapping(rng, 3) for j in range(rng.randint(1, 4))}
        yield case(f"random-{i}", mapping, random_event(rng))


# --------------------------------------------------------------------------- running the peer


def all_cases(seed: int, random_count: int) -> list[Case]:
    generators = [
        path_cases, template_cases, literal_cases, if_cases, case_cases, replace_cases, array_path_cases,
        json_cases, flatten_cases, merge_cases, transform_cases, exclude_cases, top_level_cases,
        validation_cases, runtime_cases, divergence_cases, liquid_cases, pardot_cases,
    ]  # fmt: skip
    cases = [c for generate in generators for c in generate()]
    cases.extend(random_cases(seed, random_count))
    cases.extend(random_liquid_cases(seed, 600))
    ids = [c["id"] for c in cases]
    assert len(ids) == len(set(ids)), "duplicate case ids"
    return cases


def kept_cases(recording: Path, generated: set[str]) -> list[Case]:
    """Cases added to the recording by hand (fuzzing finds, ``fuzz-liquid-*``): sent to Segment again,
    so regenerating the file re-records them instead of dropping them."""
    if not recording.exists():
        return []
    kept = []
    for line in read_cases(recording):
        if line["id"] not in generated:
            event = RICH_EVENT if "event_ref" in line else line["event"]
            kept.append({"id": line["id"], "kind": "transform", "mapping": line["mapping"], "event": event})
    return kept


def run_peer(peer: Path, cases: list[Case]) -> dict[str, dict[str, Any]]:
    """Send every case to Segment's engine in one process; answers keyed by case id."""
    lines = "".join(json.dumps(c) + "\n" for c in cases)
    done = subprocess.run(
        ["node", str(peer / "segment_peer.js")], input=lines, capture_output=True, text=True, check=True
    )
    answers = (json.loads(line) for line in done.stdout.split("\n") if line.strip())
    return {answer.pop("id"): answer for answer in answers}


def tidy(answer: dict[str, Any]) -> dict[str, Any]:
    """Keep an AggregateError's messages, not its stack traces (they name this machine's paths)."""
    error = answer.get("error")
    if error and error.get("name") == "AggregateError":
        lines = error["message"].split("\n")
        messages = [
            line.strip()[len("ValidationError: ") :] for line in lines if line.strip().startswith("ValidationError: ")
        ]
        answer["error"] = {"name": "AggregateError", "messages": messages}
    elif error and error.get("name") == "ValidationError":
        answer["error"] = {"name": "ValidationError", "messages": [error["message"]]}
    if error:
        answer["error"] = {key: value for key, value in answer["error"].items() if value is not None}
    return answer


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--peer", type=Path, default=Path("/tmp/segment-peer"))
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--random", type=int, default=1500, help="number of random cases")
    parser.add_argument("--out", type=Path, default=HERE / "cases.jsonl")
    args = parser.parse_args()
    cases = all_cases(args.seed, args.random)
    cases += kept_cases(args.out, {c["id"] for c in cases})
    answers = run_peer(args.peer, cases)
    (args.out.parent / "rich_event.json").write_text(json.dumps(RICH_EVENT, indent=2) + "\n", encoding="utf-8")
    records = []
    for c in cases:
        # The shared rich event is stored once (rich_event.json) and referenced, to keep the file small.
        event = {"event_ref": "rich_event.json"} if c["event"] is RICH_EVENT else {"event": c["event"]}
        records.append({"id": c["id"], "mapping": c["mapping"], **event, **tidy(answers[c["id"]])})
    write_recording(
        args.out,
        records,
        generator="tests/mapping/conformance/record.py",
        seed=args.seed,
        peer=args.peer,
        ensure_ascii=True,
    )  # some cases hold lone surrogates, as JavaScript strings may
    print(f"recorded {len(cases)} cases to {args.out}")


if __name__ == "__main__":
    main()
