"""Bulk API 2.0: a batch of events as one ingest job (``enable_batching``), the CSV as Segment writes it.

A batch is one job: ``POST jobs/ingest`` (object, ``CSV``, the operation and, for update and upsert,
the id column), ``PUT jobs/ingest/<id>/batches`` with the CSV, ``PATCH jobs/ingest/<id>`` to
``UploadComplete``. Salesforce then processes the job on its own; like Segment's destination this
reports the batch delivered once the job is closed (it does not wait for Salesforce's per-row results).
Bulk deletes are refused. When the upload fails, the job is closed anyway (its failure ignored) and
the upload's error raised.

The CSV, byte for byte as Segment builds it (its quirks kept, since Salesforce reads the file):

* one column per payload key that is not a setting, named in PascalCase (``last_name`` → ``LastName``),
  plus one per ``customFields`` name; columns are ordered as first seen reading the batch from its
  **last** event back to its first;
* every value quoted (inner quotes doubled), an absent or null one written ``#N/A`` unquoted;
* for update and upsert a last column with the record id / external id value (``#N/A`` when absent);
  for an insert the header's trailing comma is dropped and so is each row's.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from framework.errors import ActionsError, IntegrationError
from framework.jsvalues import number_to_string

if TYPE_CHECKING:
    import requests

    from .rest import SalesforceREST

__all__ = ["NO_VALUE", "SETTING_KEYS", "bulk_csv", "submit_bulk_job", "pascal_case"]

NO_VALUE = "#N/A"
SETTING_KEYS = frozenset({"operation", "traits", "enable_batching", "customFields", "bulkUpsertExternalId",
                          "bulkUpdateRecordId", "recordMatcherOperator", "customObjectName", "batch_size"})  # fmt: skip
_WORDS = re.compile(r"[A-Z]{2,}(?=[A-Z][a-z]+|\d|\b|_)|[A-Z]?[a-z]+|[A-Z]+|\d+")


def pascal_case(key: str) -> str:
    """``first_name`` → ``FirstName`` (lodash's camelCase, first letter raised)."""
    words = _WORDS.findall(key)
    camel = "".join(word.lower() if index == 0 else word[:1].upper() + word[1:].lower()
                    for index, word in enumerate(words))  # fmt: skip
    return camel[:1].upper() + camel[1:]


def _columns(payloads: list[dict[str, Any]]) -> dict[str, list[tuple[Any, int]]]:
    """Column name → (value, event index) pairs, read from the last event back (Segment's order)."""
    columns: dict[str, list[tuple[Any, int]]] = {}
    for index in range(len(payloads) - 1, -1, -1):
        for key, value in payloads[index].items():
            if key not in SETTING_KEYS:
                columns.setdefault(pascal_case(key), []).append((value, index))
            if key == "customFields":
                for name, custom in (value or {}).items():
                    if "," in name:
                        message = f"Invalid character in field name: {name}"
                        raise IntegrationError(message, message, 400)
                    columns.setdefault(name, []).append((custom, index))
    return columns


def _js_text(value: Any) -> str:
    """``String(value)`` as JavaScript writes it into the template (arrays joined, objects opaque)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return number_to_string(value)
    if isinstance(value, list):
        return ",".join("" if item is None else _js_text(item) for item in value)
    if isinstance(value, dict):
        return "[object Object]"
    return str(value)


def _cell(value: Any) -> str:
    """A quoted CSV value: only strings have their double quotes doubled (Segment's escaping)."""
    return f'"{value.replace(chr(34), chr(34) * 2)}",' if isinstance(value, str) else f'"{_js_text(value)}",'


def _id_value(payload: dict[str, Any], operation: str) -> str:
    """The last column of an update or upsert row: the record's id or external id value."""
    if payload.get("enable_batching") and operation == "upsert":
        external = payload.get("bulkUpsertExternalId") or {}
        if external.get("externalIdValue"):
            return str(external["externalIdValue"])
    if payload.get("enable_batching") and operation == "update" and payload.get("bulkUpdateRecordId"):
        return str(payload["bulkUpdateRecordId"])
    return NO_VALUE


def bulk_csv(payloads: list[dict[str, Any]], id_column: str, operation: str) -> str:
    """The job's CSV (see the module's rules); ``operation`` is ``insert``, ``update`` or ``upsert``."""
    columns = _columns(payloads)
    header = "".join(f"{name}," for name in columns)
    if operation == "insert":
        header = header[:-1]
    lines = [header + id_column + "\n"]
    for index, payload in enumerate(payloads):
        row = ""
        for column in columns.values():
            if column and column[-1][1] == index and column[-1][0] is not None:
                row += _cell(column.pop()[0])
            else:
                if column and column[-1][1] == index:
                    column.pop()
                row += f"{NO_VALUE},"
        own = payload.get("operation") or operation
        if own in ("create", "insert"):
            lines.append(row[:-1] + "\n")
        else:
            lines.append(f'{row}"{_id_value(payload, own)}"\n')
    return "".join(lines)


def submit_bulk_job(rest: SalesforceREST, payloads: list[dict[str, Any]], sobject: str, mode: str) -> requests.Response:
    """Run one ingest job for ``payloads`` (``mode``: add, update or upsert); the close call's answer."""
    first = payloads[0]
    if mode == "upsert":
        external = first.get("bulkUpsertExternalId") or {}
        if not external.get("externalIdName") or not external.get("externalIdValue"):
            raise IntegrationError(
                "Undefined bulkUpsertExternalId.externalIdName or externalIdValue when using bulkUpsert operation",
                "Undefined bulkUpsertExternalId.externalIdName externalIdValue", 400)  # fmt: skip
        operation, id_column = "upsert", str(external["externalIdName"])
    elif mode == "update":
        if not first.get("bulkUpdateRecordId"):
            raise IntegrationError("Undefined bulkUpdateRecordId when using bulkUpdate operation",
                                   "Undefined bulkUpdateRecordId", 400)  # fmt: skip
        operation, id_column = "update", "Id"
    else:
        operation, id_column = "insert", ""
    csv = bulk_csv(payloads, id_column, operation)
    job: dict[str, Any] = {"object": sobject, "contentType": "CSV", "operation": operation}
    if operation != "insert":
        job["externalIdFieldName"] = id_column
    created = rest.call("POST", "jobs/ingest", json=job)
    job_id = _json_id(created)
    if not job_id:
        raise IntegrationError("Failed to create bulk job", "Failed to create bulk job", 500)
    try:
        rest.call("PUT", f"jobs/ingest/{job_id}/batches", data=csv.encode("utf-8"),
                  headers={"Content-Type": "text/csv", "Accept": "application/json"})  # fmt: skip
    except ActionsError:
        try:
            _close(rest, job_id)
        except ActionsError:
            pass  # the upload's error is the one to report
        raise
    return _close(rest, job_id)


def _close(rest: SalesforceREST, job_id: str) -> requests.Response:
    return rest.call("PATCH", f"jobs/ingest/{job_id}", json={"state": "UploadComplete"})


def _json_id(response: requests.Response) -> str | None:
    try:
        found = response.json()
    except ValueError:
        return None
    return str(found["id"]) if isinstance(found, dict) and found.get("id") else None
