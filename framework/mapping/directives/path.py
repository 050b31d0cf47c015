"""``@path``: the value at a path in the payload (``{"@path": "$.traits.email"}``)."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from framework.jsvalues import UNDEFINED, real_type_of, remove_undefined
from framework.mapping.errors import MappingResolutionError
from framework.mapping.nodes import CompileContext, Node, Trace
from framework.mapping.paths import Getter, compile_jsonpath, compile_path, is_jsonpath, segments_of

__all__ = ["compile_path_directive", "PathNode", "DynamicPathNode", "getter_for"]


@lru_cache(maxsize=1024)
def getter_for(path: str) -> Getter:
    """The getter of a ``@path``/``@arrayPath`` string, compiled once per distinct path.

    Jsonpath paths (``$.items[*].sku``) are this project's extension; one that jsonpath-ng cannot parse
    falls back to Segment's reading of the same text (usually: a key that does not exist).
    """
    if is_jsonpath(path):
        try:
            return compile_jsonpath(path)
        except ValueError:
            pass
    return compile_path(path)


class PathNode(Node):
    """A literal path string, compiled once."""

    # No __slots__: resolve/resolve_clean are replaced by the getter itself on the instance, which
    # saves a Python call per field per event.

    def __init__(self, path: str, get: Getter, clean_payload: bool) -> None:
        self.path = path
        self.get = get
        #: The plain segments read, or None for jsonpath and whole-payload paths (no fusing then).
        self.segments = None if is_jsonpath(path) else segments_of(path)
        self._clean_payload = clean_payload
        if clean_payload:
            self.resolve_clean = _owned(get)  # type: ignore[assignment]
        self.resolve = get  # type: ignore[assignment]

    def resolve(self, payload: Any) -> Any:
        return self.get(payload)

    def resolve_clean(self, payload: Any) -> Any:
        return remove_undefined(self.get(payload))

    def describe(self) -> str:
        return f"@path {self.path}"

    def explain(self, payload: Any, trace: Trace) -> Any:
        value = self.get(payload)
        note = " (absent)" if value is UNDEFINED else " (null)" if value is None else ""
        trace.steps.append(self.describe() + note)
        trace.read(self.path)
        return value


class DynamicPathNode(Node):
    """A path computed per event by a directive (``{"@path": {"@path": "$.which"}}``)."""

    __slots__ = ("source",)

    def __init__(self, source: Node) -> None:
        self.source = source

    def _path(self, payload: Any) -> str:
        path = self.source.resolve(payload)
        if type(path) is not str:
            raise MappingResolutionError(f"@path: expected string, got {real_type_of(path)}")
        return path

    def resolve(self, payload: Any) -> Any:
        path = self._path(payload)
        return getter_for(path)(payload)

    def describe(self) -> str:
        return f"@path ({self.source.describe()})"

    def explain(self, payload: Any, trace: Trace) -> Any:
        trace.steps.append(self.describe())
        path = self.source.explain(payload, trace)
        if type(path) is str:
            trace.read(path)
        return self.resolve(payload)


def _owned(get: Getter) -> Getter:
    """The getter, but objects and arrays are copied: a payload never shares containers with its event
    (Segment's output is a fresh object too), so changing a payload cannot change the event."""

    def read_owned(payload: Any) -> Any:
        value = get(payload)
        if type(value) in _CONTAINERS:
            return remove_undefined(value)
        return value

    return read_owned


_CONTAINERS = (dict, list)


def compile_path_directive(option: Any, ctx: CompileContext) -> Node:
    """A static path compiles to a getter; anything else is resolved per event and must be a string."""
    if type(option) is str:
        return PathNode(option, getter_for(option), ctx.clean_payload)
    return DynamicPathNode(ctx.sub(option))
