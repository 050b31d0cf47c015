"""Dynamic fields: a field whose choices the destination's API gives (HubSpot properties, Klaviyo lists).

An action names a function per field key, as Segment's ``dynamicFields`` does; the function gets the
request client and the instance's settings, auth and the mapping's values so far (``data.payload``),
and ``data.page`` when the user asks for the next page::

    def list_choices(request, data):
        lists = request.get(f"{API}/lists/").data["data"]
        return DynamicChoices(choices=[Choice(label=item["name"], value=item["id"]) for item in lists])

    ActionDefinition(..., fields={"list_id": InputField(label="List", type="string", dynamic=True)},
                     dynamic_fields={"list_id": list_choices})

An object field may instead name a function per property, as Segment's ``dynamicFields`` does
(``{"record_details": {"object_type": fn}}``); a free-form object's ``__keys__`` function offers its
keys and ``__values__`` the values of any key. The function then gets ``data.dynamic_field_context``:
the array index (``FIELD.[N].PROPERTY``, for a ``multiple`` object) or the key (``FIELD.KEY``, for
``__values__``) the user is picking for::

    dynamic_fields={"associations": {"object_type": object_types, "id_field_name": id_fields}}

``actions fields SLUG ACTION FIELD --instance I`` prints the choices (framework.runtime.dynamic_fields);
the harness tests one with recorded replies (``IntegrationHarness.test_dynamic_field``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from framework.definition.fields import Choice, InputField

__all__ = [
    "DynamicChoices",
    "DynamicField",
    "DynamicFieldContext",
    "DynamicFields",
    "KEYS",
    "VALUES",
    "dynamic_fields_problems",
]

DynamicField = Callable[..., Any]  # (request, data) -> DynamicChoices
# Per field key, its function or (an object field) a function per property, ``__keys__`` or ``__values__``.
DynamicFields = dict[str, DynamicField | dict[str, DynamicField]]
KEYS = "__keys__"  # a free-form object's keys
VALUES = "__values__"  # the values of any key of a free-form object


@dataclass(frozen=True)
class DynamicFieldContext:
    """Segment's ``dynamicFieldContext``: which array item or which key the user is picking a value for."""

    selected_array_index: int | None = None
    selected_key: str | None = None


@dataclass(frozen=True)
class DynamicChoices:
    """Segment's ``DynamicFieldResponse``: the choices, the next page's token and an error to show."""

    choices: list[Choice] = field(default_factory=list)
    next_page: str | None = None
    error: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """Segment's shape: ``{choices: [{label, value}], nextPage?, error?: {message, code}}``."""
        answer: dict[str, Any] = {"choices": [{"label": c.label, "value": c.value} for c in self.choices]}
        if self.next_page is not None:
            answer["nextPage"] = self.next_page
        if self.error is not None:
            answer["error"] = {"message": self.error, "code": "DYNAMIC_FIELD_ERROR"}
        return answer


def dynamic_fields_problems(fields: dict[str, InputField], dynamic_fields: DynamicFields, where: str) -> list[str]:
    """What is wrong with an action's ``dynamic_fields``: a key or property its fields do not declare.

    Checked when the action is built, so a misspelt property fails at load time, not when a user
    first asks ``actions fields`` for it.
    """
    problems: list[str] = []
    for key, entry in dynamic_fields.items():
        field = fields.get(key)
        if field is None:
            problems.append(
                f"{where}: dynamic_fields names {key!r}, which is not one of its fields ({', '.join(fields) or 'none'})."
            )
        elif isinstance(entry, dict):
            problems += _property_problems(key, field, entry, where)
    return problems


def _property_problems(key: str, field: InputField, entry: dict[str, Any], where: str) -> list[str]:
    if field.type != "object":
        return [
            f"{where}: dynamic_fields[{key!r}] names properties, but field {key!r} is a {field.type}, not an object."
        ]
    declared = field.properties or {}
    free_form = field.additional_properties or not declared
    problems = []
    for name in entry:
        if name in (KEYS, VALUES) and not free_form:
            problems.append(
                f"{where}: dynamic_fields[{key!r}] names {name!r}, but field {key!r} takes only its declared "
                f"properties ({', '.join(declared)}); {name} is for a free-form object."
            )
        elif name not in (KEYS, VALUES) and name not in declared:
            problems.append(
                f"{where}: dynamic_fields[{key!r}] names property {name!r}, which field {key!r} does not declare "
                f"(properties: {', '.join(declared) or 'none'})."
            )
    return problems
