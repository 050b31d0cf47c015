"""Pardot's Import API v5 for prospects (pardot-v5.md §7): create, add CSV batches, submit, poll, errors.

What the emulator holds a client to, with the research's confidence (most of it is [L–M]: the vendor
page was only seen in part, and the limits are v4's):

* ``POST /api/v5/imports`` with a JSON body ``{"operation": "Upsert", "object": "Prospect",
  "restoreDeleted": bool}`` creates an import in status ``Open`` (201). The real API also takes a
  multipart body (``input`` and ``file`` parts); the emulator takes JSON only. [L]
* ``POST /api/v5/imports/{id}/batches`` with a ``text/csv`` body adds a batch while the import is Open:
  a header row of prospect field names, ``email`` being the match column [L]; an empty cell leaves the
  field unchanged (no ``nullOverwrite``) [M]. A batch of 10 MB or more, or an empty one, is refused
  (code 204), as is an 11th batch (code 160). [H for v4]
* ``PATCH /api/v5/imports/{id}`` with ``{"status": "Ready"}`` submits it: ``Waiting``.
* ``GET /api/v5/imports/{id}`` answers the import record; each poll moves a submitted import one step,
  ``Waiting`` → ``Processing`` → ``Complete`` (``polls_per_step`` polls per step), and the rows are
  applied when it completes, with the same upsert rules and the same prospect store as
  ``upsertLatestByEmail``: ``createdCount``, ``updatedCount``, ``errorCount`` and ``errorsRef``.
* ``GET /api/v5/imports/{id}/errors`` answers the failed rows as CSV: the row as sent plus an ``error``
  column. [L]

Every request is an API call: the caller (``wsgi``) counts it in the daily quota and the concurrency
gate before it gets here, exactly like an upsert.
"""

from __future__ import annotations

import csv
import io
import itertools
import json
import re
import threading
from dataclasses import dataclass, field
from typing import Any

from .responses import PardotApiError, Reply, json_reply
from .store import ProspectStore

__all__ = ["IMPORTS_PATH", "ImportService", "MAX_BATCH_BYTES", "MAX_BATCHES"]

IMPORTS_PATH = "/api/v5/imports"
MAX_BATCH_BYTES = 10 * 1024 * 1024  # "each batch < 10 MB" (v4's documented limit)
MAX_BATCHES = 10  # "≤ 10 batches per import"
_ROUTE = re.compile(r"^/api/v5/imports(?:/(?P<id>\d+)(?P<tail>/batches|/errors)?)?$")
_STEPS = ("Waiting", "Processing", "Complete")


@dataclass
class _Import:
    id: int
    unit: str
    restore_deleted: bool
    status: str = "Open"
    batches: list[str] = field(default_factory=list)
    polls: int = 0
    created: int = 0
    updated: int = 0
    errors: list[dict[str, str]] = field(default_factory=list)
    error_columns: list[str] = field(default_factory=list)

    def record(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "operation": "Upsert",
            "object": "Prospect",
            "status": self.status,
            "isExpired": False,
            "batchesRef": f"{IMPORTS_PATH}/{self.id}/batches",
            "createdCount": self.created,
            "updatedCount": self.updated,
            "errorCount": len(self.errors),
            "errorsRef": f"{IMPORTS_PATH}/{self.id}/errors" if self.errors else None,
        }


