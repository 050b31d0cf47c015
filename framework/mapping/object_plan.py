"""How an object's members are resolved together: runs of default-shape fields, and the generated path.

A default mapping is mostly ``{"@if": {"exists": P, "then": P, "else": Q}}`` fields reading
``$.traits.*``. :func:`plan_runs` groups consecutive such members that share their first segment into
one run (one read of ``traits``, no call per member unless a value is missing; constants right
after a group are set by the group's run); other members are resolved one call each.
:func:`fast_object` goes further for an object made only of such fields and constants: one generated
function (:mod:`framework.mapping.fastpath`) for the whole object.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from framework.jsvalues import UNDEFINED, remove_undefined
from framework.mapping.fastpath import build_fast_object
from framework.mapping.nodes import Constant, Node
from framework.mapping.paths import step

__all__ = ["Run", "plan_runs", "fast_object"]

Run = Callable[[Any, dict[str, Any]], None]


def fast_object(members: dict[str, Node], slow: Callable[[Any], Any]) -> Callable[[Any], Any] | None:
    """A generated resolver (:mod:`framework.mapping.fastpath`) when every member is a default-shape
    field or a constant, the shape of destination defaults; None otherwise."""
    entries: list[tuple[str, tuple[str, ...] | None]] = []
    constants: dict[str, Any] = {}
    for key, node in members.items():
        shortcut = getattr(node, "shortcut", None)
        if shortcut is not None and shortcut[0]:
            entries.append((key, shortcut[0]))
        elif isinstance(node, Constant) and node.value is not UNDEFINED:
            entries.append((key, None))
            constants[key] = node.value
        else:
            return None
    if len(constants) == len(entries):
        return None
    return build_fast_object(entries, constants, slow)


_CONTAINERS = (dict, list)


def _shortcut(node: Node) -> tuple[tuple[str, ...], Callable[[Any], Any]] | None:
    """``(segments, clean fallback)`` of a member resolvable inline (2 or 3 plain segments)."""
    shortcut = getattr(node, "shortcut", None)
    if shortcut is None or not 2 <= len(shortcut[0]) <= 3:
        return None
    return shortcut


def plan_runs(members: dict[str, Node]) -> list[Run]:
    """Group consecutive members into runs (see the module docstring), keeping the mapping's order.

    Constants right after a group are set by that group's run (``secondaryDeletedSearch: true``
    after Pardot's defaults costs no call).
    """
    runs: list[Run] = []
    pending: list[tuple[str, Node]] = []
    tail: dict[str, Any] = {}
    group_first: str | None = None
    for key, node in members.items():
        shortcut = _shortcut(node)
        first = shortcut[0][0] if shortcut else None
        if group_first is not None and first is None and isinstance(node, Constant) and node.value is not UNDEFINED:
            tail[key] = node.value
            continue
        if pending and (first is None or first != group_first or tail):
            runs.append(_run_for(pending, group_first, tail))
            pending, tail = [], {}
        pending.append((key, node))
        group_first = first
    if pending:
        runs.append(_run_for(pending, group_first, tail))
    return runs


def _run_for(members: list[tuple[str, Node]], first: str | None, tail: dict[str, Any]) -> Run:
    if first is None:
        return _generic_run(tuple((key, node.resolve_clean) for key, node in members))
    return _grouped_run(first, members, tail)


def _generic_run(pairs: tuple[tuple[str, Callable[[Any], Any]], ...]) -> Run:
    """Members resolved one call each; absent ones left out."""

    def run(payload: Any, result: dict[str, Any]) -> None:
        for key, resolve in pairs:
            value = resolve(payload)
            if value is not UNDEFINED:
                result[key] = value

    return run


def _grouped_run(first: str, members: list[tuple[str, Node]], tail: dict[str, Any]) -> Run:
    """Members reading ``first.b`` or ``first.b.c`` with a fallback: ``first`` read once, no calls."""
    entries = []
    for key, node in members:
        segments, fallback = node.shortcut  # type: ignore[attr-defined]
        entries.append((key, segments[1], segments[2] if len(segments) == 3 else None, fallback))
    table = tuple(entries)
    slow = _generic_run(tuple((key, node.resolve_clean) for key, node in members))

    def run(payload: Any, result: dict[str, Any]) -> None:
        base = payload.get(first) if type(payload) is dict else None
        if type(base) is not dict:
            slow(payload, result)
            result.update(tail)
            return
        get = base.get  # absent and null both mean "use the fallback", so None stands for both
        kind, containers = type, _CONTAINERS  # locals: this loop is the hot path of default mappings
        for key, second, third, fallback in table:
            value = get(second)
            if third is not None:
                value = value.get(third) if type(value) is dict else step(value, third)
                if value is UNDEFINED:
                    value = None
            if value is None:
                value = fallback(payload)
                if value is UNDEFINED:
                    continue
            elif kind(value) in containers:  # never share an event's object or array with the payload
                value = remove_undefined(value)
            result[key] = value
        if tail:
            result.update(tail)

    return run
