"""Regenerates ``segment_validation.jsonl``: validation cases and what Segment's engine answered.

Run from the repository root after ``../shared/peer/setup.sh``::

    .venv/bin/python tests/definition/conformance/record.py

Each line is one case (fields in Segment's own camelCase shape, a payload or settings object) with
Segment's answer: ``ok`` (the cleaned, coerced object) or ``errors`` (its human messages).
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import json
import os
import random
import subprocess
from pathlib import Path
from typing import Any

from framework.testing.recordings import write_recording

HERE = Path(__file__).parent
PEER = Path(os.environ.get("PEER_DIR", "/tmp/segment-peer"))  # where record_segment.js finds Segment's engine


def _peer_from_arguments() -> Path:
    """``--peer DIR`` (default ``$PEER_DIR`` or /tmp/segment-peer), passed on to record_segment.js."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--peer", type=Path, default=PEER)
    peer: Path = parser.parse_args().peer
    os.environ["PEER_DIR"] = str(peer)
    return peer


DATE_LIKE_SEED = 11  # the generator of the random date-like strings

VALUES: list[Any] = [
    None,
    "",
    "x",
    "5",
    " 5 ",
    "0x10",
    "1e3",
    "1.5",
    "-1",
    "true",
    "false",
    "yes",
    0,
    1,
    5,
    1.5,
    -1,
    True,
    False,
    [],
    ["a"],
    ["5"],
    [1, 2],
    [None],
    ["", "a", None, 3],
    [True],
    [[1]],
    {},
    {"x": "1"},
    {"x": "", "y": None},
    [{"x": "1"}],
    [{"x": None}],
    "2024-01-02",
    "01/02/2024",
    "January 2, 2024",
    "2024-13-45",
    "abc",
    "1700000000",
    "2024-01-02T03:04:05Z",
    "a@b.co",
    "https://x.io/p",
    "192.168.0.1",
    "héllo wörld",
    "ab",
]

OPTIONS: list[dict[str, Any]] = [
    {},
    {"multiple": True},
    {"allowNull": True},
    {"multiple": True, "allowNull": True},
    {"required": True},
]

PROPERTIES = {"x": {"label": "X", "type": "number"}, "y": {"label": "Y", "type": "string", "required": True}}

EXTRA_FIELDS: list[dict[str, Any]] = [
    {"label": "Choice", "type": "string", "choices": ["a", "b", "c"]},
    {"label": "Choice", "type": "string", "choices": [{"label": "A", "value": "a"}], "allowNull": True},
    {"label": "Numbers", "type": "number", "choices": [{"label": "One", "value": 1}, {"label": "Two", "value": 2}]},
    {"label": "Tags", "type": "string", "choices": ["a", "b"], "multiple": True},
    {"label": "Email", "type": "string", "format": "email"},
    {"label": "Site", "type": "string", "format": "uri"},
    {"label": "Stamp", "type": "string", "format": "date-time"},
    {"label": "Day", "type": "string", "format": "date"},
    {"label": "Ip", "type": "string", "format": "ipv4"},
    {"label": "Host", "type": "string", "format": "hostname"},
    {"label": "Short", "type": "string", "minimum": 2, "maximum": 4},
    {"label": "Bounded", "type": "number", "minimum": 1, "maximum": 10},
    {"label": "Zero", "type": "number", "minimum": 0, "maximum": 0},
    {"label": "IntBounded", "type": "integer", "minimum": 1, "maximum": 10},
    {"label": "Obj", "type": "object", "properties": PROPERTIES},
    {"label": "Objs", "type": "object", "multiple": True, "properties": PROPERTIES},
    {"label": "Open", "type": "object", "properties": PROPERTIES, "additionalProperties": True},
    {"label": "NullObj", "type": "object", "allowNull": True, "properties": PROPERTIES},
]


def single_field_cases() -> list[dict[str, Any]]:
    specs = [
        {"label": "F", "type": t, **o}
        for t, o in itertools.product(
            ["string", "text", "number", "integer", "boolean", "datetime", "password", "object"], OPTIONS
        )
    ]
    specs += EXTRA_FIELDS
    cases = []
    for spec_index, spec in enumerate(specs):
        for value_index, value in enumerate(VALUES):
            for batch in (False, True) if value in ("", None) else (False,):
                cases.append(
                    {
                        "id": f"f{spec_index}-v{value_index}-{'b' if batch else 's'}",
                        "kind": "payload",
                        "fields": {"f": spec},
                        "payload": {"f": value, "unknown": 1},
                        "batch": batch,
                    }
                )
    return cases


