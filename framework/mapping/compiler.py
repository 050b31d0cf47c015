"""Compiling a mapping once into a tree of nodes, and the resolver called once per event.

``compile_mapping`` does everything that does not depend on the event: the root-directive rewrite,
validation (all errors at once), splitting paths and templates, parsing Liquid, and picking fast nodes
for common shapes. What is left per event is a walk over small objects that only read the event.

>>> resolver = compile_mapping({"email": {"@path": "$.traits.email"}, "source": "segment"})
>>> resolver({"traits": {"email": "ada@example.com"}})
{'email': 'ada@example.com', 'source': 'segment'}
"""

from __future__ import annotations

import json
from typing import Any, Final

from framework.jsvalues import UNDEFINED, Undefined, real_type_of
from framework.mapping.directives import DIRECTIVE_COMPILERS
from framework.mapping.errors import MappingResolutionError, MappingValidationError
from framework.mapping.explain import FieldTrace, explain_fields
from framework.mapping.nodes import ArrayNode, CompileContext, Constant, Failing, Node, ObjectNode
from framework.mapping.object_plan import plan_runs  # noqa: F401 - loaded with the kit, not at first compile
from framework.mapping.root import root_mapping
from framework.mapping.validation import mapping_errors

__all__ = ["compile_mapping", "transform", "CompiledMapping", "ABSENT", "compile_node"]

#: What :meth:`CompiledMapping.resolve` returns when the whole mapping resolves to nothing.
ABSENT: Final = UNDEFINED


def _directive_name(mapping: dict[str, Any]) -> str | None:
    """Segment's ``isDirective``: an ``@`` key and no other key than ``_metadata``; its first ``@`` key."""
    name = None
    for key in mapping:
        if type(key) is not str:  # not JSON; Segment's keys are always strings
            return None
        if key.startswith("@"):
            if name is None:
                name = key
        elif key != "_metadata":
            return None
    return name


def compile_node(mapping: Any, ctx: CompileContext) -> Node:
    """Compile any mapping value (validated or not: unvalidated parts fail when resolved, as in Segment)."""
    kind = type(mapping)
    if kind is dict:
        name = _directive_name(mapping)
        if name is None:
            return ObjectNode({key: compile_node(value, ctx) for key, value in mapping.items()})
        compiler = DIRECTIVE_COMPILERS.get(name)
        if compiler is None:
            return Failing(f"{name} is not a valid directive, got undefined")
        return compiler(mapping[name], ctx)
    if kind is list:
        return ArrayNode([compile_node(item, ctx) for item in mapping])
    return Constant(mapping)


_ROOT_CONTEXT: Final = CompileContext(compile=compile_node)


class CompiledMapping:
    """A validated, compiled mapping: call it with an event to get the payload.

    ``resolver(event)`` returns the payload (absent fields dropped, ``None`` kept; ``None`` when the
    whole mapping is absent); :meth:`resolve` returns :data:`ABSENT` in that case instead;
    :meth:`explain` says, field by field, what was read and which branch was taken.
    """

    __slots__ = ("mapping", "root", "_resolve_clean")

    def __init__(self, mapping: Any, root: Node) -> None:
        self.mapping = mapping
        self.root = root
        self._resolve_clean = root.clean_resolver if isinstance(root, ObjectNode) else root.resolve_clean

    def __call__(self, event: Any) -> Any:
        if type(event) is not dict:
            raise MappingResolutionError(f"data must be an object, got {real_type_of(event)}")
        try:
            result = self._resolve_clean(event)
        except RecursionError:
            raise MappingResolutionError("the event or mapping is nested too deeply to resolve") from None
        return None if result is UNDEFINED else result

    def resolve(self, event: Any) -> Any | Undefined:
        """Like calling the resolver, but an absent result is :data:`ABSENT` rather than ``None``."""
        if type(event) is not dict:
            raise MappingResolutionError(f"data must be an object, got {real_type_of(event)}")
        try:
            return self._resolve_clean(event)
        except RecursionError:
            raise MappingResolutionError("the event or mapping is nested too deeply to resolve") from None

    def explain(self, event: Any) -> list[FieldTrace]:
        """One :class:`FieldTrace` per top-level output field: value, presence, branch and paths read."""
        if type(event) is not dict:
            raise MappingResolutionError(f"data must be an object, got {real_type_of(event)}")
        return explain_fields(self.root, event)

    def __repr__(self) -> str:
        return f"CompiledMapping({self.root.describe()})"


def compile_mapping(mapping: Any) -> CompiledMapping:
    """Validate ``mapping`` once and compile it; raises :class:`MappingValidationError` listing every error."""
    rewritten = root_mapping(mapping)
    errors = mapping_errors(rewritten)
    if errors:
        raise MappingValidationError(errors)
    try:
        root = compile_node(rewritten, _ROOT_CONTEXT)
    except RecursionError:
        raise MappingValidationError(["/ is nested too deeply to compile."]) from None
    return CompiledMapping(mapping, root)


_RECENT: dict[str, CompiledMapping] = {}
_RECENT_LIMIT: Final = 256


def _compiled_for(mapping: Any) -> CompiledMapping:
    """The compiled form of a mapping, reused across calls with the same mapping text.

    Callers of :func:`transform` often pass the same mapping event after event; keying on its JSON
    text (which keeps key order and tells ``1`` from ``1.0`` and ``true``) makes the repeat calls cost a
    ``json.dumps`` instead of a compile. Mappings that are not JSON are compiled every time.
    """
    try:
        key = json.dumps(mapping, separators=(",", ":"))
    except (TypeError, ValueError, RecursionError):
        return compile_mapping(mapping)
    compiled = _RECENT.get(key)
    if compiled is None:
        compiled = compile_mapping(mapping)
        if len(_RECENT) >= _RECENT_LIMIT:
            _RECENT.pop(next(iter(_RECENT)), None)
        _RECENT[key] = compiled
    return compiled


def transform(mapping: Any, event: Any) -> Any:
    """Compile ``mapping`` and resolve it against one ``event`` (use :func:`compile_mapping` for many).

    Invalid mappings raise :class:`MappingValidationError` on every call; valid ones are compiled once
    per distinct mapping text and reused.
    """
    return _compiled_for(mapping)(event)
