"""``@liquid``: render a Liquid template against the event (see :mod:`framework.mapping.liquid`)."""

from __future__ import annotations

from typing import Any

from framework.jsvalues import utf16_length
from framework.mapping.errors import MappingResolutionError
from framework.mapping.nodes import CompileContext, Constant, Failing, Node, Trace, preview

__all__ = ["compile_liquid", "LiquidNode", "MAX_TEMPLATE_LENGTH"]

MAX_TEMPLATE_LENGTH = 1000


class LiquidNode(Node):
    """A Liquid template parsed once; rendered per event with Segment's limits."""

    __slots__ = ("source", "template")

    def __init__(self, source: str, template: Any) -> None:
        self.source = source
        self.template = template

    def resolve(self, payload: Any) -> Any:
        return self.template.render(payload)

    def resolve_clean(self, payload: Any) -> Any:
        return self.template.render(payload)

    def describe(self) -> str:
        return f"@liquid {preview(self.source)}"

    def explain(self, payload: Any, trace: Trace) -> Any:
        trace.steps.append(self.describe())
        for path in self.template.variables:
            trace.read(path)
        return self.resolve(payload)


def compile_liquid(option: Any, ctx: CompileContext) -> Node:
    """Segment's checks (string, at most 1,000 characters), then parse once; parse errors surface per event."""
    from framework.mapping.liquid import parse_liquid

    if type(option) is not str:
        return Failing("liquid template value must be a string")
    if option == "":
        return Constant("")
    if utf16_length(option) > MAX_TEMPLATE_LENGTH:
        return Failing(f"liquid template values are limited to {MAX_TEMPLATE_LENGTH} characters")
    try:
        return LiquidNode(option, parse_liquid(option))
    except MappingResolutionError as error:
        return Failing(str(error))
