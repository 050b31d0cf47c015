"""Definitions are checked when they load, with messages naming destination, action and field."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from framework.definition import (
    ActionDefinition,
    Authentication,
    DestinationDefinition,
    InputField,
    Preset,
)
from framework.errors import PayloadValidationError


def _perform(request: Any, data: Any) -> None:
    return None


def _action(**fields: Any) -> ActionDefinition:
    return ActionDefinition(title="Upsert Prospect", description="d", fields=fields, perform=_perform)


def _destination(**kw: Any) -> DestinationDefinition:
    base: dict[str, Any] = {
        "name": "Example",
        "slug": "actions-example",
        "actions": {"upsert": _action(email=InputField(label="Email", type="string"))},
    }
    return DestinationDefinition(**{**base, **kw})


BAD_FIELDS = [
    (
        {"1bad": InputField(label="X", type="string")},
        "action 'Upsert Prospect' field '1bad': the key is not an identifier",
    ),
    (
        {"e": InputField(label="X", type="string", required=True, default={"@nope": 1})},
        "field 'e': the default uses unknown directive '@nope'",
    ),
    (
        {"e": InputField(label="X", type="string", default={"@path": "traits.email"})},
        "field 'e': the default's @path 'traits.email' is not a path",
    ),
    ({"e": InputField(label="X", type="string", default={"a": 1})}, "field 'e': the default {'a': 1} is an object"),
    ({"e": InputField(label="X", type="number", default=[1])}, "the default is a list but the field is not multiple"),
    (
        {
            "e": InputField(
                label="X", type="string", required={"conditions": [{"fieldKey": "ghost", "operator": "is", "value": 1}]}
            )
        },
        "required depends on field 'ghost'",
    ),
    (
        {
            "o": InputField(label="O", type="object", properties={"p": InputField(label="P", type="string")}),
            "e": InputField(label="X", type="string", required={"conditions": [{"fieldKey": "o.p", "operator": "is"}]}),
        },
        "without a value",
    ),
    ({"enable_batching": InputField(label="B", type="string")}, "'enable_batching' must be a single boolean"),
    (
        {
            "e": InputField(
                label="E",
                type="string",
                depends_on={"conditions": [{"fieldKey": "ghost", "operator": "is", "value": "x"}]},
            )
        },
        "depends_on names field 'ghost'",
    ),
    ({"batch_keys": InputField(label="K", type="string")}, "'batch_keys' must be a multiple string field"),
    (
        {
            "a": InputField(label="A", type="string"),
            "batch_keys": InputField(label="K", type="string", multiple=True, default=["a", "ghost", "batch_keys"]),
        },
        "'batch_keys' lists ['ghost', 'batch_keys'], which are not other fields",
    ),
    (
        {
            **{k: InputField(label=k, type="string") for k in "abcd"},
            "batch_keys": InputField(label="K", type="string", multiple=True, default=list("abcd")),
        },
        "'batch_keys' lists 4 keys; at most 3 are allowed",
    ),
]


@pytest.mark.parametrize(("fields", "message"), BAD_FIELDS, ids=[m for _, m in BAD_FIELDS])
def test_action_field_problems_fail_at_load(fields: dict[str, InputField], message: str) -> None:
    with pytest.raises(ValidationError) as caught:
        _action(**fields)
    assert message in str(caught.value)


def test_a_default_may_use_every_directive_the_mapping_kit_knows() -> None:
    coalesce = {"@first": [{"@path": "$.traits.email"}, {"@path": "$.properties.email"}]}
    action = _action(email=InputField(label="Email", type="string", required=True, default=coalesce))
    assert action.default_mapping() == {"email": coalesce}


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ({"type": "number", "choices": ["1", "2"]}, "has choices \\['1', '2'\\] that are not int or float"),
        ({"type": "string", "choices": [1, 2]}, "valid string"),
        ({"type": "boolean", "choices": [{"label": "yes", "value": "yes"}]}, "not bool values"),
        ({"type": "object", "choices": ["a"]}, "choices apply to scalar fields"),
        (
            {"type": "string", "properties": {"x": {"label": "X", "type": "string"}}},
            "only 'object' fields have properties",
        ),
        ({"type": "string", "minimum": 5, "maximum": 2}, "minimum 5 greater than maximum 2"),
        ({"type": "strng"}, "Input should be 'string'"),
        ({"type": "string", "lable": "typo"}, "Extra inputs are not permitted"),
        ({"type": "string", "format": "e-mail"}, "Input should be 'date'"),
    ],
)
def test_field_problems(spec: dict[str, Any], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        InputField(label="F", **spec)


def test_segment_camel_case_fields_load() -> None:
    field = InputField.model_validate(
        {
            "label": "Traits",
            "type": "object",
            "allowNull": True,
            "additionalProperties": True,
            "defaultObjectUI": "keyvalue",
            "readOnly": False,
            "displayMode": "collapsed",
            "depends_on": {"conditions": [{"fieldKey": "mode", "operator": "is", "value": "a"}]},
            "choices": None,
        }
    )
    assert field.allow_null and field.additional_properties and field.default_object_ui == "keyvalue"


def test_action_validates_payload_and_default_mapping() -> None:
    action = _action(
        email=InputField(label="Email", type="string", required=True, default={"@path": "$.traits.email"}),
        score=InputField(label="Score", type="number"),
    )
    assert action.default_mapping() == {"email": {"@path": "$.traits.email"}}
    assert action.validate_payload({"email": "a@b.co", "score": "3"}) == {"email": "a@b.co", "score": 3}
    with pytest.raises(PayloadValidationError, match="missing the required field 'email'"):
        action.validate_payload({})


def test_action_without_fields_passes_payload_through() -> None:
    action = ActionDefinition(title="Raw", perform=_perform)
    assert action.validate_payload({"anything": ["as", "is"], "n": ""}) == {"anything": ["as", "is"], "n": ""}


def test_valid_batch_keys_load() -> None:
    action = _action(
        a=InputField(label="A", type="string"),
        batch_keys=InputField(label="K", type="string", multiple=True, default=["a"], unsafe_hidden=True),
    )
    assert action.default_mapping()["batch_keys"] == ["a"]


def test_destination_checks_action_keys_and_presets() -> None:
    with pytest.raises(ValidationError, match="destination 'Example': action key 'not-ok' is not an identifier"):
        _destination(actions={"not-ok": _action()})
    with pytest.raises(ValidationError, match="preset 'P' uses action 'ghost', which is not defined"):
        _destination(presets=[Preset(name="P", partner_action="ghost", subscribe='type = "identify"')])
    ok = _destination(
        presets=[{"name": "P", "partnerAction": "upsert", "subscribe": 'type = "identify"'}],
        concurrency_limit=5,
        faq="Q?",
    )
    assert ok.presets[0].partner_action == "upsert" and ok.concurrency_limit == 5


def test_authentication_checks() -> None:
    with pytest.raises(ValidationError, match="refresh_access_token is only valid with the oauth2 scheme"):
        Authentication(scheme="custom", refresh_access_token=_perform)
    with pytest.raises(ValidationError, match="setting 'o' has type 'object'"):
        Authentication(scheme="custom", fields={"o": InputField(label="O", type="object")})
    with pytest.raises(ValidationError, match="setting 'password' uses a name reserved for OAuth"):
        Authentication(scheme="oauth2", fields={"password": InputField(label="P", type="password")})


def test_validate_settings_strips_coerces_and_names_the_setting() -> None:
    destination = _destination(
        authentication=Authentication(
            scheme="oauth2",
            fields={
                "businessUnitID": InputField(label="Business Unit ID", type="string", required=True),
                "port": InputField(label="Port", type="number"),
                "isSandbox": InputField(label="Sandbox", type="boolean"),
            },
        )
    )
    settings = {
        "businessUnitID": "0Uv",
        "port": "5",
        "isSandbox": "false",
        "junk": 1,
        "subscriptions": [],
        "oauth": {"access_token": "t"},
        "dynamicAuthSettings": {"x": 1},
    }
    assert destination.validate_settings(settings) == {
        "businessUnitID": "0Uv",
        "port": 5,
        "isSandbox": False,
        "dynamicAuthSettings": {"x": 1},
    }
    with pytest.raises(
        PayloadValidationError, match=r"^The root value is missing the required field 'businessUnitID'\.$"
    ):
        destination.validate_settings({"port": 1})
    with pytest.raises(PayloadValidationError, match=r"^Port must be a number but it was a string\.$"):
        destination.validate_settings({"businessUnitID": "x", "port": "many"})


def test_settings_without_authentication_pass_through() -> None:
    assert _destination().validate_settings({"a": 1, "subscriptions": [], "oauth": {}}) == {"a": 1}


def test_settings_are_not_stripped_of_empty_values() -> None:
    destination = _destination(
        authentication=Authentication(
            scheme="custom", fields={"key": InputField(label="Key", type="string", required=True)}
        )
    )
    assert destination.validate_settings({"key": ""}) == {"key": ""}
    assert destination.validate_settings({"key": None}) == {"key": ""}  # ajv coerces null to ""
