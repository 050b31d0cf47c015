"""Every recorded case gives Segment's answer: the same payload, or an error where Segment errors.

``conformance/cases.jsonl`` is written by ``conformance/record.py`` from Segment's own engine
(actions-core 3.170.0). Validation errors must carry Segment's exact messages; run-time errors must
carry Segment's message when it is a mapping-kit message (Liquid's engine messages are liquidjs's and
only the fact of failing is compared). Deliberate divergences are listed in docs/mapping.md and in
:data:`DIVERGENCES` with the reason: each is a strict xfail (it must still differ), never a skip.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pytest

from framework.mapping import ABSENT, MappingError, MappingValidationError, compile_mapping
from framework.testing.recordings import as_params, read_cases

CASES_FILE = Path(__file__).parent / "conformance" / "cases.jsonl"

_LOAD_TIME = (
    "`@case` with an operator other than lower/upper is refused at load here; Segment fails only "
    "when the value is a string, and returns other values unchanged"
)

#: case id → why we differ on purpose (each also in docs/mapping.md, "Divergences").
DIVERGENCES: dict[str, str] = {
    "path-54": "`$..b` is jsonpath recursive descent here (extension); Segment reads it as `a.b`",
    "path-root-54": "`$..b` is jsonpath recursive descent here (extension); Segment reads it as `a.b`",
    "arraypath-54": "`$..b` is jsonpath recursive descent here (extension); Segment reads it as `a.b`",
    "validation-50": "`@first` is this project's extension directive; Segment rejects it",
    "validation-2": "an unknown directive's message names the closest known one: `@Path (did you mean @path?)`",
    "random-887": "an `@if` with `exists: false` fails every event that reaches it: refused at load here",
    "case-UPPER-1": _LOAD_TIME,
    "case-title-1": _LOAD_TIME,
    "case-UPPER-2": _LOAD_TIME,
    "case-title-2": _LOAD_TIME,
    "case-UPPER-3": _LOAD_TIME,
    "case-title-3": _LOAD_TIME,
    "case-UPPER-4": _LOAD_TIME,
    "case-title-4": _LOAD_TIME,
    "case-UPPER-6": _LOAD_TIME,
    "case-title-6": _LOAD_TIME,
    "proto-if-exists": "JS prototype properties (`constructor`, string methods) are absent here; Segment's @if sees a function",
    "big-integer": "integers beyond 2**53 in events are kept exact here; JSON.parse has already rounded them in Segment",
    "liquid-random-91": 'Liquid `date` of text that is not ISO 8601: V8 guesses ("1.5" is 2001-01-05), we return the text',
    "liquid-random-301": 'Liquid `date` of text that is not ISO 8601: V8 guesses ("1,2" is 2001-01-02), we return the value',
    "fuzz-proto-flatten": "`__proto__` keys are ordinary keys here; Segment drops them from every object it builds or copies",
    "fuzz-proto-merge": "`__proto__` keys are ordinary keys here; Segment drops them from every object it builds or copies",
    "fuzz-proto-object": "`__proto__` keys are ordinary keys here; Segment drops them from every object it builds or copies",
    "fuzz-proto-path": "`__proto__` keys are ordinary keys here; Segment drops them from every object it builds or copies",
    "fuzz-liquid-surrogate": "Liquid text filters work on whole characters here; liquidjs cuts an emoji into lone UTF-16 surrogates",
    "liquid-random-428": 'Liquid `date` of text that is not ISO 8601: V8 guesses ("41.5" is 2041-05-01), we return the text',
}

_LIQUID_ERRORS = {"ParseError", "RenderError", "TokenizationError", "UndefinedVariableError", "LiquidError"}


def _load() -> list[dict[str, Any]]:
    """The recorded cases, with shared events (``event_ref``) read from their files."""
    shared: dict[str, Any] = {}
    cases = []
    for case in read_cases(CASES_FILE):
        reference = case.pop("event_ref", None)
        if reference is not None:
            if reference not in shared:
                shared[reference] = json.loads((CASES_FILE.parent / reference).read_text(encoding="utf-8"))
            case["event"] = json.loads(json.dumps(shared[reference]))  # a fresh copy per case
        cases.append(case)
    return cases


CASES = _load()


def same(ours: Any, theirs: Any) -> bool:
    """JSON equality that, unlike ``==``, tells ``True`` from ``1`` and compares numbers by value."""
    if isinstance(ours, bool) or isinstance(theirs, bool):
        return type(ours) is type(theirs) and ours == theirs
    if isinstance(ours, (int, float)) and isinstance(theirs, (int, float)):
        return ours == theirs or (isinstance(ours, float) and math.isnan(ours) and theirs is None)
    if isinstance(ours, dict) and isinstance(theirs, dict):
        return ours.keys() == theirs.keys() and all(same(ours[key], theirs[key]) for key in ours)
    if isinstance(ours, list) and isinstance(theirs, list):
        return len(ours) == len(theirs) and all(same(a, b) for a, b in zip(ours, theirs, strict=True))
    return type(ours) is type(theirs) and ours == theirs


def _outcome(case: dict[str, Any]) -> tuple[str, Any]:
    """Our answer as ("ok", value) / ("absent", None) / ("error", exception)."""
    try:
        value = compile_mapping(case["mapping"]).resolve(case["event"])
    except MappingError as error:
        return "error", error
    return ("absent", None) if value is ABSENT else ("ok", json.loads(json.dumps(_jsonable(value))))


def _jsonable(value: Any) -> Any:
    """What JSON.stringify would send: NaN/Infinity become null (as in the recorded answers)."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {key: _jsonable(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_jsonable(item) for item in value]
    return value


def _check_error(case: dict[str, Any], kind: str, ours: Any) -> None:
    expected = case["error"]
    assert kind == "error", f"Segment raised {expected}, we returned {ours!r}"
    name = expected.get("name")
    if name in ("AggregateError", "ValidationError"):
        assert isinstance(ours, MappingValidationError), f"expected a validation error, got {ours!r}"
        assert ours.errors == expected["messages"]
    elif name == "Error" and not isinstance(ours, MappingValidationError):
        assert str(ours) == expected["message"]


@pytest.mark.parametrize("case", as_params(CASES, DIVERGENCES))
def test_matches_segment(case: dict[str, Any]) -> None:
    kind, ours = _outcome(case)
    if "error" in case:
        _check_error(case, kind, ours)
    elif "ok" in case:
        assert kind == "ok", f"Segment returned {case['ok']!r}, we gave {kind}: {ours!r}"
        assert same(ours, case["ok"]), f"ours {ours!r} != Segment's {case['ok']!r}"
    else:
        assert kind == "absent", f"Segment's result is absent, ours is {kind}: {ours!r}"


def test_enough_cases_were_recorded() -> None:
    assert len(CASES) >= 3000
    assert len({case["id"] for case in CASES}) == len(CASES)


def test_divergences_name_recorded_cases() -> None:
    ids = {case["id"] for case in CASES}
    assert set(DIVERGENCES) <= ids
