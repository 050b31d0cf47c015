"""The ``send`` action ("Send"): one HTTP request to any URL, with the mapped ``data`` as its JSON body.

A single event goes as ``data``; a batch (``perform_batch``) goes as the JSON array of every event's
``data``, to the URL, method and headers of the batch's first event (``batch_keys`` defaults to
``url``, ``method`` and ``headers``, so a batch only ever holds events that agree on them). Answers
are read by :mod:`.classifier`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from framework.definition import ActionDefinition, Choice, InputField
from framework.errors import HTTPError, PayloadValidationError

from .classifier import error_for_http_error

if TYPE_CHECKING:
    import requests

    from framework.definition import ExecuteInput
    from framework.http import RequestClient

__all__ = ["action", "FIELDS"]

FIELDS: dict[str, InputField] = {
    "url": InputField(
        label="URL", description="Where the request goes (http or https).", type="string", required=True, format="uri"
    ),
    "method": InputField(
        label="Method",
        description="The HTTP method of the request.",
        type="string",
        choices=[Choice(label=verb, value=verb) for verb in ("POST", "PUT", "PATCH")],
        default="POST",
        required=True,
    ),
    "batch_size": InputField(
        label="Batch Size",
        description="The most events one batched request carries; batches may hold fewer.",
        type="number",
        required=False,
        default=0,
    ),
    "headers": InputField(
        label="Headers",
        description="Headers every request carries, name on the left, value on the right (ASCII only).",
        type="object",
        default_object_ui="keyvalue:only",
    ),
    "data": InputField(
        label="Data",
        description="What the request body holds, as JSON. By default the whole event.",
        type="object",
        default={"@path": "$."},
    ),
    "enable_batching": InputField(
        label="Batch Events",
        description="Send events in batches: one request per batch, its body the JSON array of their data.",
        type="boolean",
    ),
    "batch_keys": InputField(
        label="Batch Keys",
        description="Fields whose values keep events in separate batches.",
        type="string",
        multiple=True,
        required=False,
        unsafe_hidden=True,
        default=["url", "method", "headers"],
    ),
}


def perform(request: RequestClient, data: ExecuteInput) -> requests.Response:
    """One request carrying this event's ``data``."""
    payload = data.payload
    return _send(request, payload["url"], payload["method"], payload.get("headers"), payload.get("data"))


def perform_batch(request: RequestClient, data: ExecuteInput) -> requests.Response:
    """One request carrying every event's ``data`` as an array, sent as the first event says."""
    first = data.payload[0]
    body = [item.get("data") for item in data.payload]
    return _send(request, first["url"], first["method"], first.get("headers"), body)


def _send(request: RequestClient, url: str, method: str, headers: Any, body: Any) -> requests.Response:
    options: dict[str, Any] = {"headers": headers} if headers else {}
    if body is not None:
        options["json"] = body
    try:
        return request.request(url, method, **options)
    except HTTPError as error:
        raise error_for_http_error(error) from error
    except (UnicodeError, ValueError) as error:  # a header value that is not ASCII, a URL that is not one
        raise PayloadValidationError(f"The request could not be built: {error}") from error


action = ActionDefinition(
    title="Send",
    description="Send an HTTP request.",
    fields=FIELDS,
    perform=perform,
    perform_batch=perform_batch,
)
