"""The helpers translated templates call while rendering, and the limits they enforce.

A render carries a :class:`RenderState`: the variables assigned so far, the event, a deadline
(Segment's ``renderLimit`` of 500 ms) and a size budget (like liquidjs's ``memoryLimit``), checked on
every output, assignment and filter result, so no template can run or grow without bound.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from contextvars import ContextVar
from typing import Any

from framework.mapping.liquid.values import compare, is_truthy, liquid_range, lookup, plain, stringify

__all__ = ["RenderState", "RenderLimitError", "RENDER_TIME_LIMIT", "SIZE_LIMIT", "HELPERS", "guarded_filter", "CURRENT"]

RENDER_TIME_LIMIT = 0.5  # seconds, Segment's renderLimit
SIZE_LIMIT = 10_000_000  # characters a render may produce in total (outputs, assignments, filter results)

CURRENT: ContextVar[RenderState | None] = ContextVar("liquid_render_state", default=None)


class RenderLimitError(Exception):
    """A render exceeded the time or size limit."""


class RenderState:
    """Per-render state: assigned variables, the event, and the limits."""

    __slots__ = ("scope", "payload", "deadline", "budget")

    def __init__(self, payload: Any) -> None:
        self.scope: dict[str, Any] = {}
        self.payload = payload
        self.deadline = time.monotonic() + RENDER_TIME_LIMIT
        self.budget = SIZE_LIMIT

    def charge(self, value: Any) -> Any:
        """Account for a produced value; fail once the budget or the deadline is exceeded."""
        if type(value) in (str, list):
            self.budget -= len(value)
            if self.budget < 0:
                raise RenderLimitError(f"template output exceeds {SIZE_LIMIT} characters")
        if time.monotonic() > self.deadline:
            raise RenderLimitError(f"template render took longer than {int(RENDER_TIME_LIMIT * 1000)}ms")
        return value


def _output(state: RenderState, value: Any) -> str:
    return state.charge(stringify(value))


def _variable(state: RenderState, *keys: Any) -> Any:
    return lookup(state.scope, state.payload, keys)


def _assign(state: RenderState, name: str, value: Any) -> str:
    state.scope[name] = state.charge(value)
    return ""


def _counter(state: RenderState, name: str, step: int) -> str:
    """``increment`` prints then adds one; ``decrement`` subtracts one then prints (own counters)."""
    key = f"\0counter:{name}"
    current = state.scope.get(key, 0)
    if step > 0:
        state.scope[key] = current + 1
        return str(current)
    state.scope[key] = current - 1
    return str(current - 1)


def guarded_filter(function: Callable[..., Any]) -> Callable[..., Any]:
    """Wrap a filter so its result counts against the current render's limits.

    The filtered value is passed as a plain value, except to filters marked ``raw_value`` (``json``),
    which, as in liquidjs, see the ``nil``/``empty``/``blank`` literals as the objects they are.
    """
    raw = getattr(function, "raw_value", False)

    def run(value: Any, *arguments: Any, **keywords: Any) -> Any:
        arguments = tuple(plain(argument) for argument in arguments)
        keywords = {name: plain(argument) for name, argument in keywords.items()}
        result = function(value if raw else plain(value), *arguments, **keywords)
        state = CURRENT.get()
        return state.charge(result) if state is not None else result

    run.__name__ = getattr(function, "__name__", "filter")
    return run


HELPERS: dict[str, Any] = {
    "_o": _output,
    "_v": _variable,
    "_a": _assign,
    "_t": is_truthy,
    "_c": compare,
    "_counter": _counter,
    "_range": liquid_range,
}
