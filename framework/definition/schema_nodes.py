"""Fields compiled once into a tree of plain nodes the validator walks without further decisions.

Each node carries exactly what Segment's generated JSON Schema would say about one value (its JSON
types, the types ajv may coerce to, enum, bounds, format, items, properties), so validating a payload
is a walk over this tree with no per-payload lookups in the field definitions.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from framework.definition.coercion import COERCIBLE_TYPES, type_predicate
from framework.definition.conditions import FieldCondition
from framework.definition.fields import InputField
from framework.definition.formats import format_check
from framework.definition.json_schema import conditionally_required, field_json_type

__all__ = ["Node", "ObjectNode", "RequiredWhen", "compile_fields", "pointer_segment"]


@dataclass(frozen=True, slots=True)
class ObjectNode:
    """An object with declared properties: what is required, what is kept, conditions (root only)."""

    properties: Mapping[str, Node]
    required: tuple[str, ...]
    keep_unknown: bool
    conditions: tuple[RequiredWhen, ...] = ()
    pointer_segments: Mapping[str, str] = field(default_factory=dict)  # key → escaped JSON pointer part
    root_pointers: Mapping[str, str] = field(default_factory=dict)  # key → its pointer at the top level


@dataclass(frozen=True, slots=True)
class Node:
    """One value's schema. ``title`` is the field label (None for list items and sub-schemas)."""

    title: str | None
    types: tuple[str, ...]
    coerce_to: tuple[str, ...]
    enum: tuple[Any, ...] | None = None
    format_name: str | None = None
    format_ok: Callable[[str], bool] | None = None
    min_length: int | float | None = None
    max_length: int | float | None = None
    minimum: int | float | None = None
    maximum: int | float | None = None
    items: Node | None = None
    obj: ObjectNode | None = None
    accepts: Callable[[Any], bool] = field(init=False)
    checks_strings: bool = field(init=False)
    checks_numbers: bool = field(init=False)
    takes_any_string: bool = field(init=False)  # a str is valid as is: nothing to coerce or check

    def __post_init__(self) -> None:
        # Decided once here so the per-value walk only tests what this node can actually reject.
        object.__setattr__(self, "accepts", type_predicate(self.types))
        object.__setattr__(self, "checks_strings", bool(self.format_ok or self.min_length or self.max_length))
        object.__setattr__(self, "checks_numbers", self.minimum is not None or self.maximum is not None)
        plain = self.types == ("string",) and self.enum is None and not self.checks_strings
        object.__setattr__(self, "takes_any_string", plain)


@dataclass(frozen=True, slots=True)
class RequiredWhen:
    """A conditionally required key (``key`` or ``parent.child``) and when it is required."""

    key: str
    match_any: bool
    conditions: tuple[FieldCondition, ...] = field(default_factory=tuple)


def compile_fields(fields: Mapping[str, InputField], *, keep_unknown: bool = False, nested: bool = False) -> ObjectNode:
    """Compile a set of fields (an action's, or a destination's settings) into an ObjectNode.

    Conditions of nested properties are hoisted to the top level (as ``parent.child``), as Segment
    does, so a nested ObjectNode has none.
    """
    segments = {key: pointer_segment(key) for key in fields}
    return ObjectNode(
        pointer_segments=segments,
        root_pointers={key: f"/{segment}" for key, segment in segments.items()},
        properties={key: _compile_field(f) for key, f in fields.items()},
        required=tuple(key for key, f in fields.items() if f.required is True),
        keep_unknown=keep_unknown,
        conditions=() if nested else _conditions(fields),
    )


def pointer_segment(key: str) -> str:
    """``key`` as one JSON pointer segment (RFC 6901: ``~`` is ``~0``, ``/`` is ``~1``)."""
    return key.replace("~", "~0").replace("/", "~1")


def _coercible(types: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(t for t in types if t in COERCIBLE_TYPES)


def _compile_field(f: InputField) -> Node:
    base = field_json_type(f)
    value_types = tuple(base) if isinstance(base, list) else (base,)
    enum = f.choice_values
    if f.multiple:
        return _compile_multiple(f, value_types, enum)
    obj = _object_of(f)
    # Segment merges an object's nested schema over the field's, so its "null" is lost there.
    types = (*value_types, "null") if f.allow_null and obj is None else value_types
    if enum is not None and f.allow_null:
        enum = [*enum, None]
    return Node(
        title=f.label,
        types=types,
        coerce_to=_coercible(types),
        enum=tuple(enum) if enum is not None else None,
        **_format_and_bounds(f),
        obj=obj,
    )


def _compile_multiple(f: InputField, value_types: tuple[str, ...], enum: list[Any] | None) -> Node:
    """Segment puts the type and enum on the items; label, format and bounds stay on the array."""
    if enum is not None and f.allow_null:
        enum = [*enum, None]
    obj = _object_of(f)
    items = Node(
        title=None,
        types=value_types,
        coerce_to=_coercible(value_types),
        enum=tuple(enum) if enum is not None else None,
        obj=obj,
    )
    return Node(title=f.label, types=("array",), coerce_to=("array",), items=items, **_format_and_bounds(f))


def _format_and_bounds(f: InputField) -> dict[str, Any]:
    spec: dict[str, Any] = {}
    fmt = "date-like" if f.type == "datetime" else f.format
    if f.type in ("password", "text"):
        fmt = None  # always valid
    if fmt is not None and fmt not in ("password", "text"):
        spec["format_name"] = fmt
        spec["format_ok"] = format_check(fmt)
    if f.type == "string":
        spec["min_length"] = f.minimum or None
        spec["max_length"] = f.maximum or None
    elif f.type == "number":
        spec["minimum"] = f.minimum or None
        spec["maximum"] = f.maximum or None
    return spec


def _object_of(f: InputField) -> ObjectNode | None:
    if f.type != "object" or f.properties is None:
        return None
    return compile_fields(f.properties, keep_unknown=f.additional_properties, nested=True)


def _conditions(fields: Mapping[str, InputField]) -> tuple[RequiredWhen, ...]:
    return tuple(
        RequiredWhen(key=key, match_any=required.match == "any", conditions=tuple(required.conditions))
        for key, required in conditionally_required(fields)
    )
