"""The compiled Pardot default mapping (Segment's `prospects` action defaults), event by event."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from benchmarks.benchmark import Benchmark, Pass
from framework.mapping import compile_mapping

__all__ = ["BENCHMARKS", "PARDOT_DEFAULT_MAPPING"]

# Copied as data from actions-pardot 3.497.0 (prospects/index.js field defaults), never imported at run time.
PARDOT_DEFAULT_MAPPING: dict[str, Any] = json.loads(
    (Path(__file__).parent / "data" / "pardot_prospects_default_mapping.json").read_text(encoding="utf-8")
)


def _compiled_mapping(events: list[dict[str, Any]]) -> Pass:
    mapping = compile_mapping(PARDOT_DEFAULT_MAPPING)
    return lambda: sum(map(len, map(mapping, events)))


BENCHMARKS = [
    Benchmark(
        "mapping.pardot_default",
        "compile_mapping(Pardot prospects defaults)(event)",
        _compiled_mapping,
        segment=("segment.transform", "segment.transform_steady"),
        target=20.0,
    ),
]
