"""``@template``: mustache-like ``{{ key }}`` interpolation with JS ``String()`` of each value.

Segment's renderer has no logic and no escaping. It runs two passes, ``{{{ key }}}`` first and then
``{{ key }}`` over the result, so a value inserted by the first pass that itself contains ``{{x}}`` is
rendered again: only then is the template re-scanned per event; otherwise it is split once into text
and getters. Keys use Segment's path syntax without ``$.`` stripping (``{{$.a}}`` reads key ``$``).
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from framework.jsvalues import JS_WHITESPACE, is_nullish, js_string, real_type_of
from framework.mapping.errors import MappingResolutionError
from framework.mapping.nodes import CompileContext, Node, Trace, preview
from framework.mapping.paths import Getter, compile_path

__all__ = ["compile_template", "render_template", "TemplateNode", "DynamicTemplateNode", "template_keys"]

_TRIPLE = re.compile(r"\{\{\{([^}]+)\}\}\}")
_DOUBLE = re.compile(r"\{\{([^}]+)\}\}")


@lru_cache(maxsize=4096)
def _key_getter(inner: str) -> Getter:
    """The getter for one placeholder's inner text (trimmed, no ``$.`` stripping)."""
    return compile_path(inner.strip(JS_WHITESPACE), strip=False)


def _text_of(value: Any) -> str:
    """Missing and null render as nothing; everything else as JS ``String(value)``."""
    return "" if is_nullish(value) else js_string(value)


def _substitute(pattern: re.Pattern[str], template: str, payload: Any) -> str:
    """One rendering pass of one brace style."""
    return pattern.sub(lambda match: _text_of(_key_getter(match.group(1))(payload)), template)


def render_template(template: str, payload: Any) -> str:
    """Render a template the way Segment does, both passes, per call."""
    return _substitute(_DOUBLE, _substitute(_TRIPLE, template, payload), payload)


def template_keys(template: str) -> list[str]:
    """The event paths a template reads (trimmed placeholder texts), for explanations."""
    return [match.group(1).strip(JS_WHITESPACE) for match in _DOUBLE.finditer(template)]


class TemplateNode(Node):
    """A template string known at compile time, pre-split into text and getters when it can be."""

    __slots__ = ("template", "_parts", "_getters")

    def __init__(self, template: str) -> None:
        self.template = template
        two_pass = _TRIPLE.search(template) is not None
        pieces = _DOUBLE.split(template)
        self._parts: tuple[str, ...] | None = None if two_pass else tuple(pieces[0::2])
        self._getters: tuple[Getter, ...] = tuple(_key_getter(inner) for inner in pieces[1::2])

    def resolve(self, payload: Any) -> Any:
        parts = self._parts
        if parts is None:
            return render_template(self.template, payload)
        if not self._getters:
            return self.template
        out = [parts[0]]
        for getter, text in zip(self._getters, parts[1:], strict=True):
            out.append(_text_of(getter(payload)))
            out.append(text)
        return "".join(out)

    def resolve_clean(self, payload: Any) -> Any:
        return self.resolve(payload)

    def describe(self) -> str:
        return f"@template {preview(self.template)}"

    def explain(self, payload: Any, trace: Trace) -> Any:
        trace.steps.append(self.describe())
        for key in template_keys(self.template):
            trace.read(key)
        return self.resolve(payload)


class DynamicTemplateNode(Node):
    """A template produced per event by a directive; it must resolve to a string."""

    __slots__ = ("source",)

    def __init__(self, source: Node) -> None:
        self.source = source

    def resolve(self, payload: Any) -> Any:
        template = self.source.resolve(payload)
        if type(template) is not str:
            raise MappingResolutionError(f"@template: expected string, got {real_type_of(template)}")
        return render_template(template, payload)

    def resolve_clean(self, payload: Any) -> Any:
        return self.resolve(payload)

    def describe(self) -> str:
        return f"@template ({self.source.describe()})"


def compile_template(option: Any, ctx: CompileContext) -> Node:
    """Static templates are pre-split; directive-made ones are rendered per event."""
    if type(option) is str:
        return TemplateNode(option)
    return DynamicTemplateNode(ctx.sub(option))
