"""Validation, table-driven by folders as in Segment's repo: ``cases/valid`` and ``cases/invalid``.

Each invalid case carries the exact messages Segment's engine gives for it (recorded from
actions-core 3.170.0), or, for options Segment accepts and then fails on every event (``@if`` without
``exists``, ``@case`` with ``"UPPER"``…), this project's load-time message in the same format (see
docs/mapping.md, "Validation"); each valid case must compile without error.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from framework.mapping import MappingValidationError, compile_mapping, validate_mapping

CASES = Path(__file__).parent / "cases"


def _load(kind: str) -> list[tuple[str, dict[str, Any]]]:
    return [(path.stem, json.loads(path.read_text(encoding="utf-8"))) for path in sorted((CASES / kind).glob("*.json"))]


VALID = _load("valid")
INVALID = _load("invalid")


@pytest.mark.parametrize(("name", "case"), VALID, ids=[name for name, _ in VALID])
def test_valid_mapping_compiles(name: str, case: dict[str, Any]) -> None:
    validate_mapping(case["mapping"])
    compile_mapping(case["mapping"])


@pytest.mark.parametrize(("name", "case"), INVALID, ids=[name for name, _ in INVALID])
def test_invalid_mapping_reports_segments_messages(name: str, case: dict[str, Any]) -> None:
    with pytest.raises(MappingValidationError) as raised:
        validate_mapping(case["mapping"])
    assert raised.value.errors == case["errors"]


@pytest.mark.parametrize(("name", "case"), INVALID, ids=[name for name, _ in INVALID])
def test_compile_refuses_invalid_mapping_with_the_same_errors(name: str, case: dict[str, Any]) -> None:
    with pytest.raises(MappingValidationError) as raised:
        compile_mapping(case["mapping"])
    assert raised.value.errors == case["errors"]


def test_the_folders_hold_enough_cases() -> None:
    assert len(VALID) >= 20 and len(INVALID) >= 40


def test_validation_error_message_summarises_the_errors() -> None:
    with pytest.raises(MappingValidationError, match=r"/a has an invalid directive: @oops\."):
        validate_mapping({"a": {"@oops": 1}})


def test_validation_happens_once_at_compile_time_not_per_event() -> None:
    compiled = compile_mapping({"a": {"@path": "$.a"}})
    compiled.mapping["a"] = {"@oops": 1}  # mutating the source afterwards changes nothing compiled
    assert compiled({"a": 1}) == {"a": 1}


def test_null_mapping_is_a_validation_error() -> None:
    with pytest.raises(MappingValidationError):
        compile_mapping(None)