def multi_field_cases() -> list[dict[str, Any]]:
    fields = {
        "req": {"label": "Req", "type": "string", "required": True},
        "num": {"label": "Num", "type": "number", "maximum": 10},
        "choice": {"label": "Choice", "type": "string", "choices": ["a", "b"]},
        "mode": {"label": "Mode", "type": "string"},
        "flag": {"label": "Flag", "type": "boolean"},
        "obj": {
            "label": "ObjProps",
            "type": "object",
            "properties": {
                "x": {"label": "X", "type": "string", "required": True},
                "k": {
                    "label": "K",
                    "type": "string",
                    "required": {"conditions": [{"fieldKey": "mode", "operator": "is", "value": "deep"}]},
                },
            },
        },
        "named": {
            "label": "Named",
            "type": "string",
            "required": {"conditions": [{"fieldKey": "mode", "operator": "is", "value": "create"}]},
        },
        "other": {
            "label": "Other",
            "type": "string",
            "required": {
                "match": "any",
                "conditions": [
                    {"fieldKey": "mode", "operator": "is_not", "value": "create"},
                    {"fieldKey": "flag", "operator": "is", "value": True},
                ],
            },
        },
        "blank": {
            "label": "Blank",
            "type": "string",
            "required": {"conditions": [{"fieldKey": "mode", "operator": "is"}]},
        },
        "deep": {
            "label": "Deep",
            "type": "string",
            "required": {"conditions": [{"fieldKey": "obj.x", "operator": "is", "value": "go"}]},
        },
    }
    payloads = [
        {},
        {"num": "x", "choice": "z"},
        {"req": "r", "num": 11, "choice": "a"},
        {"req": "r", "mode": "create"},
        {"req": "r", "mode": "create", "named": "n", "other": "o"},
        {"req": "r", "mode": "update", "blank": "b"},
        {"req": "r", "flag": True, "mode": "create", "named": "n"},
        {"req": "r", "flag": "true", "mode": "create", "named": "n"},
        {"req": "r", "obj": {}, "blank": "b"},
        {"req": "r", "obj": {"x": "go"}, "blank": "b"},
        {"req": "r", "obj": {"x": "go"}, "deep": "d", "blank": "b"},
        {"req": "r", "mode": "deep", "obj": {"x": "1"}, "other": "o"},
        {"req": "r", "mode": "deep", "other": "o"},
        {"req": "", "num": "", "choice": None, "blank": ""},
        {"req": ["a"], "num": ["7"], "blank": [1]},
        {"obj": "nope", "req": {"a": 1}, "num": [1, 2], "blank": "b"},
    ]
    return [
        {"id": f"multi-{i}", "kind": "payload", "fields": fields, "payload": p, "batch": False}
        for i, p in enumerate(payloads)
    ]


def condition_cases() -> list[dict[str, Any]]:
    """Lists of conditions, conditions on null values, and hoisted sub-property conditions."""
    fields = {
        "mode": {"label": "Mode", "type": "string", "allowNull": True},
        "kind": {"label": "Kind", "type": "string"},
        "a": {
            "label": "A",
            "type": "string",
            "required": {
                "match": "all",
                "conditions": [{"fieldKey": "mode", "operator": "is"}, {"fieldKey": "kind", "operator": "is_not"}],
            },
        },
        "b": {
            "label": "B",
            "type": "string",
            "required": {
                "match": "any",
                "conditions": [
                    {"fieldKey": "mode", "operator": "is_not"},
                    {"fieldKey": "kind", "operator": "is", "value": "k"},
                ],
            },
        },
        "c": {"label": "C", "type": "string", "required": {"conditions": [{"fieldKey": "mode", "operator": "is"}]}},
        "d": {
            "label": "D",
            "type": "string",
            "required": {"conditions": [{"fieldKey": "mode", "operator": "is", "value": None}]},
        },
        "e": {
            "label": "E",
            "type": "string",
            "required": {"conditions": [{"fieldKey": "kind", "operator": "is", "value": ["x", "y"]}]},
        },
    }
    payloads = [
        {},
        {"mode": None},
        {"mode": None, "kind": "k"},
        {"kind": "k", "c": "c"},
        {"mode": "m", "kind": "x"},
        {"mode": None, "a": "a", "b": "b", "c": "c", "d": "d"},
        {"kind": ["x", "y"]},
        {"kind": "x"},
    ]
    return [
        {"id": f"conditions-{i}", "kind": "payload", "fields": fields, "payload": p, "batch": False}
        for i, p in enumerate(payloads)
    ]


