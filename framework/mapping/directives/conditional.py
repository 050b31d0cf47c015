"""``@if``: pick ``then`` or ``else`` by whether a value ``exists`` (not null/absent) or is not ``blank``.

Segment's quirks are kept: ``then`` is used whenever it is present (even ``null`` or ``false``), but
``else`` only when it is truthy (``else: false`` yields nothing); ``blank`` uses JS loose equality
with ``""`` (so ``0``, ``false`` and ``[]`` are blank); ``exists`` wins when both are given.

The default mappings of most destinations are ``{"@if": {"exists": X, "then": X, "else": Y}}`` with
paths X and Y: :class:`IfExistsPathNode` resolves that shape with one read of X and no other calls.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from framework.jsvalues import UNDEFINED, is_truthy, js_string, remove_undefined
from framework.mapping.directives.path import PathNode
from framework.mapping.nodes import CompileContext, Failing, Node, Trace
from framework.mapping.paths import Getter, step

__all__ = ["compile_if", "IfNode", "IfExistsPathNode", "is_blank"]


def is_blank(value: Any) -> bool:
    """Segment's blank test: null/absent, or loosely equal to ``""`` in JS (``""``, ``0``, ``false``, ``[]``)."""
    if value is None or value is UNDEFINED:
        return True
    kind = type(value)
    if kind is str:
        return value == ""
    if kind is bool:
        return value is False
    if kind is int or kind is float:
        return value == 0
    if kind is list:
        return js_string(value) == ""
    return False


def _exists(value: Any) -> bool:
    return value is not None and value is not UNDEFINED


def _not_blank(value: Any) -> bool:
    return not is_blank(value)


class IfNode(Node):
    """The general ``@if``: condition node, test, and the optional branches."""

    __slots__ = ("mode", "condition", "test", "then", "otherwise")

    def __init__(self, mode: str, condition: Node, then: Node | None, otherwise: Node | None) -> None:
        self.mode = mode
        self.condition = condition
        self.test: Callable[[Any], bool] = _exists if mode == "exists" else _not_blank
        self.then = then
        self.otherwise = otherwise

    def _branch(self, holds: bool) -> Node | None:
        return self.then if holds else self.otherwise

    def resolve(self, payload: Any) -> Any:
        branch = self._branch(self.test(self.condition.resolve(payload)))
        return UNDEFINED if branch is None else branch.resolve(payload)

    def resolve_clean(self, payload: Any) -> Any:
        branch = self._branch(self.test(self.condition.resolve(payload)))
        return UNDEFINED if branch is None else branch.resolve_clean(payload)

    def describe(self) -> str:
        path = getattr(self.condition, "path", None)
        subject = path if isinstance(path, str) else self.condition.describe()
        return f"@if {self.mode} {subject}"

    def explain(self, payload: Any, trace: Trace) -> Any:
        inner = Trace(paths=trace.paths)
        holds = self.test(self.condition.explain(payload, inner))
        branch = self._branch(holds)
        name = "then" if holds else "else"
        if branch is None:
            trace.steps.append(f"{self.describe()} → no {name} branch: nothing")
            return UNDEFINED
        taken = Trace(paths=trace.paths)
        value = branch.explain(payload, taken)
        trace.steps.append(f"{self.describe()} → {name}: {' → '.join(taken.steps)}")
        return value


class IfExistsPathNode(IfNode):
    """``@if exists P then P else Y`` with a static path P: read P once, fall back to Y.

    ``resolve``/``resolve_clean`` are replaced per instance by one closure with P's dict lookups
    written out (see :func:`_fused`), so a field of a default mapping costs one Python call.
    """

    def __init__(self, condition: Node, get: Getter, segments: tuple[str, ...] | None, otherwise: Node | None) -> None:
        super().__init__("exists", condition, condition, otherwise)
        else_raw = otherwise.resolve if otherwise is not None else _undefined
        else_clean = otherwise.resolve_clean if otherwise is not None else _undefined
        self.resolve = _fused(get, segments, else_raw)  # type: ignore[assignment]
        self.resolve_clean = _fused(get, segments, else_clean)  # type: ignore[assignment]
        #: For :class:`~framework.mapping.nodes.ObjectNode`'s grouped runs: what to read, what else.
        self.shortcut = (segments, else_clean) if segments else None


