"""Property tests: any text either parses or raises FQLSyntaxError; no event crashes evaluation;
the compiled predicate always agrees with the reference walk; rendering round-trips."""

from __future__ import annotations

from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from framework.subscriptions import FQLSyntaxError, compile_trigger, parse_fql, render_fql
from framework.subscriptions.evaluate import OPERATORS, evaluate

FRAGMENTS = [
    "type",
    "event",
    "name",
    "userId",
    "properties.price",
    "traits.email",
    "context.a.b",
    "properties.items.0",
    "=",
    "!=",
    "<",
    "<=",
    ">",
    ">=",
    "!",
    "and",
    "or",
    "AND",
    "null",
    "true",
    "false",
    "(",
    ")",
    ",",
    '"track"',
    '"a b"',
    '"',
    "'x'",
    "5",
    "-3",
    "1.5",
    "1.",
    "contains",
    "match",
    '"Order*"',
    '"*x*"',
    '"**"',
    "\\",
    ".",
    "[0]",
    " ",
    "\t",
    "\r\n",
    "é",
    "anonymousId",
    "==",
    "&&",
    "x",
]

json_scalars = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=8)
json_values = st.recursive(
    json_scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=4),
    max_leaves=12,
)
field_names = st.sampled_from(["price", "email", "a", "items", "0", "length", "name", "flag"])
nested = st.recursive(
    json_scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(field_names, inner, max_size=4),
    max_leaves=10,
)
events = json_values | st.fixed_dictionaries(
    {},
    optional={
        "type": st.sampled_from(["track", "identify", "page"]) | json_scalars,
        "event": json_scalars | st.just("Order Completed"),
        "name": json_scalars,
        "userId": json_scalars,
        "properties": nested,
        "traits": nested,
        "context": nested,
    },
)
fragment_text = st.lists(st.sampled_from(FRAGMENTS), max_size=14).map(" ".join) | st.lists(
    st.sampled_from(FRAGMENTS), max_size=14
).map("".join)
TRIGGERS = [
    'type = "track"',
    'type != "identify" and userId != null',
    "properties.price > 5 or traits.email = null",
    'contains(event, "Order") and !match(context.a.b, "*x")',
    "properties.items.0 = 1 or properties.a.length >= 2",
    '(type = "track" or type = "page") and (properties.flag = true or properties.flag = "x" or properties.price != 3)',
    'name = "Home" or traits.email.length < 3 or match(userId, "u*")',
    "properties.price = 1.5 and properties.price != -2",
]


@given(st.text(max_size=60) | fragment_text)
def test_any_text_parses_or_raises_fql_syntax_error(text: str) -> None:
    try:
        ast = parse_fql(text)
    except FQLSyntaxError as error:
        assert 0 <= error.position <= len(text) and f"column {error.column}" in str(error)
        return
    assert ast["type"] == "group" and ast["operator"] in ("and", "or")


@given(events, st.sampled_from(TRIGGERS))
def test_no_event_crashes_evaluation_and_compiled_equals_walk(event: Any, fql: str) -> None:
    trigger = compile_trigger(fql)
    verdict = trigger.matches(event)
    assert verdict is evaluate(trigger.ast, event)
    assert (trigger.explain(event) is None) is verdict


@given(fragment_text, events)
def test_parsed_fragments_evaluate_and_round_trip(text: str, event: Any) -> None:
    try:
        trigger = compile_trigger(text)
    except FQLSyntaxError:
        return
    assert trigger.matches(event) is evaluate(trigger.ast, event)
    assert parse_fql(render_fql(trigger.ast)) == trigger.ast


ast_leaves = st.fixed_dictionaries(
    {
        "type": st.sampled_from(
            ["event-type", "event", "name", "userId", "event-property", "event-trait", "event-context", "bogus"]
        ),
        "operator": st.sampled_from([*sorted(OPERATORS), "bogus"]),
    },
    optional={"name": st.text(max_size=8) | field_names, "value": json_scalars},
)
asts = st.recursive(
    ast_leaves,
    lambda inner: st.fixed_dictionaries(
        {
            "type": st.just("group"),
            "operator": st.sampled_from(["and", "or", "nand"]),
            "children": st.lists(inner, max_size=4),
        }
    ),
    max_leaves=8,
)


@given(asts, events)
def test_compiled_ast_agrees_with_walk(ast: dict[str, Any], event: Any) -> None:
    assert compile_trigger(ast).matches(event) is evaluate(ast, event)
