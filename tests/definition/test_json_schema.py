"""fields_to_json_schema: Segment's exact JSON Schema shape (§3.6, §3.7)."""

from __future__ import annotations

from typing import Any

import pytest

from framework.definition import InputField, fields_to_json_schema


def _schema(field: InputField) -> dict[str, Any]:
    return fields_to_json_schema({"f": field})["properties"]["f"]


def test_top_level_shape() -> None:
    schema = fields_to_json_schema(
        {
            "a": InputField(label="A", description="d", type="string", required=True),
            "b": InputField(label="B", type="number"),
        }
    )
    assert schema == {
        "$schema": "http://json-schema.org/schema#",
        "type": "object",
        "additionalProperties": False,
        "properties": {
            "a": {"title": "A", "description": "d", "type": "string"},
            "b": {"title": "B", "type": "number"},
        },  # no description: none in Segment's either
        "required": ["a"],
    }


@pytest.mark.parametrize(
    ("field", "expected"),
    [
        (InputField(label="T", type="text"), {"type": "string", "format": "text"}),
        (InputField(label="P", type="password"), {"type": "string", "format": "password"}),
        (InputField(label="D", type="datetime"), {"type": ["string", "number"], "format": "date-like"}),
        (
            InputField(label="S", type="string", minimum=2, maximum=5),
            {"type": "string", "minLength": 2, "maxLength": 5},
        ),
        (InputField(label="S", type="string", minimum=0), {"type": "string"}),
        (InputField(label="N", type="number", minimum=1, maximum=9), {"type": "number", "minimum": 1, "maximum": 9}),
        (InputField(label="I", type="integer", minimum=1, maximum=9), {"type": "integer"}),
        (
            InputField(label="C", type="string", choices=["a", {"label": "B", "value": "b"}] if False else ["a", "b"]),
            {"type": "string", "enum": ["a", "b"]},
        ),
        (
            InputField(label="C", type="string", choices=[{"label": "A", "value": "a"}], allow_null=True),
            {"type": ["string", "null"], "enum": ["a", None]},
        ),
        (
            InputField(label="D", type="datetime", allow_null=True),
            {"type": ["string", "number", "null"], "format": "date-like"},
        ),
        (
            InputField(label="M", type="string", multiple=True, choices=["a"]),
            {"type": "array", "items": {"type": "string", "enum": ["a"]}},
        ),
        (
            InputField(label="E", type="string", format="email", default={"@path": "$.traits.email"}),
            {"type": "string", "format": "email", "default": {"@path": "$.traits.email"}},
        ),
    ],
)
def test_field_schema(field: InputField, expected: dict[str, Any]) -> None:
    schema = _schema(field)
    for key, value in expected.items():
        assert schema[key] == value
    assert not ({"minLength", "maxLength", "minimum", "maximum"} - set(expected)) & set(schema)


def test_object_properties_nest() -> None:
    field = InputField(label="O", type="object", properties={"x": InputField(label="X", type="string", required=True)})
    schema = _schema(field)
    assert schema["properties"] == {"x": {"title": "X", "type": "string"}}
    assert schema["required"] == ["x"] and schema["additionalProperties"] is False
    multiple = _schema(field.model_copy(update={"multiple": True}))
    assert multiple["type"] == "array" and multiple["items"]["required"] == ["x"]


def test_conditionally_required_becomes_all_of() -> None:
    schema = fields_to_json_schema(
        {
            "mode": InputField(label="Mode", type="string"),
            "name": InputField(
                label="Name",
                type="string",
                required={"conditions": [{"fieldKey": "mode", "operator": "is", "value": "create"}]},
            ),
            "other": InputField(
                label="Other",
                type="string",
                required={
                    "match": "any",
                    "conditions": [
                        {"fieldKey": "mode", "operator": "is"},
                        {"fieldKey": "mode", "operator": "is_not", "value": "x"},
                    ],
                },
            ),
        }
    )
    assert schema["required"] == []
    assert schema["allOf"] == [
        {"if": {"required": ["mode"], "properties": {"mode": {"const": "create"}}}, "then": {"required": ["name"]}},
        {
            "if": {
                "anyOf": [  # in a list, "empty" only tests presence and key order differs (as Segment)
                    {"not": {"required": ["mode"]}},
                    {"properties": {"mode": {"not": {"const": "x"}}}, "required": ["mode"]},
                ]
            },
            "then": {"required": ["other"]},
        },
    ]
