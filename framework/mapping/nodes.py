"""Compiled mapping nodes: the small objects a mapping is compiled into, one per mapping node.

Every node answers three questions about one payload:

* ``resolve(payload)`` — Segment's ``resolve``: JS-faithful, so objects may still hold ``UNDEFINED``
  members and arrays ``UNDEFINED`` slots (directives such as ``@merge`` can observe them);
* ``resolve_clean(payload)`` — the same value after Segment's final ``removeUndefined``; nodes that know
  their output is already clean skip the extra walk, which is what makes compiled mappings fast;
* ``explain(payload, trace)`` — ``resolve`` while recording the branch taken and the paths read.

:class:`CompileContext` is what a directive's compiler gets: the function that compiles a sub-mapping
and whether the payload at this point can hold ``UNDEFINED`` (only inside ``@arrayPath`` shapes whose
root came from a directive).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from framework.jsvalues import UNDEFINED, remove_undefined
from framework.mapping.errors import MappingResolutionError, MappingValidationError

__all__ = [
    "Node",
    "Trace",
    "CompileContext",
    "Constant",
    "ObjectNode",
    "ArrayNode",
    "Failing",
    "preview",
]


@dataclass
class Trace:
    """What explaining one field recorded: the directive steps taken and the event paths read."""

    steps: list[str] = field(default_factory=list)
    paths: list[str] = field(default_factory=list)

    def read(self, path: str) -> None:
        """Record an event path read (once)."""
        if path not in self.paths:
            self.paths.append(path)


def preview(value: Any, limit: int = 40) -> str:
    """A short, single-line rendering of a mapping option for explanations."""
    try:
        text = json.dumps(value, ensure_ascii=False, default=str)
    except (TypeError, ValueError):
        text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


class Node:
    """Base class: a compiled mapping node (see the module docstring for the three methods)."""

    __slots__ = ()

    def resolve(self, payload: Any) -> Any:
        """Segment's ``resolve`` of this node against ``payload`` (may hold ``UNDEFINED``)."""
        raise NotImplementedError

    def resolve_clean(self, payload: Any) -> Any:
        """``resolve`` then ``removeUndefined``; overridden where the output is known clean."""
        return remove_undefined(self.resolve(payload))

    def describe(self) -> str:
        """A one-line human description (``@path $.traits.email``)."""
        return type(self).__name__

    def explain(self, payload: Any, trace: Trace) -> Any:
        """Resolve while recording what happened; the default records this node's description."""
        trace.steps.append(self.describe())
        return self.resolve(payload)


@dataclass(frozen=True)
class CompileContext:
    """What directive compilers need: recursion, and whether the payload may hold ``UNDEFINED``."""

    compile: Callable[[Any, CompileContext], Node]
    clean_payload: bool = True

    def sub(self, mapping: Any) -> Node:
        """Compile a sub-mapping resolved against the same payload."""
        return self.compile(mapping, self)

    def with_payload(self, *, clean: bool) -> CompileContext:
        """A context for sub-mappings resolved against another payload (``@arrayPath`` items)."""
        return replace(self, clean_payload=clean)


class Constant(Node):
    """A JSON scalar in the mapping: returned unchanged (strings are never templates)."""

    __slots__ = ("value",)

    def __init__(self, value: Any) -> None:
        self.value = value

    def resolve(self, payload: Any) -> Any:
        return self.value

    def resolve_clean(self, payload: Any) -> Any:
        return self.value

    def describe(self) -> str:
        return f"literal {preview(self.value)}"


class ObjectNode(Node):
    """A plain object: each member resolved; absent members dropped when cleaned.

    The clean resolution follows a plan built once by :mod:`framework.mapping.object_plan` (runs of
    default-shape members resolved in one loop, or one generated function for a whole object of
    them); ``resolve`` stays the plain member-by-member walk.
    """

    __slots__ = ("members", "_raw", "_plan", "_only", "_fast")

    def __init__(self, members: dict[str, Node]) -> None:
        from framework.mapping.object_plan import fast_object, plan_runs

        self.members = members
        self._raw = tuple((key, node.resolve) for key, node in members.items())
        self._plan = tuple(plan_runs(members))
        self._only = self._plan[0] if len(self._plan) == 1 else None
        self._fast = fast_object(members, self._single_run if self._only is not None else self.resolve_clean)

    @property
    def clean_resolver(self) -> Callable[[Any], Any]:
        """The fastest callable equivalent to ``resolve_clean`` for this object."""
        if self._fast is not None:
            return self._fast
        return self._single_run if self._only is not None else self.resolve_clean

    def resolve(self, payload: Any) -> Any:
        return {key: resolve(payload) for key, resolve in self._raw}

    def resolve_clean(self, payload: Any) -> Any:
        result: dict[str, Any] = {}
        for run in self._plan:
            run(payload, result)
        return result

    def _single_run(self, payload: Any) -> Any:
        """``resolve_clean`` when the plan is one run (the usual default mapping): no loop."""
        result: dict[str, Any] = {}
        only = self._only
        assert only is not None  # this method is chosen only when the plan is one run (see __init__)
        only(payload, result)
        return result

    def describe(self) -> str:
        return "object {" + ", ".join(self.members) + "}"

    def explain(self, payload: Any, trace: Trace) -> Any:
        trace.steps.append(self.describe())
        return {key: node.explain(payload, trace) for key, node in self.members.items()}


class ArrayNode(Node):
    """A raw array: each element resolved; absent elements stay as holes (``None`` when cleaned)."""

    __slots__ = ("items", "_raw", "_clean")

    def __init__(self, items: list[Node]) -> None:
        self.items = items
        self._raw = tuple(node.resolve for node in items)
        self._clean = tuple(node.resolve_clean for node in items)

    def resolve(self, payload: Any) -> Any:
        return [resolve(payload) for resolve in self._raw]

    def resolve_clean(self, payload: Any) -> Any:
        result = [resolve(payload) for resolve in self._clean]
        return [None if value is UNDEFINED else value for value in result]

    def describe(self) -> str:
        return f"array of {len(self.items)}"

    def explain(self, payload: Any, trace: Trace) -> Any:
        trace.steps.append(self.describe())
        return [node.explain(payload, trace) for node in self.items]


class Failing(Node):
    """A node Segment would reject when it is resolved (only where validation does not look).

    With ``errors``, the failure is a :class:`MappingValidationError` (a nested ``@transform``'s
    ``apply`` that Segment validates when it runs); otherwise a :class:`MappingResolutionError`.
    """

    __slots__ = ("message", "errors")

    def __init__(self, message: str, errors: list[str] | None = None) -> None:
        self.message = message
        self.errors = errors

    def _raise(self) -> Any:
        if self.errors is not None:
            raise MappingValidationError(self.errors)
        raise MappingResolutionError(self.message)

    def resolve(self, payload: Any) -> Any:
        return self._raise()

    def resolve_clean(self, payload: Any) -> Any:
        return self._raise()

    def describe(self) -> str:
        return f"error: {self.message}"
