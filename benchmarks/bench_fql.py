"""FQL trigger matching: the default `type = "identify"` and a multi-condition trigger."""

from __future__ import annotations

from typing import Any

from benchmarks.benchmark import Benchmark, Pass
from framework.subscriptions import compile_trigger

__all__ = ["BENCHMARKS", "SIMPLE_TRIGGER", "COMPLEX_TRIGGER"]

SIMPLE_TRIGGER = 'type = "identify"'
# Written so that Segment's parser reads it the same way (no mixed and/or, no function in parentheses).
COMPLEX_TRIGGER = (
    '(type = "identify" or type = "track") and traits.email != null and '
    'match(traits.email, "*@example.com") and traits.address.country = "FR"'
)


def _matcher(fql: str) -> Any:
    def prepare(events: list[dict[str, Any]]) -> Pass:
        matches = compile_trigger(fql).matches
        return lambda: sum(map(matches, events))

    return prepare


BENCHMARKS = [
    Benchmark(
        "fql.simple",
        f"Trigger.matches, {SIMPLE_TRIGGER}",
        _matcher(SIMPLE_TRIGGER),
        segment=("segment.fql", "segment.fql_steady"),
        target=1.0,
    ),
    Benchmark(
        "fql.complex",
        "Trigger.matches, 4 conditions with a group, match() and nested traits",
        _matcher(COMPLEX_TRIGGER),
        segment=("segment.fql_complex",),
        target=1.0,
    ),
]
