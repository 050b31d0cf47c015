"""Field-by-field explanations of a compiled mapping on one event (for ``actions map``/``explain``).

A :class:`FieldTrace` tells a mapping editor why a field has its value, or why it is absent:
``email: absent — @if exists $.traits.email → else: @path $.properties.email (absent)``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from framework.jsvalues import UNDEFINED, remove_undefined
from framework.mapping.nodes import Node, ObjectNode, Trace

__all__ = ["FieldTrace", "explain_fields"]


@dataclass(frozen=True)
class FieldTrace:
    """How one top-level output field was resolved.

    ``source`` is a human sentence (``"@if exists $.traits.email → then: @path $.traits.email"``),
    ``paths`` the event paths read while resolving it, ``present`` whether the field is in the payload.
    """

    field: str
    value: Any
    present: bool
    source: str
    paths: tuple[str, ...]

    def __str__(self) -> str:
        shown = repr(self.value) if self.present else "absent"
        return f"{self.field}: {shown} — {self.source}"


def _trace(field: str, node: Node, payload: Any) -> FieldTrace:
    trace = Trace()
    value = remove_undefined(node.explain(payload, trace))
    present = value is not UNDEFINED
    return FieldTrace(field, value if present else None, present, " → ".join(trace.steps), tuple(trace.paths))


def explain_fields(root: Node, event: Any) -> list[FieldTrace]:
    """One trace per member of a top-level object mapping; a single ``""`` trace for any other root."""
    if isinstance(root, ObjectNode):
        return [_trace(field, node, event) for field, node in root.members.items()]
    return [_trace("", root, event)]
