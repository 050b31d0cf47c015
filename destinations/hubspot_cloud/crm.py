"""HubSpot CRM records of any object type: search by properties, create, update, associate.

What ``upsertCompany`` and ``upsertCustomObjectRecord`` share. A search sends one filter group per
field (HubSpot ORs filter groups), each an ``EQ`` filter, so a record matching any field is found;
``None`` means there was nothing to search by. Calls raise the request client's ``HTTPError``: each
action reads the statuses it cares about before classifying the rest.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from framework.definition import Choice
from framework.jsvalues import string_to_number

from .api import BASE_URL, CRM, answer_of

if TYPE_CHECKING:
    import requests

    from framework.http import RequestClient

__all__ = ["search", "create", "update", "associate", "association_type", "custom_object_choices"]


def search(request: RequestClient, object_type: str, fields: Any, properties: list[str] | None = None,
           sorts: list[str] | None = None) -> dict[str, Any] | None:  # fmt: skip
    """HubSpot's search answer for records of ``object_type`` matching any of ``fields`` (None: no fields)."""
    if not isinstance(fields, dict) or not fields:
        return None
    body = {"filterGroups": [{"filters": [{"propertyName": key, "operator": "EQ", "value": value}]}
                             for key, value in fields.items()],
            "properties": list(properties or []), "sorts": list(sorts or [])}  # fmt: skip
    return answer_of(request.request(f"{CRM}/objects/{object_type}/search", "POST", json=body))


def create(request: RequestClient, object_type: str, properties: dict[str, Any],
           associations: list[dict[str, Any]] | None = None) -> requests.Response:  # fmt: skip
    """A new record with these properties (and associations)."""
    body = {"properties": properties, "associations": list(associations or [])}
    return request.request(f"{CRM}/objects/{object_type}", "POST", json=body)


def update(request: RequestClient, object_type: str, record_id: str, properties: dict[str, Any],
           id_property: str | None = None) -> requests.Response:  # fmt: skip
    """Update the record with this id (or with this value of the unique ``id_property``)."""
    query = f"?idProperty={id_property}" if id_property else ""
    return request.request(f"{CRM}/objects/{object_type}/{record_id}{query}", "PATCH", json={"properties": properties})


def associate(request: RequestClient, object_type: str, record_id: str, to_object_type: str, to_id: str,
              types: list[dict[str, Any]]) -> requests.Response:  # fmt: skip
    """Associate two records (CRM v4) with the given association types."""
    url = f"{BASE_URL}/crm/v4/objects/{object_type}/{record_id}/associations/{to_object_type}/{to_id}"
    return request.request(url, "PUT", json=types)


def association_type(label: str) -> dict[str, Any]:
    """``"HUBSPOT_DEFINED:279"`` → ``{associationCategory, associationTypeId}`` (a non-number id is null)."""
    category, _, type_id = label.partition(":")
    number = string_to_number(type_id) if type_id else math.nan
    value: int | float | None = None if math.isnan(number) else (int(number) if number.is_integer() else number)
    return {"associationCategory": category, "associationTypeId": value}


def custom_object_choices(request: RequestClient) -> list[Choice]:
    """The account's live custom objects as ``<plural label> (Custom)`` choices (raises ``HTTPError``)."""
    found = answer_of(request.request(f"{CRM}/schemas?archived=false", "GET")).get("results") or []
    return [
        Choice(label=f"{schema['labels']['plural']} (Custom)", value=schema["fullyQualifiedName"]) for schema in found
    ]
