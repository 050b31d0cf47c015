"""FQL triggers: parse Segment's trigger language, compile it to a predicate, explain mismatches.

    >>> from framework.subscriptions import compile_trigger, parse_fql, matches
    >>> matches('type = "track" and properties.price > 5', {"type": "track", "properties": {"price": 10}})
    True

Modules: `lexer` (text → tokens), `parser` (tokens → Segment's JSON AST), `nodes` (condition
construction), `evaluate` (comparison rules), `predicate` (AST → compiled predicate), `explain`
(why an event was filtered), `render` (AST → FQL text), `operands` (how a condition reads the event
and `Number()`; the other JavaScript value rules are shared in `framework.jsvalues`), `trigger` (the
public Trigger). docs/triggers.md is the language reference and
lists every divergence from Segment.
"""

from framework.subscriptions.errors import FQLSyntaxError
from framework.subscriptions.parser import parse_fql
from framework.subscriptions.render import render_fql
from framework.subscriptions.trigger import Trigger, compile_trigger, matches

__all__ = ["FQLSyntaxError", "Trigger", "compile_trigger", "matches", "parse_fql", "render_fql"]
