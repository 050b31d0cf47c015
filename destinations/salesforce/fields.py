"""The fields every Salesforce object action shares, in their two generations.

The first actions (``lead``, ``contact``, ...) choose what to do with an ``operation`` field (create,
update, upsert, delete); the V2 actions (``lead2``, ...) take the same choice as the mapping's sync
mode (add, update, upsert, delete), so their fields show and hide on the sync mode instead. Both
carry the record matchers (``traits``) that find the record to change, the matchers' operator, the
Bulk API switches and ``customFields`` (any other Salesforce field, by its API name).
"""

from __future__ import annotations

from typing import Any

from framework.definition import InputField
from framework.definition.sync_modes import SyncModeChoice, SyncModeDefinition

__all__ = ["OPERATION", "SYNC_MODE", "either", "shared_fields", "hidden_on_delete"]

_CHANGING = ["update", "upsert", "delete"]
OPERATION = InputField(
    label="Operation",
    description="What to do in Salesforce: create a record, update or delete an existing one, or upsert.",
    type="string",
    required=True,
    choices=[{"label": "Create new record", "value": "create"},
             {"label": "Update existing record", "value": "update"},
             {"label": "Update or create a record if one doesn't exist", "value": "upsert"},
             {"label": "Delete existing record", "value": "delete"}],
)  # fmt: skip

SYNC_MODE = SyncModeDefinition(
    label="How to sync records",
    description="Define how the records from your destination will be synced.",
    default="add",
    choices=[SyncModeChoice(label="Insert Records", value="add"),
             SyncModeChoice(label="Update Records", value="update"),
             SyncModeChoice(label="Upsert Records", value="upsert"),
             SyncModeChoice(label="Delete Records. Not available when using batching. Requests will result in errors.",
                            value="delete")],
)  # fmt: skip


def either(path: str) -> dict[str, Any]:
    """The default reading ``$.traits.<path>``, else ``$.properties.<path>`` (identify or track events)."""
    return {"@if": {"exists": {"@path": f"$.traits.{path}"}, "then": {"@path": f"$.traits.{path}"},
                    "else": {"@path": f"$.properties.{path}"}}}  # fmt: skip


def _when(v2: bool, operator: str, value: Any) -> dict[str, Any]:
    """One ``depends_on`` condition on the operation (V1) or the sync mode (V2)."""
    if v2:
        return {"type": "syncMode", "operator": operator, "value": value}
    return {"fieldKey": "operation", "operator": operator, "value": value}


def hidden_on_delete(v2: bool) -> dict[str, Any]:
    """``depends_on``: shown unless the record is being deleted."""
    if v2:
        return {"match": "any", "conditions": [_when(True, "is_not", "delete")]}
    return {"conditions": [_when(False, "is_not", "delete")]}


def _on_changes(v2: bool) -> dict[str, Any]:
    """``depends_on``: shown when an existing record is looked up (update, upsert, delete)."""
    if v2:
        return {"match": "any", "conditions": [_when(True, "is", mode) for mode in _CHANGING]}
    return {"conditions": [_when(False, "is", _CHANGING)]}


def _in_bulk(v2: bool, operation: str) -> dict[str, Any]:
    """``depends_on``: shown for ``operation`` with the Bulk API on."""
    return {"match": "all", "conditions": [_when(v2, "is", operation),
                                           {"fieldKey": "enable_batching", "operator": "is", "value": True}]}  # fmt: skip


def shared_fields(v2: bool) -> tuple[dict[str, InputField], InputField]:
    """The operation (V1), matchers and Bulk API fields keyed as Segment keys them, and ``customFields``."""
    custom = InputField(label="Other Fields", type="object", default_object_ui="keyvalue", depends_on=hidden_on_delete(v2),
                        description=("Any other Salesforce fields to set, standard or custom, keyed by their API "
                                     "name (custom fields end in __c and must exist in your account)."))  # fmt: skip
    fields = {
        "recordMatcherOperator": InputField(
            label="Record Matchers Operator", type="string", default="OR", depends_on=_on_changes(v2),
            choices=[{"label": "OR", "value": "OR"}, {"label": "AND", "value": "AND"}],
            description="How the record matchers combine in the lookup: any matcher (OR, the default) or all (AND)."),
        "enable_batching": InputField(
            label="Use Salesforce Bulk API", type="boolean", default=False, depends_on=hidden_on_delete(v2),
            description="Send events in batches of up to 5000 to Salesforce's Bulk API 2.0 instead of one REST call each."),
        "batch_size": InputField(
            label="Batch Size", type="number", default=5000, unsafe_hidden=True, depends_on=hidden_on_delete(v2),
            description="The most events one Bulk API job holds; batches may be smaller."),
        "traits": InputField(
            label="Record Matchers", type="object", default_object_ui="keyvalue:only", depends_on=_on_changes(v2),
            description=("The fields that find the Salesforce record to update, upsert or delete, keyed by their "
                         "Salesforce API name (record id, external ids, standard or custom fields). Required for "
                         "those operations. Nothing changes when more than one record matches.")),
        "bulkUpsertExternalId": InputField(
            label="Bulk Upsert External Id", type="object", default_object_ui="keyvalue:only",
            additional_properties=False, depends_on=_in_bulk(v2, "upsert"),
            description="The external id field (its Salesforce name and value) a Bulk API upsert matches on.",
            properties={
                "externalIdName": InputField(label="External Id Name", type="string",
                                             description="The external id field's name in Salesforce."),
                "externalIdValue": InputField(label="External Id Value", type="string",
                                              description="This record's value of that field."),
            }),
        "bulkUpdateRecordId": InputField(
            label="Bulk Update Record Id", type="string", depends_on=_in_bulk(v2, "update"),
            description="The Salesforce record id a Bulk API update changes."),
    }  # fmt: skip
    return ({} if v2 else {"operation": OPERATION}) | fields, custom