def _undefined(payload: Any) -> Any:
    return UNDEFINED


def _fused(get: Getter, segments: tuple[str, ...] | None, fallback: Getter) -> Getter:
    """One closure for "value at P if present, else fallback", P's lookups inlined for 1-3 segments."""
    if segments is not None and 1 <= len(segments) <= 3:
        return _FUSED_BUILDERS[len(segments)](*segments, fallback=fallback)

    def first_present(payload: Any) -> Any:
        value = get(payload)
        if value is None or value is UNDEFINED:
            return fallback(payload)
        if type(value) in _CONTAINERS:
            return remove_undefined(value)
        return value

    return first_present


def _fused1(a: str, *, fallback: Getter) -> Getter:
    def if_exists_1(payload: Any) -> Any:
        value = payload.get(a, UNDEFINED) if type(payload) is dict else step(payload, a)
        if value is None or value is UNDEFINED:
            return fallback(payload)
        if type(value) in _CONTAINERS:
            return remove_undefined(value)
        return value

    return if_exists_1


def _fused2(a: str, b: str, *, fallback: Getter) -> Getter:
    def if_exists_2(payload: Any) -> Any:
        value = payload.get(a, UNDEFINED) if type(payload) is dict else step(payload, a)
        value = value.get(b, UNDEFINED) if type(value) is dict else step(value, b)
        if value is None or value is UNDEFINED:
            return fallback(payload)
        if type(value) in _CONTAINERS:
            return remove_undefined(value)
        return value

    return if_exists_2


def _fused3(a: str, b: str, c: str, *, fallback: Getter) -> Getter:
    def if_exists_3(payload: Any) -> Any:
        value = payload.get(a, UNDEFINED) if type(payload) is dict else step(payload, a)
        value = value.get(b, UNDEFINED) if type(value) is dict else step(value, b)
        value = value.get(c, UNDEFINED) if type(value) is dict else step(value, c)
        if value is None or value is UNDEFINED:
            return fallback(payload)
        if type(value) in _CONTAINERS:
            return remove_undefined(value)
        return value

    return if_exists_3


_FUSED_BUILDERS: dict[int, Callable[..., Getter]] = {1: _fused1, 2: _fused2, 3: _fused3}
# Objects and arrays read from the event are copied, so a payload never shares them with its event.
_CONTAINERS = (dict, list)


def compile_if(option: Any, ctx: CompileContext) -> Node:
    """Check options as Segment does at run time, then pick the general or the fast node."""
    if type(option) is not dict:
        return Failing('@if requires an object with an "exists" key')
    if not is_truthy(option.get("exists", UNDEFINED)) and not is_truthy(option.get("blank", UNDEFINED)):
        return Failing('@if requires an "exists" key or a "blank" key')
    mode = "exists" if "exists" in option else "blank"
    condition = ctx.sub(option[mode])
    then = ctx.sub(option["then"]) if "then" in option else None
    otherwise = ctx.sub(option["else"]) if is_truthy(option.get("else", UNDEFINED)) else None
    if mode == "exists" and option.get("then") == option[mode] and _is_clean_static_path(condition, ctx):
        return IfExistsPathNode(condition, condition.get, condition.segments, otherwise)  # type: ignore[attr-defined]
    return IfNode(mode, condition, then, otherwise)


def _is_clean_static_path(node: Node, ctx: CompileContext) -> bool:
    """The fast path needs a compiled static ``@path`` read from a payload without absent slots."""
    return isinstance(node, PathNode) and ctx.clean_payload
