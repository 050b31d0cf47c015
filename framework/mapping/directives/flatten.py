"""``@flatten``: turn nested objects (and arrays, unless ``omitArrays``) into one level of joined keys.

``{"a": {"b": 1}, "c": [2]}`` with separator ``.`` becomes ``{"a.b": 1, "c.0": 2}``. Empty nested
containers disappear, a non-container value becomes ``{"": value}``, and later keys overwrite earlier
ones on collision, all as in Segment.
"""

from __future__ import annotations

from typing import Any

from framework.jsvalues import UNDEFINED, is_truthy, js_keys
from framework.mapping.errors import MappingResolutionError
from framework.mapping.nodes import CompileContext, Failing, Node, Trace

__all__ = ["compile_flatten", "FlattenNode", "flatten_object"]


def flatten_object(value: Any, separator: str, *, omit_arrays: bool) -> dict[str, Any]:
    """Segment's ``flattenObject(value, "", separator, omitArrays)``."""
    result: dict[str, Any] = {}
    _flatten_into(value, "", separator, omit_arrays, result)
    return result


def _entries(value: Any, omit_arrays: bool) -> list[tuple[str, Any]] | None:
    """``Object.entries`` of a container that is flattened further, else ``None`` (a leaf)."""
    if type(value) is dict:
        return [(key, value[key]) for key in js_keys(value)]
    if type(value) is list and not omit_arrays:
        return [(str(index), item) for index, item in enumerate(value)]
    return None


def _flatten_into(value: Any, prefix: str, separator: str, omit_arrays: bool, out: dict[str, Any]) -> None:
    entries = _entries(value, omit_arrays)
    if entries is None:
        out[prefix] = value
        return
    for key, item in entries:
        _flatten_into(item, f"{prefix}{separator}{key}" if prefix else key, separator, omit_arrays, out)


class FlattenNode(Node):
    """Resolve separator and value, then flatten."""

    __slots__ = ("separator", "value", "omit_arrays")

    def __init__(self, separator: Node, value: Node, omit_arrays: bool) -> None:
        self.separator = separator
        self.value = value
        self.omit_arrays = omit_arrays

    def resolve(self, payload: Any) -> Any:
        separator = self.separator.resolve(payload)
        if type(separator) is not str:
            raise MappingResolutionError("@flatten requires a string separator")
        return flatten_object(self.value.resolve(payload), separator, omit_arrays=self.omit_arrays)

    def describe(self) -> str:
        return f"@flatten {self.value.describe()}"

    def explain(self, payload: Any, trace: Trace) -> Any:
        trace.steps.append(self.describe())
        self.value.explain(payload, Trace(paths=trace.paths))
        return self.resolve(payload)


def compile_flatten(option: Any, ctx: CompileContext) -> Node:
    """Segment's run-time option checks, done once."""
    if type(option) is not dict:
        return Failing('@flatten requires an object with a "separator" key')
    if not is_truthy(option.get("separator", UNDEFINED)):
        return Failing('@flatten requires a "separator" key')
    value = ctx.sub(option.get("value", UNDEFINED))
    return FlattenNode(ctx.sub(option["separator"]), value, is_truthy(option.get("omitArrays", UNDEFINED)))
