"""The compiled Pardot default mapping (Segment's `prospects` action defaults), event by event."""

from __future__ import annotations

import importlib
import json
from pathlib import Path
from typing import Any, Callable

from benchmarks.benchmark import Benchmark, Pass

__all__ = ["BENCHMARKS", "PARDOT_DEFAULT_MAPPING"]

# Copied as data from actions-pardot 3.497.0 (prospects/index.js field defaults), never imported at run time.
PARDOT_DEFAULT_MAPPING: dict[str, Any] = json.loads(
    (Path(__file__).parent / "data" / "pardot_prospects_default_mapping.json").read_text(encoding="utf-8")
)


def _find_compile_mapping() -> Callable[[Any], Callable[[Any], Any]] | str:
    """`compile_mapping`, or why it cannot be used (the mapping kit is another part of the tree)."""
    try:
        return importlib.import_module("framework.mapping").compile_mapping  # type: ignore[no-any-return]
    except Exception as error:  # noqa: BLE001 - any failure to import is reported as a skip, not a crash
        return f"framework.mapping.compile_mapping is not usable: {type(error).__name__}: {error}"


# Imported when the module loads, so the memory figure does not count the import itself.
_COMPILE_MAPPING = _find_compile_mapping()


def _compiled_mapping(events: list[dict[str, Any]]) -> Pass:
    if isinstance(_COMPILE_MAPPING, str):
        raise ImportError(_COMPILE_MAPPING)
    mapping = _COMPILE_MAPPING(PARDOT_DEFAULT_MAPPING)
    return lambda: sum(map(len, map(mapping, events)))


BENCHMARKS = [
    Benchmark("mapping.pardot_default", "compile_mapping(Pardot prospects defaults)(event)", _compiled_mapping,
              segment=("segment.transform", "segment.transform_steady"), target=20.0),
]
