"""A compiled trigger: parse once, then `matches(event)` is one call into a prepared predicate."""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import lru_cache
from typing import Any, Final

from framework.subscriptions.explain import explain_mismatch
from framework.subscriptions.nodes import MAX_DEPTH, ast_depth_exceeds
from framework.subscriptions.parser import parse_fql
from framework.subscriptions.predicate import compile_predicate
from framework.subscriptions.render import render_fql

__all__ = ["Trigger", "compile_trigger", "matches"]


class Trigger:
    """An FQL trigger ready to test events.

    `matches` is the compiled predicate itself (an attribute, not a method), so a call costs no
    more than the conditions it checks::

        trigger = compile_trigger('type = "track" and properties.price > 5')
        trigger.matches({"type": "track", "properties": {"price": 10}})   # True
        trigger.explain({"type": "page"})   # 'type = "track" is false: type is "page"'
    """

    __slots__ = ("text", "ast", "matches")

    text: str
    ast: dict[str, Any]
    matches: Callable[[Any], bool]

    def __init__(self, ast: dict[str, Any], text: str | None = None) -> None:
        self.ast = ast
        self.text = text if text is not None else render_fql(ast)
        self.matches = compile_predicate(ast)

    def explain(self, event: Any) -> str | None:
        """None when the event matches; otherwise which condition failed and the event's value."""
        return explain_mismatch(self.ast, event)

    def __repr__(self) -> str:
        return f"Trigger({self.text!r})"


def compile_trigger(fql_or_ast: str | dict[str, Any]) -> Trigger:
    """A Trigger from FQL text (raises FQLSyntaxError) or from an AST in Segment's shape.

    An AST whose groups nest more than 64 deep raises ValueError (text has the same limit).
    """
    if isinstance(fql_or_ast, str):
        return _compile_text(fql_or_ast)
    if isinstance(fql_or_ast, dict):
        _check_depth(fql_or_ast)
        return Trigger(fql_or_ast)
    raise TypeError(f"a trigger is FQL text or an AST dict, got {type(fql_or_ast).__name__}")


def _check_depth(ast: dict[str, Any]) -> None:
    if ast_depth_exceeds(ast):
        raise ValueError(f"the trigger's groups nest more than {MAX_DEPTH} deep; flatten it")


@lru_cache(maxsize=1024)
def _compile_text(text: str) -> Trigger:
    """Triggers are immutable once compiled, so the same text shares one Trigger."""
    return Trigger(parse_fql(text), text)


_AST_CACHE: Final[dict[str, Trigger]] = {}
_AST_CACHE_SIZE: Final = 256


def matches(fql_or_ast: str | dict[str, Any], event: Any) -> bool:
    """Whether the event matches the trigger; text and JSON ASTs are compiled once and cached."""
    if isinstance(fql_or_ast, dict):
        return _cached_ast_trigger(fql_or_ast).matches(event)
    return compile_trigger(fql_or_ast).matches(event)


def _cached_ast_trigger(ast: dict[str, Any]) -> Trigger:
    """An AST is keyed by its canonical JSON; one that is not plain JSON is compiled every time."""
    try:
        key = json.dumps(ast, sort_keys=True, allow_nan=False)
    except (TypeError, ValueError, RecursionError):
        return compile_trigger(ast)
    trigger = _AST_CACHE.get(key)
    if trigger is None:
        _check_depth(ast)
        if len(_AST_CACHE) >= _AST_CACHE_SIZE:
            _AST_CACHE.clear()
        trigger = _AST_CACHE[key] = Trigger(json.loads(key))
    return trigger
