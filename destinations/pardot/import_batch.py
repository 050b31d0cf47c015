"""Upsert Prospect's batch path on Pardot's Import API v5: one import per batch instead of one call per event.

Chosen by the instance (``enable_batching`` in the subscription's mapping); per-event upsert stays the
default. ``perform_batch`` writes the batch as CSV rows, creates an import (operation Upsert on
Prospect), adds the rows in batches under Pardot's limits (under 10 MB each, at most 10 per import),
submits it and returns an ``AsyncBatch``; ``poll`` reads the import's status and, once it is
Complete, its errors file, and maps every error row back to the items it stands for. Each import
costs 4 calls plus one per extra CSV batch and one per poll, instead of one per event; the price is
latency (Pardot processes imports in minutes).

The CSV must leave each prospect exactly as the per-event upserts would. An item goes per event
instead (sent at once, inside ``perform_batch``) when the CSV cannot say what its upsert says:

* it changes the address (``customFields.email``): the import matches on the ``email`` column, so it
  cannot find a prospect by one address and write another [decided: the reference does not confirm
  that an import can express it];
* it writes ``null`` or ``""`` (an empty cell leaves a field unchanged) or a value that is not text
  (numbers and booleans would come back typed by Pardot's field, not as sent);
* its ``secondaryDeletedSearch`` differs from the batch's first item (one ``restoreDeleted`` per import);
* it writes a prospect another per-event item writes (old or new address of an email change), so
  the record's updates stay in order.

Items of one prospect are merged into one row (``framework.delivery.merging``, the upsert's own merge
rules), so a row stands for every item of its prospect and shares its outcome, but for a refusal: a
refused row of several items is sent again item by item when the import is polled (their payloads
wait in the reference), so one bad update (an unknown field) does not take the prospect's other
updates with it, as per event (the per-event path's merged calls do the same). Delivery must not start
a subscription's next batch before this one's poll is done, or a later update could land first.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from framework.delivery.merging import merge_payloads
from framework.errors import Resolution
from framework.http import response_data
from framework.runtime.async_batch import AsyncBatch, StillRunning
from framework.runtime.multistatus import (
    ItemError,
    ItemNotTried,
    ItemStatus,
    ItemSuccess,
    MultiStatusResponse,
    item_error_from,
)

from .client import PardotClient
from .prospect_body import MERGING, upsert_body

if TYPE_CHECKING:
    from framework.definition import ExecuteInput
    from framework.http import RequestClient

__all__ = ["perform_batch", "poll", "csv_batches", "why_per_event", "IMPORTS_PATH", "MAX_CSV_BYTES", "MAX_BATCHES"]

IMPORTS_PATH = "/api/v5/imports"
MAX_CSV_BYTES = 9_500_000  # Pardot: each batch under 10 MB; a margin for the multipart framing [M]
MAX_BATCHES = 10  # Pardot: at most 10 batches per import [M]
_ERROR_COLUMN = "error"


def perform_batch(request: RequestClient, data: ExecuteInput) -> AsyncBatch | MultiStatusResponse:
    """Send what the CSV cannot express per event, import the rest; the import's reference to poll."""
    payloads = [_as_per_event(payload) for payload in data.payload]
    client = PardotClient(request, data.settings)
    single = _per_event_items(payloads)
    settled = _upsert_in_order(client, payloads, sorted(single))
    groups = merge_payloads([payloads[i] for i in range(len(payloads)) if i not in single], MERGING)
    positions = [i for i in range(len(payloads)) if i not in single]
    rows = [(upsert_body(group.payload)["prospect"], [positions[i] for i in group.indexes]) for group in groups]
    batches, overflow = csv_batches([row for row, _ in rows])
    for row_number in overflow:  # more than an import holds: these go per event too
        for index in rows[row_number][1]:
            settled[index] = _upsert_one(client, payloads[index])
    imported = [rows[n] for n in range(len(rows)) if n not in set(overflow)]
    if not imported:
        return _statuses(settled, {}, len(payloads))
    try:
        import_id = _import(client, batches, payloads[positions[0]].get("secondaryDeletedSearch") is True)
    except Exception as error:  # the import could not be made: its items all get this error
        failed = item_error_from(error)
        return _statuses(settled, {i: failed for _, items in imported for i in items}, len(payloads))
    ref = {
        "importId": import_id,
        "rows": [[_digest(row), items] for row, items in imported],
        "settled": [[index, _stored(status)] for index, status in sorted(settled.items())],
        # the items of merged rows, for the poll to send one by one should their row be refused
        "merged": [[index, payloads[index]] for _, items in imported if len(items) > 1 for index in items],
    }
    return AsyncBatch(ref=ref, items=len(payloads))


