"""``@merge``: shallow-merge objects; ``direction: right`` lets the rightmost win, ``left`` the leftmost.

This is JS ``Object.assign({}, ...objects)``: ``null`` and absent elements are skipped, a string
element contributes its characters under index keys, and a member whose value is absent still
overwrites (and is then dropped), exactly as in Segment.
"""

from __future__ import annotations

from typing import Any

from framework.jsvalues import UNDEFINED, is_truthy, js_keys, real_type_of
from framework.mapping.nodes import CompileContext, Failing, Node, Trace
from framework.mapping.root import _spread

__all__ = ["compile_merge", "MergeNode", "assign"]


def _js_typeof(value: Any) -> str:
    """JS ``typeof`` for the one message that uses it."""
    kind = real_type_of(value)
    return "object" if kind in ("null", "array") else kind


def assign(sources: list[Any]) -> dict[str, Any]:
    """``Object.assign({}, ...sources)``."""
    result: dict[str, Any] = {}
    for source in sources:
        if type(source) is dict:
            for key in js_keys(source):
                result[key] = source[key]
        elif type(source) in (list, str):
            result.update(_spread(source))
    return result


class MergeNode(Node):
    """Resolve direction and every element, then assign in order."""

    __slots__ = ("direction", "objects")

    def __init__(self, direction: Node, objects: list[Node]) -> None:
        self.direction = direction
        self.objects = objects

    def resolve(self, payload: Any) -> Any:
        direction = self.direction.resolve(payload)
        sources = [node.resolve(payload) for node in self.objects]
        if direction == "left" and type(direction) is str:
            sources.reverse()
        return assign(sources)

    def describe(self) -> str:
        return f"@merge of {len(self.objects)}"

    def explain(self, payload: Any, trace: Trace) -> Any:
        trace.steps.append(self.describe())
        for node in self.objects:
            node.explain(payload, Trace(paths=trace.paths))
        return self.resolve(payload)


def compile_merge(option: Any, ctx: CompileContext) -> Node:
    """Segment's run-time option checks, done once."""
    if type(option) is not dict:
        return Failing('@merge requires an object with an "objects" key and a "direction" key')
    if not is_truthy(option.get("direction", UNDEFINED)):
        return Failing('@merge requires a "direction" key')
    objects = option.get("objects", UNDEFINED)
    if not is_truthy(objects):
        return Failing('@merge requires a "objects" key')
    if type(objects) is not list:
        return Failing(f"@merge: expected opts.array, got {_js_typeof(objects)}")
    return MergeNode(ctx.sub(option["direction"]), [ctx.sub(element) for element in objects])
