"""Per-property dynamic fields of an object field: declared, checked at definition time, and resolved by path.

As Segment's ``executeDynamicField``: ``FIELD.PROPERTY`` runs that property's function,
``FIELD.[N].PROPERTY`` passes the array index, and a key the functions do not name goes to
``__values__`` with that key.
"""

from __future__ import annotations

from typing import Any

import pytest

from framework.definition import ActionDefinition, Choice, DestinationDefinition, InputField
from framework.definition.dynamic_fields import DynamicChoices
from framework.testing import create_test_integration


def _echo(request: Any, data: Any) -> DynamicChoices:
    """Choices that show what the function was given: its context and the payload it saw."""
    context = data.dynamic_field_context
    shown = "none" if context is None else f"{context.selected_array_index}/{context.selected_key}"
    return DynamicChoices(choices=[Choice(label=shown, value=str(sorted(data.payload)))])


def _object(*names: str, free_form: bool = False, multiple: bool = False) -> InputField:
    properties = {name: InputField(label=name, type="string", dynamic=True) for name in names}
    return InputField(label="O", type="object", properties=properties or None, additional_properties=free_form,
                      multiple=multiple)  # fmt: skip


FIELDS = {
    "details": _object("object_type", "id_field_name"),
    "links": _object("object_type", "label", multiple=True),
    "props": _object(free_form=True),
    "name": InputField(label="Name", type="string", dynamic=True),
}
DYNAMIC: dict[str, Any] = {
    "details": {"object_type": _echo, "id_field_name": _echo},
    "links": {"label": _echo},
    "props": {"__keys__": _echo, "__values__": _echo},
    "name": _echo,
}


def _integration() -> Any:
    action = ActionDefinition(title="Write", fields=FIELDS, perform=lambda request, data: None, dynamic_fields=DYNAMIC)
    return create_test_integration(
        DestinationDefinition(name="Nested", slug="actions-nested", actions={"write": action})
    )


@pytest.mark.parametrize(
    ("path", "shown"),
    [
        ("details.object_type", "none"),
        ("links.[2].label", "2/None"),
        ("props.__keys__", "none"),
        ("props.plan", "None/plan"),
        ("name", "none"),
    ],
)
def test_a_path_runs_its_property_function_with_segments_context(path: str, shown: str) -> None:
    found = _integration().test_dynamic_field("write", path, payload={"details": {"object_type": "deals"}})
    assert [(c.label, c.value) for c in found.choices] == [(shown, "['details']")]


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("nope.object_type", r"has no dynamic field 'nope' \(dynamic fields: details.object_type, "
                              r"details.id_field_name, links.label, props.__keys__, props.__values__, name\)"),
        ("details.colour", r"field 'details' has no dynamic property 'colour' \(dynamic: details.object_type, "
                           r"details.id_field_name\)"),
        ("links.[0].object_type", r"field 'links' has no dynamic property 'object_type' \(dynamic: links.label\)"),
        ("details", r"field 'details' has choices per property: ask for one of details.object_type"),
        ("name.first", r"field 'name' has choices for the whole field, not per property"),
    ],
)  # fmt: skip
def test_an_unknown_field_or_property_is_a_located_error(path: str, message: str) -> None:
    with pytest.raises(LookupError, match=rf"Nested: action 'write'.*{message}"):
        _integration().test_dynamic_field("write", path)


@pytest.mark.parametrize(
    ("dynamic", "message"),
    [
        ({"details": {"colour": _echo}},
         r"action 'Write': dynamic_fields\['details'\] names property 'colour', which field 'details' does not "
         r"declare \(properties: object_type, id_field_name\)"),
        ({"details": {"__keys__": _echo}}, r"names '__keys__', but field 'details' takes only its declared properties"),
        ({"name": {"first": _echo}}, r"dynamic_fields\['name'\] names properties, but field 'name' is a string"),
        ({"props": {"__values__": "not callable"}}, r"dynamic_fields.props.*__values__\n  Input should be callable"),
    ],
)  # fmt: skip
def test_a_property_the_field_does_not_declare_fails_at_definition(dynamic: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        ActionDefinition(title="Write", fields=FIELDS, perform=lambda request, data: None, dynamic_fields=dynamic)
