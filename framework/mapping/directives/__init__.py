"""The directives: one module per directive, each exposing ``compile_<name>(option, ctx) -> Node``.

:data:`DIRECTIVE_COMPILERS` maps every directive name (Segment's thirteen plus the ``@first``
extension) to its compiler; :mod:`framework.mapping.compiler` dispatches through it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from framework.mapping.directives.array_path import compile_array_path
from framework.mapping.directives.case import compile_case
from framework.mapping.directives.conditional import compile_if
from framework.mapping.directives.exclude_when_null import compile_exclude_when_null
from framework.mapping.directives.first import compile_first
from framework.mapping.directives.flatten import compile_flatten
from framework.mapping.directives.json_codec import compile_json
from framework.mapping.directives.liquid import compile_liquid
from framework.mapping.directives.literal import compile_literal
from framework.mapping.directives.merge import compile_merge
from framework.mapping.directives.path import compile_path_directive
from framework.mapping.directives.replace import compile_replace
from framework.mapping.directives.template import compile_template
from framework.mapping.directives.transform import compile_transform
from framework.mapping.nodes import CompileContext, Node

__all__ = ["DIRECTIVE_COMPILERS", "DirectiveCompiler"]

DirectiveCompiler = Callable[[Any, CompileContext], Node]

DIRECTIVE_COMPILERS: dict[str, DirectiveCompiler] = {
    "@if": compile_if,
    "@case": compile_case,
    "@replace": compile_replace,
    "@arrayPath": compile_array_path,
    "@path": compile_path_directive,
    "@template": compile_template,
    "@literal": compile_literal,
    "@flatten": compile_flatten,
    "@json": compile_json,
    "@merge": compile_merge,
    "@transform": compile_transform,
    "@excludeWhenNull": compile_exclude_when_null,
    "@liquid": compile_liquid,
    "@first": compile_first,
}
