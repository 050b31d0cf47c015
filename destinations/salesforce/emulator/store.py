"""The emulator's records: per object, by record id, found by any field (external ids included).

Lookups take the SOQL the destination sends (``SELECT Id FROM <Object> WHERE a = 'x' OR b = 2``,
``AND`` too); a Bulk API job's CSV is applied row by row (insert, update by ``Id``, upsert by its
external id column). Everything is in memory and guarded by one lock.
"""

from __future__ import annotations

import csv
import io
import itertools
import re
import threading
from typing import Any

__all__ = ["RecordStore", "SOQLError", "parse_lookup"]

_PREFIXES = {"Lead": "00Q", "Contact": "003", "Account": "001", "Opportunity": "006", "Case": "500"}
_LOOKUP = re.compile(r"^SELECT Id FROM (\w+) WHERE (.+)$", re.DOTALL)
_TEST = re.compile(r"\s*(\w+) = ('(?:[^'\\]|\\.)*'|true|false|-?\d+(?:\.\d+)?(?:e[+-]?\d+)?)\s*(?:(OR|AND)\s+|$)")
NO_VALUE = "#N/A"


class SOQLError(ValueError):
    """A query the emulator does not understand (Salesforce answers MALFORMED_QUERY)."""


def _value(token: str) -> Any:
    if token.startswith("'"):
        return re.sub(r"\\(.)", r"\1", token[1:-1])
    if token in ("true", "false"):
        return token == "true"
    number = float(token)
    return int(number) if number.is_integer() and "." not in token else number


def parse_lookup(query: str) -> tuple[str, list[tuple[str, Any]], str]:
    """(object, [(field, value)], ``OR``/``AND``) of a record-matcher query."""
    found = _LOOKUP.match(query.strip())
    if not found:
        raise SOQLError(f"unexpected query: {query[:80]}")
    tests, operators, rest = [], set(), found.group(2)
    while rest:
        test = _TEST.match(rest)
        if not test:
            raise SOQLError(f"unexpected condition: {rest[:80]}")
        tests.append((test.group(1), _value(test.group(2))))
        if test.group(3):
            operators.add(test.group(3))
        rest = rest[test.end() :]
    if len(operators) > 1:
        raise SOQLError("mixed OR and AND")
    return found.group(1), tests, operators.pop() if operators else "OR"


class RecordStore:
    """Records per object; thread-safe."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._records: dict[str, dict[str, dict[str, Any]]] = {}
        self._ids = itertools.count(1)

    def create(self, sobject: str, fields: dict[str, Any]) -> str:
        """A new record's id."""
        with self._lock:
            record_id = f"{_PREFIXES.get(sobject, 'a0X')}{next(self._ids):012d}"
            self._records.setdefault(sobject, {})[record_id] = {**fields, "Id": record_id}
            return record_id

    def update(self, sobject: str, record_id: str, fields: dict[str, Any]) -> bool:
        """False when there is no such record."""
        with self._lock:
            record = self._records.get(sobject, {}).get(record_id)
            if record is None:
                return False
            record.update({key: value for key, value in fields.items() if key != "Id"})
            return True

    def delete(self, sobject: str, record_id: str) -> bool:
        with self._lock:
            return self._records.get(sobject, {}).pop(record_id, None) is not None

    def find(self, sobject: str, tests: list[tuple[str, Any]], operator: str) -> list[str]:
        """Ids of the records matching the tests (any of them for ``OR``, all for ``AND``)."""
        combine = all if operator == "AND" else any
        with self._lock:
            return [record_id for record_id, record in self._records.get(sobject, {}).items()
                    if combine(record.get(name) == value for name, value in tests)]  # fmt: skip

    def objects(self) -> list[str]:
        with self._lock:
            return sorted({*_PREFIXES, *self._records})

    def rows(self) -> list[list[Any]]:
        """``[object, Id, fields]`` per record, for the replay's summary."""
        with self._lock:
            return [[sobject, record_id, {k: v for k, v in record.items() if k != "Id"}]
                    for sobject, records in self._records.items() for record_id, record in records.items()]  # fmt: skip

    def apply_csv(self, sobject: str, operation: str, id_field: str, text: str) -> tuple[int, int]:
        """Apply a Bulk API job's CSV; (rows processed, rows failed)."""
        reader = csv.reader(io.StringIO(text))
        header = next(reader, [])
        done = failed = 0
        for row in reader:
            fields = {name: value for name, value in zip(header, row, strict=False) if value != NO_VALUE and name}
            key = fields.pop(id_field, None) if id_field else None
            if operation == "insert":
                self.create(sobject, fields)
            elif operation == "update":
                failed += 0 if key and self.update(sobject, key, fields) else 1
            else:
                matches = self.find(sobject, [(id_field, key)], "OR") if key else []
                if len(matches) == 1:
                    self.update(sobject, matches[0], fields)
                elif not matches and key:
                    self.create(sobject, {**fields, id_field: key})
                else:
                    failed += 1
            done += 1
        return done, failed
