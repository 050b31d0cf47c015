"""The ``purchase`` action ("Purchase"): a ``Purchase`` event, its value in a known currency."""

from __future__ import annotations

from typing import TYPE_CHECKING

from framework.definition import ActionDefinition, InputField
from framework.errors import IntegrationError, PayloadValidationError

from .codes import CURRENCY_CODES
from .events import commerce_data, require_user_agent_for_website, send_event, server_event, validate_contents
from .fields import commerce_fields, common_fields, tail_fields

if TYPE_CHECKING:
    import requests

    from framework.definition import ExecuteInput
    from framework.http import RequestClient

__all__ = ["action"]

COMMERCE_KEYS = ["currency", "value", "net_revenue", "content_ids", "content_name", "content_type", "contents",
                 "num_items"]  # fmt: skip


def _fields() -> dict[str, InputField]:
    common, commerce, tail = common_fields(), commerce_fields(), tail_fields()
    value = commerce["value"].model_copy(update={"required": True, "default": {"@path": "$.properties.revenue"}})
    return {
        "action_source": common["action_source"],
        "currency": commerce["currency"].model_copy(update={"required": True}),
        "event_time": common["event_time"], "user_data": common["user_data"],
        "app_data_field": common["app_data_field"], "value": value,
        **{key: commerce[key] for key in ("net_revenue", "content_ids", "content_name", "content_type", "contents")},
        "event_id": tail["event_id"], "event_source_url": tail["event_source_url"],
        "num_items": commerce["num_items"],
        **{key: tail[key] for key in ("custom_data", "data_processing_options", "data_processing_options_country",
                                      "data_processing_options_state", "test_event_code")},
    }  # fmt: skip


def perform(request: RequestClient, data: ExecuteInput) -> requests.Response:
    payload = data.payload
    if payload.get("currency") not in CURRENCY_CODES:
        raise IntegrationError(f"{payload.get('currency')} is not a valid currency code.", "INVALID_CURRENCY_CODE")
    require_user_agent_for_website(payload, PayloadValidationError)
    validate_contents(payload.get("contents"))
    return send_event(request, data, server_event("Purchase", payload, commerce_data(payload, COMMERCE_KEYS)))


action = ActionDefinition(
    title="Purchase",
    description="Send an event when a user completes a purchase.",
    default_subscription='type = "track" and event = "Order Completed"',
    fields=_fields(),
    perform=perform,
)
