"""``@arrayPath``: pick an array from the payload and optionally reshape every item.

``["$.products", {"sku": {"@path": "$.id"}}]`` reads ``products`` and resolves the shape once per item
with the item as the payload. A single object is treated as a one-item list; without a (non-empty
object) shape, or when the root is not an object or array, the root is returned unchanged.
"""

from __future__ import annotations

from typing import Any

from framework.jsvalues import UNDEFINED, real_type_of, remove_undefined
from framework.mapping.directives.path import compile_path_directive
from framework.mapping.nodes import CompileContext, Failing, Node, Trace

__all__ = ["compile_array_path", "ArrayPathNode"]


class ArrayPathNode(Node):
    """Root node plus optional item shape (compiled against the item as payload)."""

    __slots__ = ("root", "shape", "clean_root")

    def __init__(self, root: Node, shape: Node | None, clean_root: bool) -> None:
        self.root = root
        self.shape = shape
        self.clean_root = clean_root

    def _items(self, root: Any) -> list[Any] | None:
        if self.shape is None:
            return None
        if type(root) is dict:
            return [root]
        if type(root) is list:
            return root
        return None

    def resolve(self, payload: Any) -> Any:
        root = self.root.resolve(payload)
        items = self._items(root)
        if items is None:
            return root
        resolve = self.shape.resolve  # type: ignore[union-attr]
        return [resolve(item) for item in items]

    def resolve_clean(self, payload: Any) -> Any:
        root = self.root.resolve(payload)
        items = self._items(root)
        if items is None:
            return remove_undefined(root)  # also a copy: the payload must not share the event's arrays
        resolve = self.shape.resolve_clean  # type: ignore[union-attr]
        values = [resolve(item) for item in items]
        return [None if value is UNDEFINED else value for value in values]

    def describe(self) -> str:
        shape = f" as {self.shape.describe()}" if self.shape is not None else ""
        return f"@arrayPath {self.root.describe()}{shape}"

    def explain(self, payload: Any, trace: Trace) -> Any:
        trace.steps.append(self.describe())
        self.root.explain(payload, Trace(paths=trace.paths))
        return self.resolve(payload)


def compile_array_path(option: Any, ctx: CompileContext) -> Node:
    """A string root is a path (``$.`` optional); a directive root is resolved; the shape is compiled."""
    if type(option) is not list:
        return Failing(f"@arrayPath expected array, got {real_type_of(option)}")
    path = option[0] if option else UNDEFINED
    shape = option[1] if len(option) > 1 else UNDEFINED
    root = compile_path_directive(path, ctx) if type(path) is str else ctx.sub(path)
    clean_root = type(path) is str and ctx.clean_payload
    if type(shape) is not dict or not shape:
        return ArrayPathNode(root, None, clean_root)
    return ArrayPathNode(root, ctx.with_payload(clean=clean_root).sub(shape), clean_root)
