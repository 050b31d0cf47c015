"""The Jinja2 sandbox that renders translated Liquid templates, and the compiled template object.

One :class:`~jinja2.sandbox.SandboxedEnvironment` is shared: its filters are Liquid's (by Liquid
name, Segment's disabled ones raising), its globals the runtime helpers. Templates are translated
and compiled once, when the mapping is compiled; rendering takes the event as data only.
"""

from __future__ import annotations

from typing import Any

from jinja2 import StrictUndefined, TemplateError
from jinja2.sandbox import SandboxedEnvironment

from framework.mapping.errors import MappingResolutionError
from framework.mapping.liquid.filters import DISABLED_FILTERS, FILTERS, LiquidFilterError
from framework.mapping.liquid.lexer import LiquidSyntaxError
from framework.mapping.liquid.runtime import CURRENT, HELPERS, RenderLimitError, RenderState, guarded_filter
from framework.mapping.liquid.translator import translate
from framework.mapping.liquid.values import BLANK, EMPTY, NIL

__all__ = ["LiquidTemplate", "parse_liquid", "ENVIRONMENT"]


def _disabled(name: str) -> Any:
    def refuse(*_: Any, **__: Any) -> Any:
        raise LiquidFilterError(f'filter "{name}" is disabled')

    return refuse


def _environment() -> SandboxedEnvironment:
    environment = SandboxedEnvironment(
        autoescape=False, undefined=StrictUndefined, keep_trailing_newline=True, cache_size=0, optimized=False
    )
    environment.filters = {name: guarded_filter(function) for name, function in FILTERS.items()}
    environment.filters.update({name: _disabled(name) for name in DISABLED_FILTERS})
    environment.tests = {}
    environment.globals = {**HELPERS, "_NIL": NIL, "_EMPTY": EMPTY, "_BLANK": BLANK}
    return environment


ENVIRONMENT = _environment()


class LiquidTemplate:
    """A Liquid template compiled to a Jinja template; ``render(event)`` returns the text."""

    __slots__ = ("source", "variables", "_template")

    def __init__(self, source: str) -> None:
        translation = translate(source)
        self.source = source
        self.variables = tuple(translation.variables)
        try:
            self._template = ENVIRONMENT.from_string(translation.source, globals={"_k": tuple(translation.constants)})
        except TemplateError as error:  # a translation Jinja rejects: report it as a Liquid syntax error
            raise LiquidSyntaxError(f"invalid template: {error}") from None

    def render(self, payload: Any) -> str:
        """Render against one event; every failure becomes :class:`MappingResolutionError`."""
        state = RenderState(payload)
        token = CURRENT.set(state)
        try:
            return self._template.render(_s=state)
        except (LiquidFilterError, RenderLimitError) as error:
            raise MappingResolutionError(f"{error}, line:1, col:1") from None
        except RecursionError:
            raise MappingResolutionError("liquid template is nested too deeply") from None
        except Exception as error:  # noqa: BLE001 - any render failure is this event's resolution error
            raise MappingResolutionError(f"liquid template failed: {error}") from None
        finally:
            CURRENT.reset(token)


def parse_liquid(source: str) -> LiquidTemplate:
    """Translate and compile a Liquid template once (raises :class:`LiquidSyntaxError`)."""
    return LiquidTemplate(source)
