"""``@case``: lower- or upper-case a string (``{"@case": {"operator": "lower", "value": …}}``).

Non-strings pass through unchanged without the operator being checked, as in Segment; an unknown
operator only fails when the value is a string.
"""

from __future__ import annotations

from typing import Any

from framework.jsvalues import UNDEFINED, is_truthy
from framework.mapping.errors import MappingResolutionError
from framework.mapping.nodes import CompileContext, Constant, Failing, Node, Trace

__all__ = ["compile_case", "CaseNode"]


class CaseNode(Node):
    """Resolve the value, then change its case when it is a string."""

    __slots__ = ("operator", "value")

    def __init__(self, operator: Any, value: Node) -> None:
        self.operator = operator
        self.value = value

    def _apply(self, value: Any) -> Any:
        if type(value) is not str:
            return value
        if self.operator == "lower" and type(self.operator) is str:
            return value.lower()
        if self.operator == "upper" and type(self.operator) is str:
            return value.upper()
        raise MappingResolutionError('operator key should have a value of "lower" or "upper"')

    def resolve(self, payload: Any) -> Any:
        return self._apply(self.value.resolve(payload))

    def resolve_clean(self, payload: Any) -> Any:
        return self._apply(self.value.resolve_clean(payload))

    def describe(self) -> str:
        return f"@case {self.operator} of {self.value.describe()}"

    def explain(self, payload: Any, trace: Trace) -> Any:
        trace.steps.append(self.describe())
        return self._apply(self.value.explain(payload, Trace(paths=trace.paths)))


def compile_case(option: Any, ctx: CompileContext) -> Node:
    """Segment's run-time checks happen here once; a falsy raw value yields nothing."""
    if type(option) is not dict:
        return Failing('@case requires an object with a "operator" key')
    if not is_truthy(option.get("operator", UNDEFINED)):
        return Failing('@case requires a "operator" key')
    if not is_truthy(option.get("value", UNDEFINED)):
        return Constant(UNDEFINED)
    return CaseNode(option["operator"], ctx.sub(option["value"]))