def poll(request: RequestClient, data: ExecuteInput, ref: dict[str, Any]) -> StillRunning | MultiStatusResponse:
    """The import's outcome per item once Complete; ``StillRunning`` while Pardot works on it."""
    client = PardotClient(request, data.settings)
    record = response_data(client.call("GET", f"{IMPORTS_PATH}/{ref['importId']}"))
    status = record.get("status") if isinstance(record, dict) else None
    if status in ("Open", "Waiting", "Processing"):
        return StillRunning(f"Pardot import {ref['importId']} is {status}")
    settled = {int(index): _restored(node) for index, node in ref["settled"]}
    if status != "Complete" or record.get("isExpired"):
        failed = ItemError(
            502, f"Pardot import {ref['importId']} ended as {status!r}", "IMPORT_FAILED", Resolution.RETRY
        )
        return _statuses(settled, {i: failed for _, items in ref["rows"] for i in items}, _count(ref))
    errors = _error_rows(client, ref["importId"]) if record.get("errorCount") else {}
    merged = {int(index): payload for index, payload in ref.get("merged", [])}
    outcomes: dict[int, ItemStatus] = {}
    for digest, items in ref["rows"]:
        message = errors.get(digest, [None]).pop(0) if errors.get(digest) else None
        if message is None:
            outcomes.update(dict.fromkeys(items, ItemSuccess(200, body={"importId": ref["importId"]})))
        elif len(items) > 1 and all(index in merged for index in items):
            outcomes.update(_upsert_in_order(client, merged, items))
        else:
            refused = ItemError(
                400, f"Pardot refused the import row: {message}", "IMPORT_ROW_ERROR", Resolution.TERMINAL
            )
            outcomes.update(dict.fromkeys(items, refused))
    return _statuses(settled, outcomes, _count(ref))


def why_per_event(payload: dict[str, Any]) -> str | None:
    """Why an item cannot go through the import (it is then upserted per event), or None."""
    if "email" in (payload.get("customFields") or {}):
        return "it changes the prospect's email address (customFields.email)"
    for name, value in upsert_body(payload)["prospect"].items():
        if not isinstance(value, str) or value == "":
            return f"its field {name!r} is {json.dumps(value)}, which a CSV cell cannot carry exactly"
    return None


def csv_batches(rows: list[dict[str, str]]) -> tuple[list[str], list[int]]:
    """The rows as CSV batches under Pardot's limits, and the row numbers that did not fit."""
    columns = _columns(rows)
    header = _csv_line(columns)
    batches: list[str] = []
    current: list[str] = []
    size = empty = len(header.encode())
    overflow: list[int] = []
    for number, row in enumerate(rows):
        line = _csv_line([row.get(column, "") for column in columns])
        length = len(line.encode())
        if current and size + length > MAX_CSV_BYTES:
            batches.append(header + "".join(current))
            current, size = [], empty
        if len(batches) == MAX_BATCHES or empty + length > MAX_CSV_BYTES:
            overflow.append(number)
            continue
        current.append(line)
        size += length
    if current:
        batches.append(header + "".join(current))
    return batches, overflow


# -- which items go per event ------------------------------------------------------------------------


def _as_per_event(payload: dict[str, Any]) -> dict[str, Any]:
    """The payload the per-event path would have: Segment's batch validation keeps top-level "" (not per event)."""
    return {key: value for key, value in payload.items() if value != ""}


def _per_event_items(payloads: list[dict[str, Any]]) -> set[int]:
    """Items the CSV cannot express, plus every item writing a prospect one of those writes."""
    deleted_search = payloads[0].get("secondaryDeletedSearch") is True if payloads else False
    single = {
        i
        for i, p in enumerate(payloads)
        if why_per_event(p) is not None or (p.get("secondaryDeletedSearch") is True) != deleted_search
    }
    touched = {payloads[i]["email"] for i in single}
    touched |= {(payloads[i].get("customFields") or {}).get("email") for i in single}
    return single | {i for i, p in enumerate(payloads) if p["email"] in touched}


