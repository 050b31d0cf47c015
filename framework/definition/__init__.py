"""Destinations as data: definitions, fields, auth schemes, presets, JSON Schema and payload validation.

Public surface (see docs/architecture.md)::

    DestinationDefinition, ActionDefinition, InputField, Authentication, Preset
    AudienceConfig, AudienceMode, AudienceResult, CreateAudienceInput, GetAudienceInput  (audiences)
    ExecuteInput, RefreshInput
    fields_to_json_schema(fields), compile_payload_validator(fields, label) -> PayloadValidator
    check_definition(definition) -> [Finding]   (the static checks ``actions validate`` prints)
"""

from framework.definition.actions import ActionDefinition
from framework.definition.audience_config import (
    AudienceConfig,
    AudienceMode,
    AudienceResult,
    CreateAudienceInput,
    GetAudienceInput,
)
from framework.definition.auth_schemes import Authentication
from framework.definition.conditions import ConditionalRequired, DependsOn, FieldCondition
from framework.definition.destination import DestinationDefinition
from framework.definition.fields import Choice, InputField
from framework.definition.inputs import ExecuteInput, RefreshInput
from framework.definition.json_schema import fields_to_json_schema
from framework.definition.presets import Preset
from framework.definition.record_merging import RecordMerging
from framework.definition.static_checks import Finding, check_definition
from framework.definition.validator import (
    PayloadValidator,
    compile_payload_validator,
    compile_settings_validator,
)

__all__ = [
    "ActionDefinition",
    "AudienceConfig",
    "AudienceMode",
    "AudienceResult",
    "Authentication",
    "Choice",
    "ConditionalRequired",
    "CreateAudienceInput",
    "DependsOn",
    "DestinationDefinition",
    "ExecuteInput",
    "FieldCondition",
    "Finding",
    "GetAudienceInput",
    "InputField",
    "PayloadValidator",
    "Preset",
    "RecordMerging",
    "RefreshInput",
    "check_definition",
    "compile_payload_validator",
    "compile_settings_validator",
    "fields_to_json_schema",
]
