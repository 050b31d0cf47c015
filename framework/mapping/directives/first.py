"""``@first`` (extension): the first candidate whose value is present (neither absent nor null).

``{"@first": ["$.traits.email", "$.properties.email", {"@literal": "unknown"}]}`` says what
Segment's defaults spell ``@if exists X then X else (@if exists Y then Y else …)``. A string candidate
is a path; any other candidate is a mapping resolved as usual. No present candidate: the field is absent.
"""

from __future__ import annotations

from typing import Any

from framework.jsvalues import UNDEFINED
from framework.mapping.directives.path import compile_path_directive
from framework.mapping.nodes import CompileContext, Failing, Node, Trace

__all__ = ["compile_first", "FirstNode"]


class FirstNode(Node):
    """Try each candidate in order."""

    __slots__ = ("candidates", "_resolvers")

    def __init__(self, candidates: list[Node]) -> None:
        self.candidates = candidates
        self._resolvers = tuple(node.resolve for node in candidates)

    def resolve(self, payload: Any) -> Any:
        for resolve in self._resolvers:
            value = resolve(payload)
            if value is not None and value is not UNDEFINED:
                return value
        return UNDEFINED

    def describe(self) -> str:
        return "@first of " + ", ".join(node.describe() for node in self.candidates)

    def explain(self, payload: Any, trace: Trace) -> Any:
        for position, node in enumerate(self.candidates, start=1):
            taken = Trace(paths=trace.paths)
            value = node.explain(payload, taken)
            if value is not None and value is not UNDEFINED:
                trace.steps.append(f"@first → candidate {position}: {' → '.join(taken.steps)}")
                return value
        trace.steps.append(f"@first → none of {len(self.candidates)} candidates present")
        return UNDEFINED


def compile_first(option: Any, ctx: CompileContext) -> Node:
    """Strings are paths, everything else a mapping."""
    if type(option) is not list or not option:
        return Failing("@first requires a non-empty array of paths or directives")
    return FirstNode([compile_path_directive(item, ctx) if type(item) is str else ctx.sub(item) for item in option])
