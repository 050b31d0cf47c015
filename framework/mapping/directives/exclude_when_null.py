"""``@excludeWhenNull``: drop a field whose value is ``null``, and null members of an object value.

Nulls are removed recursively through nested objects but not inside arrays (``[null, {"a": null}]``
stays as it is), as in Segment.
"""

from __future__ import annotations

from typing import Any

from framework.jsvalues import UNDEFINED
from framework.mapping.nodes import CompileContext, Node, Trace

__all__ = ["compile_exclude_when_null", "ExcludeWhenNullNode", "clean_nulls"]


def clean_nulls(value: Any) -> Any:
    """A copy of an object with null members made absent (recursively through objects only)."""
    if type(value) is not dict:
        return value
    return {key: UNDEFINED if item is None else clean_nulls(item) for key, item in value.items()}


class ExcludeWhenNullNode(Node):
    """Resolve the value; null becomes absent, objects lose their null members."""

    __slots__ = ("value",)

    def __init__(self, value: Node) -> None:
        self.value = value

    def resolve(self, payload: Any) -> Any:
        value = self.value.resolve(payload)
        return UNDEFINED if value is None else clean_nulls(value)

    def describe(self) -> str:
        return f"@excludeWhenNull {self.value.describe()}"

    def explain(self, payload: Any, trace: Trace) -> Any:
        trace.steps.append(self.describe())
        self.value.explain(payload, Trace(paths=trace.paths))
        return self.resolve(payload)


def compile_exclude_when_null(option: Any, ctx: CompileContext) -> Node:
    """The option is any mapping value."""
    return ExcludeWhenNullNode(ctx.sub(option))
