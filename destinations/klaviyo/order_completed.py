"""``orderCompleted`` ("Order Completed"): the order as one Klaviyo event, then one event per product.

POST ``/events/`` as ``trackEvent`` does, under the metric ``event_name`` ("Order Completed"). When
Klaviyo accepts it (202) and the mapping gives ``products`` (a list), every product becomes an
``product_event_name`` ("Ordered Product") event: the order's properties without ``products``, then
the product's own, a fresh unique id each (a random UUID, as Segment's), the order's time and profile.
The product events are all sent, as Segment sends them at once; the first refused one is then the
action's error.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

from framework.definition import ActionDefinition, InputField
from framework.errors import ActionsError

from .api import send
from .track_event import FIELDS as TRACK_FIELDS
from .track_event import event_body, event_profile

if TYPE_CHECKING:
    import requests

    from framework.definition import ExecuteInput
    from framework.http import RequestClient

__all__ = ["action", "FIELDS"]

_PROFILE = TRACK_FIELDS["profile"]
FIELDS: dict[str, InputField] = {
    # No default for the profile as a whole (Segment's has none): a mapping must name it.
    # Its email is any string (Segment's has no email format here, unlike trackEvent's).
    "profile": _PROFILE.model_copy(update={"default": None, "properties": {
        **(_PROFILE.properties or {}),
        "email": (_PROFILE.properties or {})["email"].model_copy(update={"format": None})}}),
    **{key: TRACK_FIELDS[key] for key in ("properties", "time", "value", "unique_id")},
    "products": InputField(label="Products", type="object", multiple=True,
                           description="The order's products: each becomes an event of its own."),
    "event_name": InputField(label="Event Name", type="string", default="Order Completed",
                             description="The order event's metric name (configured in Klaviyo)."),
    "product_event_name": InputField(label="Product Event Name", type="string", default="Ordered Product",
                                     description="The metric name of each product's event (configured in Klaviyo)."),
}  # fmt: skip


def product_body(order: dict[str, Any], product: Any, metric_name: Any) -> dict[str, Any]:
    """One product's event: the order's properties and the product's, a new unique id, the order's time."""
    ordered = order["data"]["attributes"]
    properties = {key: value for key, value in ordered["properties"].items() if key != "products"}
    if isinstance(product, dict):
        properties.update(product)
    attributes: dict[str, Any] = {
        "properties": properties,
        "unique_id": str(uuid.uuid4()),
        "metric": {"data": {"type": "metric", "attributes": {"name": metric_name}}},
    }
    if "time" in ordered:
        attributes["time"] = ordered["time"]
    attributes["profile"] = ordered["profile"]
    return {"data": {"type": "event", "attributes": attributes}}


def _named(payload: dict[str, Any], key: str, default: str) -> Any:
    """A metric name from the payload, ``default`` only when it is absent (an empty name stays empty)."""
    value = payload.get(key)
    return default if value is None else value


def perform(request: RequestClient, data: ExecuteInput) -> requests.Response:
    """Post the order event, then its products' events when the order was accepted."""
    payload: dict[str, Any] = data.payload
    order = event_body(payload, _named(payload, "event_name", "Order Completed"), event_profile(payload["profile"]))
    response = send(request, "events/", "POST", order)
    products = payload.get("products")
    if response.status_code != 202 or not isinstance(products, list):
        return response
    refused: ActionsError | None = None
    product_metric = _named(payload, "product_event_name", "Ordered Product")
    for product in products:
        try:
            send(request, "events/", "POST", product_body(order, product, product_metric))
        except ActionsError as error:
            refused = refused or error
    if refused is not None:
        raise refused
    return response


action = ActionDefinition(
    title="Order Completed",
    description="Record a completed order in Klaviyo, and an event for each product ordered.",
    default_subscription='type = "track"',
    fields=FIELDS,
    perform=perform,
)
