"""Salesforce's REST API as the object actions call it (API ``v53.0``, Segment's).

Every URL starts with the account's ``instanceUrl`` (set by the OAuth login; it must be an https
``*.salesforce.com`` URL). Create is ``POST sobjects/<Object>``; update, upsert and delete first find
the record with a SOQL query built from the record matchers (``traits``) unless the matchers give
its ``Id``, then ``PATCH`` or ``DELETE sobjects/<Object>/<Id>``. An upsert that finds nothing
creates. A lookup that finds several records changes none (error 300).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from framework.errors import HTTPError, IntegrationError

from .classifier import error_for_http_error

if TYPE_CHECKING:
    import requests

    from framework.http import RequestClient

__all__ = ["API_VERSION", "SalesforceREST", "checked_instance_url", "soql_lookup"]

API_VERSION = "v53.0"
_INSTANCE_URL = re.compile(r"^https://.*\.salesforce\.com")
_NOT_NAME = re.compile(r"[^a-zA-Z0-9_]")
_URI_SAFE = "-_.!~*()"  # encodeURIComponent's, less the ' that WHATWG URL parsing encodes in a query


def checked_instance_url(instance_url: Any) -> str:
    """The instance URL with one trailing slash; an empty or foreign one is refused (log in again)."""
    if not instance_url:
        raise IntegrationError(
            "Empty Salesforce instance URL. Please login through OAuth.", "INVALID_INSTANCE_URL", 400
        )
    url = str(instance_url)
    if not _INSTANCE_URL.match(url):
        raise IntegrationError("Invalid Salesforce instance URL. Please login through OAuth again.",
                               "INVALID_INSTANCE_URL", 400)  # fmt: skip
    return url if url.endswith("/") else url + "/"


def _soql_value(value: Any) -> str:
    """A matcher value as SOQL writes it: strings quoted (quotes escaped), numbers and booleans bare."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return _js_number(value)
    if isinstance(value, str):
        return "'" + value.replace("'", "\\'") + "'"
    kind = "object" if value is None or isinstance(value, (dict, list)) else type(value).__name__
    raise IntegrationError(f"Unsupported datatype for record matcher traits - {kind}", "Unsupported Type", 400)


def _js_number(value: float) -> str:
    """A number as JavaScript prints it (``3.0`` is ``3``)."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e21:
        return str(int(value))
    return repr(value) if isinstance(value, float) else str(value)


def soql_lookup(traits: dict[str, Any], sobject: str, operator: str) -> str:
    """``SELECT Id FROM <sobject> WHERE a = 'x' OR b = 2``: field names stripped to ``[A-Za-z0-9_]``."""
    tests = [f"{_NOT_NAME.sub('', key)} = {_soql_value(value)}" for key, value in traits.items()]
    return f"SELECT Id FROM {sobject} WHERE " + f" {operator} ".join(tests)


class SalesforceREST:
    """The REST calls of one execution, on the request client the runtime built for it."""

    def __init__(self, request: RequestClient, instance_url: Any, headers: dict[str, str] | None = None) -> None:
        self._request = request
        self._headers = headers  # a password login's token, over the instance's
        self.base = f"{checked_instance_url(instance_url)}services/data/{API_VERSION}/"

    def call(self, method: str, path: str, **options: Any) -> requests.Response:
        """One call under the API's base URL; a refusal raises the classifier's error."""
        if self._headers:
            options["headers"] = {**self._headers, **(options.get("headers") or {})}
        try:
            return self._request.request(self.base + path, method, **options)
        except HTTPError as error:
            raise error_for_http_error(error) from error

    def create(self, sobject: str, body: dict[str, Any]) -> requests.Response:
        """``POST sobjects/<sobject>``."""
        return self.call("POST", f"sobjects/{sobject}", json=body)

    def update(self, sobject: str, record_id: str, body: dict[str, Any]) -> requests.Response:
        """``PATCH sobjects/<sobject>/<id>``."""
        return self.call("PATCH", f"sobjects/{sobject}/{record_id}", json=body)

    def delete(self, sobject: str, record_id: str) -> requests.Response:
        """``DELETE sobjects/<sobject>/<id>``."""
        return self.call("DELETE", f"sobjects/{sobject}/{record_id}")

    def find_id(self, traits: dict[str, Any], sobject: str, operator: str) -> str:
        """The one record the matchers find; IntegrationError 404 for none, 300 for several."""
        query = quote(soql_lookup(traits, sobject, operator), safe=_URI_SAFE)
        found = _json(self.call("GET", f"query/?q={query}"))
        total = found.get("totalSize") if isinstance(found, dict) else None
        if total is None:
            raise IntegrationError("Response missing expected fields", "Bad Response", 400)
        if total == 0:
            raise IntegrationError("No record found with given traits", "Record Not Found", 404)
        if total > 1:
            raise IntegrationError("Multiple records returned with given traits", "Multiple Records Found", 300)
        records = found.get("records") or [{}]
        record_id = records[0].get("Id") if isinstance(records[0], dict) else None
        if not record_id:
            raise IntegrationError("Response missing expected fields", "Bad Response", 400)
        return str(record_id)

    def object_choices(self) -> list[tuple[str, str]]:
        """(name, label) of every object the account may create records in, for ``customObjectName``."""
        listed = _json(self.call("GET", "sobjects"))
        return [(item["name"], item["label"]) for item in listed.get("sobjects", []) if item.get("createable") is True]


def _json(response: requests.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return None
