"""``InputField``: one field of an action (or one setting), as plain data checked when it is built.

Field names follow Python (``allow_null``, ``additional_properties``, ``default_object_ui``), and
Segment's camelCase spellings (``allowNull``, ``additionalProperties``, ``defaultObjectUI``, ...) are
accepted too, so a field copied from a TypeScript definition loads unchanged::

    InputField(label="Email", description="The prospect's email.", type="string", format="email",
               required=True, default={"@path": "$.traits.email"})

Only ``label``, ``type``, ``required``, ``choices``, ``multiple``, ``allow_null``, ``properties``,
``additional_properties``, ``format`` and ``minimum``/``maximum`` change validation; the rest is for
the UI and the docs.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from framework.definition.conditions import ConditionalRequired, DependsOn

__all__ = ["FieldType", "FieldFormat", "Choice", "InputField", "FIELD_TYPES", "FIELD_FORMATS", "field_shape_problems"]

FieldType = Literal["string", "text", "number", "integer", "datetime", "boolean", "password", "object"]
FieldFormat = Literal[
    "date",
    "time",
    "date-time",
    "uri",
    "uri-reference",
    "uri-template",
    "email",
    "hostname",
    "ipv4",
    "ipv6",
    "regex",
    "uuid",
    "password",
    "text",
]
FIELD_TYPES: tuple[str, ...] = FieldType.__args__  # type: ignore[attr-defined]
FIELD_FORMATS: tuple[str, ...] = FieldFormat.__args__  # type: ignore[attr-defined]

# Segment's camelCase property names → ours, so TypeScript definitions load unchanged.
_SEGMENT_ALIASES = {
    "allowNull": "allow_null",
    "additionalProperties": "additional_properties",
    "defaultObjectUI": "default_object_ui",
    "readOnly": "read_only",
    "displayMode": "display_mode",
    "disabledInputMethods": "disabled_input_methods",
}


class Choice(BaseModel):
    """One allowed value with the label the UI shows for it."""

    model_config = ConfigDict(extra="forbid", frozen=True, hide_input_in_errors=True)

    label: str
    value: str | int | float | bool


class InputField(BaseModel):
    """A field of an action (or a setting): its type, constraints, default mapping and UI hints."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True, hide_input_in_errors=True)

    label: str = Field(min_length=1)
    description: str = ""
    type: FieldType
    required: bool | ConditionalRequired = False
    default: Any = None
    choices: list[str] | list[Choice] | None = None
    format: FieldFormat | None = None
    multiple: bool = False
    allow_null: bool = False
    properties: dict[str, InputField] | None = None
    additional_properties: bool = False
    minimum: int | float | None = None
    maximum: int | float | None = None
    # UI and catalog only: no effect at runtime.
    placeholder: str | None = None
    dynamic: bool = False
    default_object_ui: Literal["keyvalue", "object", "keyvalue:only", "object:only", "arrayeditor"] | None = None
    unsafe_hidden: bool = False
    read_only: bool = False
    depends_on: DependsOn | None = None
    category: Literal["identifier", "data", "internal", "config", "sync", "hashedPII"] | None = None
    display_mode: Literal["expanded", "normal", "collapsed"] | None = None
    disabled_input_methods: list[Literal["literal", "variable", "function", "enrichment", "freeform"]] | None = None

    @model_validator(mode="before")
    @classmethod
    def _accept_segment_names(cls, data: Any) -> Any:
        """Rename Segment's camelCase keys so a field copied from TypeScript loads as is."""
        if not isinstance(data, dict):
            return data
        renamed = {_SEGMENT_ALIASES.get(key, key): value for key, value in data.items()}
        if "choices" in renamed and isinstance(renamed["choices"], list):
            renamed["choices"] = _normalise_choices(renamed["choices"])
        return renamed

    @model_validator(mode="after")
    def _check_shape(self) -> InputField:
        """Reject combinations Segment would accept but never validate as the author meant."""
        problems = field_shape_problems(self)
        if problems:
            raise ValueError(" ".join(problems))
        return self

    @property
    def is_required(self) -> bool:
        """True only for unconditionally required fields."""
        return self.required is True

    @property
    def choice_values(self) -> list[Any] | None:
        """The allowed values (the ``value`` of each choice), or None without choices."""
        if self.choices is None:
            return None
        return [c.value if isinstance(c, Choice) else c for c in self.choices]


def _normalise_choices(choices: list[Any]) -> list[Any]:
    """Keep a list of all-strings or all-objects; pydantic reports anything else by type."""
    if choices and all(isinstance(c, dict) for c in choices):
        return [Choice.model_validate(c) for c in choices]
    return choices


_CHOICE_TYPES: dict[str, tuple[type, ...]] = {
    "string": (str,),
    "text": (str,),
    "password": (str,),
    "datetime": (str,),
    "number": (int, float),
    "integer": (int,),
    "boolean": (bool,),
}


def field_shape_problems(field: InputField) -> list[str]:
    """Problems in one field on its own (the caller adds where the field is)."""
    problems: list[str] = []
    if field.properties is not None and field.type != "object":
        problems.append(f"has properties but its type is {field.type!r}; only 'object' fields have properties.")
    problems.extend(_choice_problems(field))
    if field.minimum is not None and field.maximum is not None and field.minimum > field.maximum:
        problems.append(f"has minimum {field.minimum} greater than maximum {field.maximum}.")
    return problems


def _choice_problems(field: InputField) -> list[str]:
    values = field.choice_values
    if values is None:
        return []
    if field.type == "object":
        return ["has choices but its type is 'object'; choices apply to scalar fields."]
    allowed = _CHOICE_TYPES[field.type]
    wrong = [v for v in values if not isinstance(v, allowed) or (bool not in allowed and isinstance(v, bool))]
    if not wrong:
        return []
    names = " or ".join(t.__name__ for t in allowed)
    return [f"has choices {wrong!r} that are not {names} values, so they can never match a {field.type} value."]


InputField.model_rebuild()