def _upsert_in_order(
    client: PardotClient, payloads: Mapping[int, dict[str, Any]] | Sequence[dict[str, Any]], indexes: list[int]
) -> dict[int, ItemStatus]:
    """The per-event items one by one; after a failure, the later items of that prospect are not sent.

    Per event, a failed update holds its user's later ones back until it is delivered. Sending an email
    change after a failed earlier update of the old address would move the prospect away, and the
    retried update would then create a second prospect under the old address (the field lost on the new
    one). So each later item of a failed prospect (either address) is not tried (``ItemNotTried``): the
    queue hands it back without counting an attempt, and sends it after the failed one, as per event.
    """
    settled: dict[int, ItemStatus] = {}
    failed_addresses: set[Any] = set()
    for index in indexes:
        payload = payloads[index]
        addresses = {payload["email"], (payload.get("customFields") or {}).get("email")} - {None}
        if addresses & failed_addresses:
            settled[index] = ItemNotTried(
                errormessage="not sent: an earlier update of this prospect failed",
                errortype="HELD_BEHIND_FAILURE",
                sent=payload,
            )
        else:
            settled[index] = _upsert_one(client, payload)
        if isinstance(settled[index], ItemError):
            failed_addresses |= addresses
    return settled


def _upsert_one(client: PardotClient, payload: dict[str, Any]) -> ItemStatus:
    try:
        response = client.upsert_latest_by_email(upsert_body(payload))
    except Exception as error:  # each item's own outcome
        return item_error_from(error, sent=payload)
    return ItemSuccess(response.status_code, sent=payload, body=getattr(response, "data", None))


# -- the import ----------------------------------------------------------------------------------------


def _import(client: PardotClient, batches: list[str], restore_deleted: bool) -> int:
    created = client.call(
        "POST",
        IMPORTS_PATH,
        headers={"Content-Type": "application/json"},
        json={"operation": "Upsert", "object": "Prospect", "restoreDeleted": restore_deleted},
    )
    import_id = int(response_data(created)["id"])
    for batch in batches:
        client.call(
            "POST",
            f"{IMPORTS_PATH}/{import_id}/batches",
            data=batch.encode("utf-8"),
            headers={"Content-Type": "text/csv"},
        )
    client.call(
        "PATCH", f"{IMPORTS_PATH}/{import_id}", json={"status": "Ready"}, headers={"Content-Type": "application/json"}
    )
    return import_id


def _error_rows(client: PardotClient, import_id: int) -> dict[str, list[str]]:
    """The errors file's rows by digest (the row as sent), each with its messages in file order."""
    text = client.call("GET", f"{IMPORTS_PATH}/{import_id}/errors").text
    found: dict[str, list[str]] = {}
    for row in csv.DictReader(io.StringIO(text)):
        message = row.pop(_ERROR_COLUMN, "") or "no reason given"
        found.setdefault(_digest(row), []).append(message)
    return found


def _columns(rows: list[dict[str, str]]) -> list[str]:
    names = {name for row in rows for name in row}
    return ["email", *sorted(names - {"email"})]


def _csv_line(values: list[str]) -> str:
    text = io.StringIO()
    csv.writer(text, lineterminator="\n").writerow(values)
    return text.getvalue()


def _digest(row: dict[str, Any]) -> str:
    """A row's identity in the errors file: its non-empty cells, whatever the column order."""
    cells = {name: value for name, value in row.items() if name and value not in ("", None)}
    return hashlib.sha256(json.dumps(cells, sort_keys=True).encode()).hexdigest()[:20]


# -- per-item statuses, stored in the reference while the import runs -----------------------------------


def _stored(status: ItemStatus) -> dict[str, Any]:
    if isinstance(status, ItemSuccess):
        return {"status": status.status}
    node = {
        "status": status.status,
        "errortype": status.errortype,
        "errormessage": status.errormessage,
        "resolution": status.resolution.value,
    }
    return {**node, "tried": False} if isinstance(status, ItemNotTried) else node


def _restored(node: dict[str, Any]) -> ItemStatus:
    return ItemError.from_dict(node) if "errormessage" in node else ItemSuccess(int(node["status"]))


def _count(ref: dict[str, Any]) -> int:
    return len(ref["settled"]) + sum(len(items) for _, items in ref["rows"])


def _statuses(settled: dict[int, ItemStatus], others: dict[int, ItemStatus], count: int) -> MultiStatusResponse:
    statuses = MultiStatusResponse()
    for index in range(count):
        statuses.push(settled.get(index) or others[index])
    return statuses
