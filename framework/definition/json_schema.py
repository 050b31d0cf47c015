"""Fields → JSON Schema in Segment's exact shape (``fieldsToJsonSchema``), for export and docs.

The runtime does not validate with this schema (``validator.py`` compiles the fields directly); it is
what ``actions describe --json`` prints and what other tools can consume. The shape follows Segment's
reference §3.6/3.7: ``datetime`` is ``["string", "number"]`` with format ``date-like``, ``allow_null``
adds ``"null"``, ``multiple`` wraps the type in an array (choices move into ``items.enum``), object
properties nest, and conditionally required fields become an ``allOf`` of ``if``/``then``.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from framework.definition.conditions import ConditionalRequired, FieldCondition
from framework.definition.fields import InputField

__all__ = ["fields_to_json_schema", "field_json_type", "condition_schema", "conditionally_required"]

SCHEMA_URI = "http://json-schema.org/schema#"


def field_json_type(field: InputField) -> str | list[str]:
    """The JSON type of one value of ``field`` (before ``multiple`` and ``allow_null``)."""
    if field.type in ("string", "text", "password"):
        return "string"
    if field.type == "datetime":
        return ["string", "number"]
    return field.type


def fields_to_json_schema(fields: Mapping[str, InputField], *, additional_properties: bool = False) -> dict[str, Any]:
    """The JSON Schema Segment builds for ``fields`` (an action's fields or a destination's settings).

    >>> fields_to_json_schema({"n": InputField(label="N", type="number", required=True)})["required"]
    ['n']
    """
    properties = {key: _field_schema(field) for key, field in fields.items()}
    schema: dict[str, Any] = {
        "$schema": SCHEMA_URI,
        "type": "object",
        "additionalProperties": additional_properties,
        "properties": properties,
        "required": [key for key, field in fields.items() if field.required is True],
    }
    conditions = _conditional_required(fields)
    if conditions:
        schema["allOf"] = conditions
    return schema


def _field_schema(field: InputField) -> dict[str, Any]:
    json_type = field_json_type(field)
    schema: dict[str, Any] = {"title": field.label, "type": json_type}
    if field.description:
        schema["description"] = field.description
    fmt = _format_of(field)
    if fmt is not None:
        schema["format"] = fmt
    if field.default is not None:
        schema["default"] = field.default
    _add_bounds(schema, field)
    if field.choice_values is not None:
        schema["enum"] = list(field.choice_values)
    if field.allow_null:
        schema["type"] = [*_as_list(json_type), "null"]
        if "enum" in schema:
            schema["enum"].append(None)
    if field.multiple:
        _make_array(schema, json_type)
    if field.type == "object" and field.properties is not None:
        _nest_properties(schema, field)
    return schema


def _format_of(field: InputField) -> str | None:
    if field.type == "datetime":
        return "date-like"
    if field.type in ("password", "text"):
        return field.type
    return field.format


def _add_bounds(schema: dict[str, Any], field: InputField) -> None:
    """Segment only honours truthy bounds, and only on ``string`` (length) and ``number`` fields."""
    if field.type == "string":
        if field.minimum:
            schema["minLength"] = field.minimum
        if field.maximum:
            schema["maxLength"] = field.maximum
    elif field.type == "number":
        if field.minimum:
            schema["minimum"] = field.minimum
        if field.maximum:
            schema["maximum"] = field.maximum


def _make_array(schema: dict[str, Any], item_type: str | list[str]) -> None:
    items: dict[str, Any] = {"type": item_type}
    if "enum" in schema:
        items["enum"] = schema.pop("enum")
    schema["type"] = "array"
    schema["items"] = items


def _nest_properties(schema: dict[str, Any], field: InputField) -> None:
    assert field.properties is not None
    nested = fields_to_json_schema(field.properties, additional_properties=field.additional_properties)
    nested.pop("allOf", None)  # hoisted to the parent as "<field>.<prop>" conditions
    if field.multiple:
        schema["items"] = nested
    else:
        schema.update(nested)


def _as_list(json_type: str | list[str]) -> list[str]:
    return list(json_type) if isinstance(json_type, list) else [json_type]


def conditionally_required(fields: Mapping[str, InputField]) -> Iterator[tuple[str, ConditionalRequired]]:
    """Each conditionally required key with its rule; a property's is hoisted as ``parent.child``, as Segment does."""
    for key, field in fields.items():
        if isinstance(field.required, ConditionalRequired):
            yield key, field.required
        for prop_key, prop in (field.properties or {}).items():
            if isinstance(prop.required, ConditionalRequired):
                yield f"{key}.{prop_key}", prop.required


def _conditional_required(fields: Mapping[str, InputField]) -> list[dict[str, Any]]:
    return [_if_then(key, required) for key, required in conditionally_required(fields)]


def _if_then(key: str, required: ConditionalRequired) -> dict[str, Any]:
    if len(required.conditions) == 1:
        condition = condition_schema(required.conditions[0])
    else:
        bodies = [condition_schema(c, in_list=True) for c in required.conditions]
        condition = {"anyOf" if required.match == "any" else "allOf": bodies}
    # Segment writes {"required": ["parent.child"]} after a list of conditions, which can never be
    # met; the form below is what a single condition gets, and what the validator enforces.
    return {"if": condition, "then": _then_schema(key)}


def _then_schema(key: str) -> dict[str, Any]:
    parent, _, child = key.partition(".")
    if not child:
        return {"required": [key]}
    return {"required": [parent], "properties": {parent: {"required": [child]}}}


def condition_schema(condition: FieldCondition, *, in_list: bool = False) -> dict[str, Any]:
    """The JSON Schema one condition becomes (Segment's §3.7 forms; ``in_list``: one of several)."""
    parent, _, child = condition.field_key.partition(".")
    if child:
        value_schema = _value_schema(condition) if condition.value_given else {}
        return {
            "properties": {parent: {"properties": {child: value_schema}, "required": [child]}},
            "required": [parent],
        }
    if not condition.value_given:
        return _presence_schema(parent, condition.operator == "is", in_list)
    if in_list:
        return {"properties": {parent: _value_schema(condition)}, "required": [parent]}
    return {"required": [parent], "properties": {parent: _value_schema(condition)}}


def _presence_schema(key: str, missing: bool, in_list: bool) -> dict[str, Any]:
    """ "Is empty" alone means missing or null; in a list of conditions Segment only tests presence."""
    if in_list:
        return {"not": {"required": [key]}} if missing else {"required": [key]}
    if missing:
        return {"anyOf": [{"not": {"required": [key]}}, {"properties": {key: {"type": "null"}}}]}
    return {"allOf": [{"required": [key]}, {"not": {"properties": {key: {"type": "null"}}}}]}


def _value_schema(condition: FieldCondition) -> dict[str, Any]:
    if condition.operator == "is":
        return {"const": condition.value}
    return {"not": {"const": condition.value}}
