"""The twelve actions: six objects, each in its V1 (``operation`` field) and V2 (sync mode) form.

``lead``, ``contact``, ``account``, ``opportunity``, ``cases`` write one standard object each;
``customObject`` writes any object (``customObjectName``, a dynamic field listing the account's
creatable objects) with only its ``customFields``. The V2 keys add ``2`` (``lead2``, ...): the same
fields less ``operation``, the mode chosen as the mapping's sync mode (add, update, upsert, delete).
Per event the REST API is called (:mod:`.records`); with ``enable_batching`` a batch is one Bulk API
job (:mod:`.bulk`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from framework.definition import ActionDefinition, Choice, ConditionalRequired, FieldCondition, InputField
from framework.definition.dynamic_fields import DynamicChoices
from framework.errors import ActionsError, IntegrationError, PayloadValidationError

from .bulk import submit_bulk_job
from .fields import SYNC_MODE, hidden_on_delete, shared_fields
from .login import salesforce_rest
from .objects import STANDARD_OBJECTS, SObject
from .records import V1_MODES, require_custom_fields, write_record

if TYPE_CHECKING:
    from framework.definition import ExecuteInput
    from framework.http import RequestClient

__all__ = ["ACTIONS", "object_action", "custom_object_action"]

_CUSTOM_OBJECT_NAME = InputField(
    label="Salesforce Object", type="string", required=True, dynamic=True,
    description=("The API name of the object records go to, standard or custom (custom objects end in __c "
                 "and must exist in your Salesforce account)."),
)  # fmt: skip
_REQUIRED_ON_CREATE = ConditionalRequired(conditions=[FieldCondition(field_key="operation", operator="is",
                                                                    value="create")])  # fmt: skip
_TITLES = {"lead": "Lead", "contact": "Contact", "account": "Account", "opportunity": "Opportunity", "cases": "Case"}


def _mode(v2: bool, data: ExecuteInput, payload: dict[str, Any]) -> str | None:
    """The mode in the V2 spelling: the sync mode, or the V1 ``operation`` translated."""
    return data.sync_mode if v2 else V1_MODES.get(str(payload.get("operation")))


def _bulk_mode(v2: bool, data: ExecuteInput, payloads: list[dict[str, Any]]) -> str:
    """The batch's mode (its first event's); delete and a batch without batching on are refused."""
    if not payloads[0].get("enable_batching"):
        message = "Bulk operation triggered where enable_batching is false."
        raise IntegrationError(message, message, 400)
    mode = _mode(v2, data, payloads[0])
    if v2 and mode is None:
        raise IntegrationError("syncMode is required", "Undefined syncMode", 400)
    if mode == "delete":
        raise IntegrationError("Unsupported operation: Bulk API does not support the delete operation",
                               "Unsupported operation", 400)  # fmt: skip
    return str(mode)


def _object_fields(sobject: SObject | None, v2: bool, custom_first: bool = False) -> dict[str, InputField]:
    head, custom = shared_fields(v2)
    own = sobject.input_fields(hidden_on_delete(v2)) if sobject else {"customObjectName": _CUSTOM_OBJECT_NAME}
    if custom_first:
        return {**head, "customFields": custom, **own}
    return {**head, **own, "customFields": custom}


def object_action(key: str, sobject: SObject, v2: bool) -> ActionDefinition:
    """The action writing ``sobject`` (V1 or V2 form)."""

    def perform(request: RequestClient, data: ExecuteInput) -> Any:
        payload: dict[str, Any] = data.payload
        return write_record(salesforce_rest(request, data.settings), _mode(v2, data, payload), payload, sobject,
                            sobject.name)  # fmt: skip

    def perform_batch(request: RequestClient, data: ExecuteInput) -> Any:
        payloads: list[dict[str, Any]] = data.payload
        rest = salesforce_rest(request, data.settings)
        mode = _mode(v2, data, payloads[0])
        missing = sobject.missing_message(payloads[0]) if mode == "upsert" else None
        if missing:
            raise IntegrationError(missing, "Misconfigured required field", 400)
        return submit_bulk_job(rest, payloads, sobject.name, _bulk_mode(v2, data, payloads))

    title = _TITLES[key]
    fields = _object_fields(sobject, v2, custom_first=v2 and key == "lead")
    if key == "lead" and not v2:  # only the V1 lead makes its schema require last_name, on create
        fields["last_name"] = fields["last_name"].model_copy(update={"required": _REQUIRED_ON_CREATE})
    return ActionDefinition(
        title=f"{title} V2" if v2 else title,
        description=f"Create, update, or upsert {sobject.plural} in Salesforce.",
        default_subscription=sobject.subscription,
        fields=fields,
        perform=perform,
        perform_batch=perform_batch,
        sync_mode=SYNC_MODE if v2 else None,
    )


def custom_object_action(v2: bool) -> ActionDefinition:
    """``customObject`` / ``customObject2``: any object, named by ``customObjectName``."""

    def perform(request: RequestClient, data: ExecuteInput) -> Any:
        payload: dict[str, Any] = data.payload
        mode = _mode(v2, data, payload)
        if v2 and mode is None:
            raise PayloadValidationError("Sync mode is required for this operation.")
        require_custom_fields(mode, payload)
        name = str(payload.get("customObjectName"))
        return write_record(salesforce_rest(request, data.settings), mode, payload, None, name)

    def perform_batch(request: RequestClient, data: ExecuteInput) -> Any:
        payloads: list[dict[str, Any]] = data.payload
        mode = _mode(v2, data, payloads[0])
        if v2 and mode is None:
            raise IntegrationError("syncMode is required", "Undefined syncMode", 400)
        require_custom_fields(mode, payloads[0])
        rest = salesforce_rest(request, data.settings)
        return submit_bulk_job(rest, payloads, str(payloads[0].get("customObjectName")), _bulk_mode(v2, data, payloads))

    return ActionDefinition(
        title="Custom Object V2" if v2 else "Custom Object",
        description="Create, update, or upsert records in any custom or standard object in Salesforce.",
        fields=_object_fields(None, v2),
        perform=perform,
        perform_batch=perform_batch,
        sync_mode=SYNC_MODE if v2 else None,
        dynamic_fields={"customObjectName": object_choices},
    )


def object_choices(request: RequestClient, data: ExecuteInput) -> DynamicChoices:
    """The account's creatable objects, for ``customObjectName`` (Salesforce's message when it refuses)."""
    try:
        found = salesforce_rest(request, data.settings).object_choices()
    except ActionsError as error:
        return DynamicChoices(error=str(error))
    return DynamicChoices(choices=[Choice(label=label, value=name) for name, label in found], next_page="2")


ACTIONS: dict[str, ActionDefinition] = {}
for _key, _sobject in STANDARD_OBJECTS.items():
    ACTIONS[_key] = object_action(_key, _sobject, v2=False)
ACTIONS["customObject"] = custom_object_action(v2=False)
for _key, _sobject in STANDARD_OBJECTS.items():
    ACTIONS[f"{_key}2"] = object_action(_key, _sobject, v2=True)
ACTIONS["customObject2"] = custom_object_action(v2=True)
