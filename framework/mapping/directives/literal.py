"""``@literal``: a value taken as written… except that directives inside a raw object still resolve.

Segment's ``@literal`` is ``resolve(value)``, so ``{"@literal": {"a": {"@path": "$.a"}}}`` resolves
``a``; only validation skips the inside. We compile the value like any mapping and keep that.
"""

from __future__ import annotations

from typing import Any

from framework.mapping.nodes import CompileContext, Node

__all__ = ["compile_literal"]


def compile_literal(option: Any, ctx: CompileContext) -> Node:
    """The literal's value, compiled (a scalar becomes a constant)."""
    return ctx.sub(option)