class ImportService:
    """Every business unit's imports, applied to the units' prospect stores."""

    def __init__(self, polls_per_step: int = 1) -> None:
        self.polls_per_step = polls_per_step
        self._lock = threading.Lock()
        self._imports: dict[int, _Import] = {}
        self._ids = itertools.count(501)

    def handle(self, unit: str, store: ProspectStore, method: str, path: str, body: str) -> Reply:
        """Answer one Import API request of ``unit`` (already authenticated and counted)."""
        route = _ROUTE.match(path)
        if route is None:
            raise PardotApiError(404, 192)
        if route["id"] is None:
            return self._create(unit, method, body)
        job = self._find(unit, int(route["id"]))
        if route["tail"] == "/batches":
            return self._add_batch(job, method, body)
        if route["tail"] == "/errors":
            return self._errors(job, method)
        if method == "PATCH":
            return self._submit(job, body)
        if method == "GET":
            return self._poll(job, store)
        raise PardotApiError(405, 60)

    def _create(self, unit: str, method: str, body: str) -> Reply:
        if method != "POST":
            raise PardotApiError(405, 60)
        arguments = _json_object(body)
        if arguments.get("operation") != "Upsert" or arguments.get("object") != "Prospect":
            raise PardotApiError(400, 154, "Invalid property in request: the emulator imports Upsert of Prospect only")
        with self._lock:
            job = _Import(next(self._ids), unit, bool(arguments.get("restoreDeleted", False)))
            self._imports[job.id] = job
        return json_reply(201, job.record())

    def _find(self, unit: str, import_id: int) -> _Import:
        with self._lock:
            job = self._imports.get(import_id)
        if job is None or job.unit != unit:
            raise PardotApiError(404, 192)
        return job

    def _add_batch(self, job: _Import, method: str, body: str) -> Reply:
        if method != "POST":
            raise PardotApiError(405, 60)
        size = len(body.encode("utf-8"))
        if size == 0 or size >= MAX_BATCH_BYTES:
            raise PardotApiError(400, 204, "The file is empty or too large (batches must be under 10 MB)")
        with self._lock:
            if job.status != "Open":
                raise PardotApiError(400, 155, "The import is not open for batches")
            if len(job.batches) >= MAX_BATCHES:
                raise PardotApiError(400, 160, "Limit of batches per import reached")
            job.batches.append(body)
        return Reply(204, b"", [])

    def _submit(self, job: _Import, body: str) -> Reply:
        if _json_object(body).get("status") != "Ready":
            raise PardotApiError(400, 154, 'Invalid property in request: status must be "Ready"')
        with self._lock:
            if job.status != "Open" or not job.batches:
                raise PardotApiError(400, 155, "Only an open import with at least one batch can be submitted")
            job.status = "Waiting"
        return json_reply(200, job.record())

    def _poll(self, job: _Import, store: ProspectStore) -> Reply:
        with self._lock:
            if job.status in ("Waiting", "Processing"):
                job.polls += 1
                if job.polls % self.polls_per_step == 0:
                    job.status = _STEPS[_STEPS.index(job.status) + 1]
                    if job.status == "Complete":
                        _apply(job, store)
            return json_reply(200, job.record())

    def _errors(self, job: _Import, method: str) -> Reply:
        if method != "GET":
            raise PardotApiError(405, 60)
        text = io.StringIO()
        writer = csv.DictWriter(text, fieldnames=[*job.error_columns, "error"], lineterminator="\n")
        writer.writeheader()
        writer.writerows(job.errors)
        return Reply(200, text.getvalue().encode("utf-8"), [("Content-Type", "text/csv")])


def _apply(job: _Import, store: ProspectStore) -> None:
    """Every row of every batch, in order, as one upsert each; failed rows go to the errors file."""
    for batch in job.batches:
        reader = csv.DictReader(io.StringIO(batch))
        for column in reader.fieldnames or []:
            if column not in job.error_columns:
                job.error_columns.append(column)
        for row in reader:
            _apply_row(job, store, row)


def _apply_row(job: _Import, store: ProspectStore, row: dict[str, str]) -> None:
    values = {name: value for name, value in row.items() if name and value not in ("", None)}
    try:
        if "email" not in values:
            raise PardotApiError(400, 4, "The match column email is empty")
        outcome = store.upsert(values["email"], values, job.restore_deleted)
    except PardotApiError as error:
        job.errors.append({**{k: v or "" for k, v in row.items() if k}, "error": f"{error.code}: {error.message}"})
        return
    if outcome.action == "created":
        job.created += 1
    else:
        job.updated += 1


def _json_object(body: str) -> dict[str, Any]:
    try:
        value = json.loads(body or "{}")
    except ValueError:
        raise PardotApiError(400, 150) from None
    if not isinstance(value, dict):
        raise PardotApiError(400, 150)
    return value
