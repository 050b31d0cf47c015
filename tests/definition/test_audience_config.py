"""The audience part of a definition: Segment's ``audienceFields`` and ``audienceConfig``, checked when built."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from framework.definition import (
    ActionDefinition,
    AudienceConfig,
    AudienceMode,
    AudienceResult,
    DestinationDefinition,
    InputField,
)
from framework.definition.audience_config import validate_audience_settings
from framework.errors import PayloadValidationError


def _create(request: Any, data: Any) -> AudienceResult:
    return AudienceResult(external_id="L1")


def _definition(**audience: Any) -> DestinationDefinition:
    return DestinationDefinition(
        name="Lists",
        slug="actions-lists",
        actions={"sync": ActionDefinition(title="Sync", perform=lambda request, data: None)},
        **audience,
    )


FIELDS = {
    "listId": InputField(label="List Id", type="string"),
    "size": InputField(label="Size", type="number"),
    "tag": InputField(label="Tag", type="string", required=True),
}
CONFIG = AudienceConfig(mode=AudienceMode(type="realtime"), create_audience=_create, get_audience=_create)


def test_segment_camel_case_keys_build_the_same_definition() -> None:
    definition = DestinationDefinition.model_validate(
        {
            "name": "Lists",
            "slug": "actions-lists",
            "audienceFields": {"listId": {"label": "List Id", "type": "string"}},
            "audienceConfig": {
                "mode": {"type": "synced", "full_audience_sync": False},
                "createAudience": _create,
                "getAudience": _create,
            },
        }  # fmt: skip
    )
    assert definition.audience_config is not None and definition.audience_config.creates_audiences
    assert definition.audience_config.mode.full_audience_sync is False
    assert list(definition.audience_fields) == ["listId"]


@pytest.mark.parametrize(
    ("mode", "problem"),
    [
        ({"type": "synced"}, "full_audience_sync=True|False"),
        ({"type": "realtime", "full_audience_sync": True}, 'belongs to the "synced" mode'),
        ({"type": "batch"}, "realtime"),
    ],
)
def test_a_mode_is_segment_s_realtime_or_synced_with_its_flag(mode: dict[str, Any], problem: str) -> None:
    with pytest.raises(ValidationError, match=problem.replace("|", r"\|")):
        AudienceMode.model_validate(mode)


def test_a_mode_alone_declares_no_functions() -> None:
    config = AudienceConfig(mode=AudienceMode(type="synced", full_audience_sync=True))
    assert not config.creates_audiences
    _definition(audience_config=config)  # a destination Segment feeds, without making its lists


@pytest.mark.parametrize("given", ["create_audience", "get_audience"])
def test_the_functions_come_as_a_pair(given: str) -> None:
    config = AudienceConfig(mode=AudienceMode(type="realtime"), **{given: _create})
    missing = "get_audience" if given == "create_audience" else "create_audience"
    with pytest.raises(ValidationError, match=f"audience_config has {given} but no {missing}"):
        _definition(audience_config=config)


def test_audience_fields_are_checked_like_settings_and_need_a_config() -> None:
    with pytest.raises(ValidationError, match="audience settings: field 'list-id': the key is not an identifier"):
        _definition(audience_fields={"list-id": InputField(label="List", type="string")}, audience_config=CONFIG)
    with pytest.raises(ValidationError, match="audience_fields are declared without an audience_config"):
        _definition(audience_fields=FIELDS)


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ({"tag": "vip"}, {"tag": "vip"}),
        ({"tag": "vip", "size": "5"}, {"tag": "vip", "size": 5}),  # coerced, as Segment's ajv does
        ({"tag": "vip", "other": 1}, {"tag": "vip"}),  # undeclared keys dropped
        ({"tag": "vip", "dynamicAuthSettings": {"x": 1}}, {"tag": "vip", "dynamicAuthSettings": {"x": 1}}),
        ({"tag": 7}, {"tag": "7"}),
    ],
)
def test_audience_settings_are_validated_as_segment_does(given: dict[str, Any], expected: dict[str, Any]) -> None:
    definition = _definition(audience_fields=FIELDS, audience_config=CONFIG)
    assert validate_audience_settings(definition, given) == expected


def test_refused_audience_settings_say_which_and_why() -> None:
    definition = _definition(audience_fields=FIELDS, audience_config=CONFIG)
    with pytest.raises(PayloadValidationError) as refused:
        validate_audience_settings(definition, {"listId": {"a": 1}})
    assert refused.value.errors == [
        "The root value is missing the required field 'tag'.",
        "List Id must be a string but it was an object.",
    ]


def test_an_audience_result_is_segment_s_external_id() -> None:
    assert AudienceResult(external_id="L1").to_dict() == {"externalId": "L1"}
