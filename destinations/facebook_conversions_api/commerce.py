"""The commerce actions after ``purchase``: ``addToCart``, ``viewContent``, ``initiateCheckout``, ``search``.

They differ only in data (see ``SPECS``): the event's name, which commerce fields they take, in which
order, with which defaults, and the order of keys in the body. Their checks are the same: a currency,
when given, must be one Facebook knows; a website event needs the user agent; products need an id.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from framework.definition import ActionDefinition, InputField
from framework.errors import IntegrationError

from .codes import CURRENCY_CODES
from .events import (
    ID_FIRST,
    URL_FIRST,
    commerce_data,
    require_user_agent_for_website,
    send_event,
    server_event,
    validate_contents,
)
from .fields import commerce_fields, common_fields, contents_from, tail_fields

if TYPE_CHECKING:
    import requests

    from framework.definition import ExecuteInput
    from framework.http import RequestClient

__all__ = ["SPECS", "commerce_action"]

SEARCH_STRING = InputField(label="Search String", description="What the user searched for.", type="string",
                           default={"@path": "$.properties.query"})  # fmt: skip
HEAD_ADD_TO_CART = ("event_time", "event_source_url", "event_id", "action_source")


@dataclass(frozen=True)
class CommerceSpec:
    """One commerce action as data: what differs between them."""

    title: str
    description: str
    trigger: str
    event_name: str
    own_fields: list[str]  # the action's fields between app_data_field and custom_data, in order
    body_keys: list[str]  # the commerce keys written over custom_data, in the body's order
    head: tuple[str, ...] = URL_FIRST
    defaults: dict[str, Any] = field(default_factory=dict)  # field key → default, over the shared ones


SPECS: dict[str, CommerceSpec] = {
    "addToCart": CommerceSpec(
        "Add to Cart", "Send an event when a user adds a product to the cart.",
        'type = "track" and event = "Product Added"', "AddToCart",
        ["content_ids", "content_name", "content_type", "contents", "currency", "event_id", "event_source_url",
         "value"],
        ["currency", "value", "content_ids", "content_name", "contents", "content_type"],
        HEAD_ADD_TO_CART, {"contents": contents_from("$.properties"), "value": {"@path": "$.properties.price"}},
    ),
    "viewContent": CommerceSpec(
        "View Content", "Send an event when a user views content or a product.",
        'type = "track" and event = "Product Viewed"', "ViewContent",
        ["content_category", "content_ids", "content_name", "content_type", "contents", "currency", "event_id",
         "event_source_url", "value"],
        ["currency", "value", "content_ids", "content_name", "content_type", "contents", "content_category"],
        ID_FIRST, {"content_ids": {"@path": "$.properties.product_id"}, "contents": contents_from("$.properties"),
                   "value": {"@path": "$.properties.price"}},
    ),
    "initiateCheckout": CommerceSpec(
        "Initiate Checkout", "Send an event when a user starts checking out.",
        'type = "track" and event = "Checkout Started"', "InitiateCheckout",
        ["content_category", "content_ids", "contents", "currency", "event_id", "event_source_url", "num_items",
         "value"],
        ["currency", "value", "content_ids", "contents", "num_items", "content_category"],
        URL_FIRST, {"value": {"@path": "$.properties.revenue"}},
    ),
    "search": CommerceSpec(
        "Search", "Send an event when a user searches content or products.",
        'type = "track" and event = "Products Searched"', "Search",
        ["content_category", "content_ids", "contents", "currency", "event_id", "event_source_url", "search_string",
         "value"],
        ["currency", "content_ids", "contents", "content_category", "value", "search_string"],
        ID_FIRST, {"contents": contents_from("$.properties")},
    ),
}  # fmt: skip


def _fields(spec: CommerceSpec) -> dict[str, InputField]:
    common, tail = common_fields(), tail_fields()
    available = {**commerce_fields(), **tail, "search_string": SEARCH_STRING}
    own = {}
    for key in spec.own_fields:
        own[key] = available[key]
        if key in spec.defaults:
            own[key] = own[key].model_copy(update={"default": spec.defaults[key]})
    rest = {key: tail[key] for key in tail if key not in own}
    return {**common, **own, **rest}


def commerce_action(key: str) -> ActionDefinition:
    """The action ``key`` of ``SPECS``."""
    spec = SPECS[key]

    def perform(request: RequestClient, data: ExecuteInput) -> requests.Response:
        payload = data.payload
        currency = payload.get("currency")
        if currency and currency not in CURRENCY_CODES:
            raise IntegrationError(f"{currency} is not a valid currency code.", "Misconfigured required field", 400)
        require_user_agent_for_website(payload, IntegrationError)
        validate_contents(payload.get("contents"))
        event = server_event(spec.event_name, payload, commerce_data(payload, spec.body_keys), spec.head)
        return send_event(request, data, event)

    return ActionDefinition(title=spec.title, description=spec.description, default_subscription=spec.trigger,
                            fields=_fields(spec), perform=perform)  # fmt: skip
