"""``@json``: encode a value as JSON text (JS ``JSON.stringify``) or decode JSON text.

Decoding text that is not JSON returns the text unchanged; decoding a non-string returns it as is.
The mode must be exactly ``encode`` or ``decode`` at run time (``ENCODE`` passes validation but yields
nothing, as in Segment), and a falsy raw ``value`` fails at run time.
"""

from __future__ import annotations

from typing import Any

from framework.jsvalues import UNDEFINED, is_truthy, json_parse, json_stringify
from framework.mapping.nodes import CompileContext, Failing, Node, Trace

__all__ = ["compile_json", "JsonNode", "decode"]


def decode(value: Any) -> Any:
    """``JSON.parse`` a string, keeping the string when it is not JSON."""
    if type(value) is not str:
        return value
    try:
        return json_parse(value)
    except (ValueError, RecursionError):
        return value


class JsonNode(Node):
    """Resolve the value, then encode or decode it."""

    __slots__ = ("mode", "value")

    def __init__(self, mode: Any, value: Node) -> None:
        self.mode = mode
        self.value = value

    def _apply(self, value: Any) -> Any:
        if self.mode == "encode" and type(self.mode) is str:
            return json_stringify(value)
        if self.mode == "decode" and type(self.mode) is str:
            return decode(value)
        return UNDEFINED

    def resolve(self, payload: Any) -> Any:
        return self._apply(self.value.resolve(payload))

    def describe(self) -> str:
        return f"@json {self.mode} {self.value.describe()}"

    def explain(self, payload: Any, trace: Trace) -> Any:
        trace.steps.append(self.describe())
        return self._apply(self.value.explain(payload, Trace(paths=trace.paths)))


def compile_json(option: Any, ctx: CompileContext) -> Node:
    """Segment's run-time option checks, done once."""
    if type(option) is not dict:
        return Failing('@json requires an object with a "value" key')
    if not is_truthy(option.get("mode", UNDEFINED)):
        return Failing('@json requires a "mode" key')
    if not is_truthy(option.get("value", UNDEFINED)):
        return Failing('@json requires a "value" key')
    return JsonNode(option["mode"], ctx.sub(option["value"]))