def length_cases() -> list[dict[str, Any]]:
    """Lengths count code points but messages quote JavaScript's UTF-16 length."""
    fields = {"s": {"label": "S", "type": "string", "minimum": 3, "maximum": 4}}
    values = ["😀😀", "😀😀😀", "😀😀😀😀😀", "ab", "abcde", "é", "日本語日本"]
    return [
        {"id": f"length-{i}", "kind": "payload", "fields": fields, "payload": {"s": v}, "batch": False}
        for i, v in enumerate(values)
    ]


def settings_cases() -> list[dict[str, Any]]:
    fields = {
        "apiKey": {"label": "API Key", "type": "password", "required": True},
        "port": {"label": "Port", "type": "number"},
        "sandbox": {"label": "Sandbox", "type": "boolean"},
        "region": {"label": "Region", "type": "string", "choices": [{"label": "US", "value": "us"}]},
    }
    settings = [
        {"apiKey": "k", "port": "5", "sandbox": "false", "extra": 1, "dynamicAuthSettings": {"a": 1}},
        {"port": "x"},
        {"apiKey": "", "region": "eu"},
        {"apiKey": None, "sandbox": None, "port": None},
        {"apiKey": 123, "port": True, "region": ["us"]},
    ]
    return [
        {"id": f"settings-{i}", "kind": "settings", "fields": fields, "settings": s} for i, s in enumerate(settings)
    ]


def schema_cases(cases: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The JSON Schema of every distinct set of fields above, plus described fields."""
    distinct = {json.dumps(c["fields"], sort_keys=True): c["fields"] for c in cases}
    distinct["described"] = {
        "e": {
            "label": "E",
            "description": "Where to write.",
            "type": "string",
            "default": {"@path": "$.traits.email"},
            "format": "email",
        }
    }
    return [
        {"id": f"schema-{hashlib.sha1(key.encode()).hexdigest()[:8]}", "kind": "schema", "fields": fields}
        for key, fields in distinct.items()
    ]


DATE_PARTS = [
    "2024",
    "1",
    "12",
    "31",
    "32",
    "0",
    "05",
    "-",
    "/",
    ".",
    ",",
    " ",
    "T",
    "Z",
    "Jan",
    "January",
    "Sept",
    "Monday",
    "Tue",
    "PM",
    "am",
    "GMT",
    "UTC",
    "+0200",
    "-05:00",
    "+5",
    "10:00",
    "10:00:00",
    "23:59:59.9999",
    "24:00",
    "(x (y))",
    ")",
    "abc",
    "é",
    "\u00a0",
    "1e3",
    "+",
    "13",
    "99",
    "1999-12-31",
    "T10:00Z",
    "+002024",
    "-000000",
    "2024-02-30",
    "est",
    "::",
    "1.",
    "Sat, 01 Jan 2000",
]


def date_like_cases() -> list[dict[str, Any]]:
    """Random strings built from date-ish parts: what Segment's date-like check says of each."""
    rng = random.Random(DATE_LIKE_SEED)
    texts: set[str] = set()
    while len(texts) < 1500:
        texts.add("".join(rng.choice(DATE_PARTS) for _ in range(rng.randint(1, 5))))
    return [{"id": f"date-{i}", "kind": "date_like", "text": t} for i, t in enumerate(sorted(texts))]


def main() -> None:
    peer_dir = _peer_from_arguments()
    cases = single_field_cases() + multi_field_cases() + condition_cases() + length_cases() + settings_cases()
    cases += schema_cases(cases) + date_like_cases()
    peer = subprocess.run(
        ["node", str(HERE / "record_segment.js")],
        input="\n".join(map(json.dumps, cases)),
        capture_output=True,
        text=True,
        check=True,
    )
    answers = {a["id"]: a for a in map(json.loads, peer.stdout.splitlines())}
    fieldsets: dict[str, str] = {}  # each distinct set of fields is written once, cases name it
    lines: list[dict[str, Any]] = []
    for case in cases:
        answer = {k: v for k, v in answers[case["id"]].items() if k != "id"}
        line = {**case, "segment": answer}
        if "fields" in line:
            key = json.dumps(line.pop("fields"), ensure_ascii=False)  # field order matters
            if key not in fieldsets:
                fieldsets[key] = f"fs{len(fieldsets)}"
                lines.append({"fieldset": fieldsets[key], "fields": json.loads(key)})
            line["fieldset"] = fieldsets[key]
        lines.append(line)
    write_recording(
        HERE / "segment_validation.jsonl",
        lines,
        generator="tests/definition/conformance/record.py",
        seed=DATE_LIKE_SEED,
        peer=peer_dir,
    )
    print(f"recorded {len(cases)} cases")


if __name__ == "__main__":
    main()
