"""The parser: Segment's AST shape, proper precedence, nested parentheses, and errors with columns."""

from __future__ import annotations

from typing import Any

import pytest

from framework.subscriptions import FQLSyntaxError, parse_fql


def root(*children: dict[str, Any], operator: str = "and") -> dict[str, Any]:
    return {"type": "group", "operator": operator, "children": list(children)}


TYPE_TRACK = {"type": "event-type", "operator": "=", "value": "track"}
TYPE_PAGE = {"type": "event-type", "operator": "=", "value": "page"}
EVENT_X = {"type": "event", "operator": "=", "value": "X"}


@pytest.mark.parametrize(
    ("text", "node"),
    [
        ('type = "track"', TYPE_TRACK),
        ("type = track", TYPE_TRACK),
        ("type = 5", {"type": "event-type", "operator": "=", "value": "5"}),
        ("type = true", {"type": "event-type", "operator": "=", "value": "true"}),
        ("type = null", {"type": "event-type", "operator": "not_exists"}),
        ("event != null", {"type": "event", "operator": "exists"}),
        ('name != "Home"', {"type": "name", "operator": "!=", "value": "Home"}),
        ("name = null", {"type": "name", "operator": "not_exists"}),
        ("name = true", {"type": "name", "operator": "=", "value": "true"}),
        ("userId = true", {"type": "userId", "operator": "is_true"}),
        ("userId = false", {"type": "userId", "operator": "is_false"}),
        ("userId != null", {"type": "userId", "operator": "exists"}),
        ("userId = 1.50", {"type": "userId", "operator": "=", "value": "1.5"}),
        (
            "properties.price = 10",
            {"type": "event-property", "name": "price", "operator": "number_equals", "value": 10},
        ),
        (
            "properties.price != -3",
            {"type": "event-property", "name": "price", "operator": "number_not_equals", "value": -3},
        ),
        (
            "properties.price = 1.5",
            {"type": "event-property", "name": "price", "operator": "number_equals", "value": 1.5},
        ),
        ('properties.price = "10"', {"type": "event-property", "name": "price", "operator": "=", "value": "10"}),
        ("properties.price > 5", {"type": "event-property", "name": "price", "operator": ">", "value": 5}),
        ('properties.price <= "5"', {"type": "event-property", "name": "price", "operator": "<=", "value": "5"}),
        ("properties.flag = true", {"type": "event-property", "name": "flag", "operator": "is_true"}),
        ("properties.flag != true", {"type": "event-property", "name": "flag", "operator": "!=", "value": True}),
        ("properties.nested.a = null", {"type": "event-property", "name": "nested.a", "operator": "not_exists"}),
        ("traits.vip = false", {"type": "event-trait", "name": "vip", "operator": "is_false"}),
        ("traits.email != null", {"type": "event-trait", "name": "email", "operator": "exists"}),
        (
            'context.library.name = "analytics.js"',
            {"type": "event-context", "name": "library.name", "operator": "=", "value": "analytics.js"},
        ),
        ('contains(event, "Completed")', {"type": "event", "operator": "contains", "value": "Completed"}),
        ("contains(userId, 5)", {"type": "userId", "operator": "contains", "value": "5"}),
        (
            '!contains(properties.name, "Nike")',
            {"type": "event-property", "name": "name", "operator": "not_contains", "value": "Nike"},
        ),
        ('match(event, "Order*")', {"type": "event", "operator": "starts_with", "value": "Order"}),
        ('match(event, "*Added")', {"type": "event", "operator": "ends_with", "value": "Added"}),
        ('match(event, "*der*")', {"type": "event", "operator": "contains", "value": "der"}),
        ('match(event, "*")', {"type": "event", "operator": "starts_with", "value": ""}),
        (
            '!match(traits.email, "*@segment.com")',
            {"type": "event-trait", "name": "email", "operator": "not_ends_with", "value": "@segment.com"},
        ),
        ('!match(name, "Ho*")', {"type": "name", "operator": "not_starts_with", "value": "Ho"}),
        (
            "properties.items.0.sku = x",
            {"type": "event-property", "name": "items.0.sku", "operator": "=", "value": "x"},
        ),
        ('(type = "track")', TYPE_TRACK),
        ('((type = "track"))', TYPE_TRACK),
    ],
)
def test_single_conditions(text: str, node: dict[str, Any]) -> None:
    assert parse_fql(text) == root(node)


@pytest.mark.parametrize(
    ("text", "ast"),
    [
        ('type = "track" and event = "X"', root(TYPE_TRACK, EVENT_X)),
        ('type = "track" or type = "page" or event = "X"', root(TYPE_TRACK, TYPE_PAGE, EVENT_X, operator="or")),
        ('type = "track" and event = "X" or type = "page"', root(root(TYPE_TRACK, EVENT_X), TYPE_PAGE, operator="or")),
        ('type = "page" or type = "track" and event = "X"', root(TYPE_PAGE, root(TYPE_TRACK, EVENT_X), operator="or")),
        (
            '(type = "page" or type = "track") and event = "X"',
            root(root(TYPE_PAGE, TYPE_TRACK, operator="or"), EVENT_X),
        ),
        ('(type = "track" and event = "X") and type = "page"', root(root(TYPE_TRACK, EVENT_X), TYPE_PAGE)),
        (
            'type = "track" and (event = "X" or (type = "page" and event = "X"))',
            root(TYPE_TRACK, root(EVENT_X, root(TYPE_PAGE, EVENT_X), operator="or")),
        ),
        (
            '(contains(event, "a") or type = "page") and type = "track"',
            root(root({"type": "event", "operator": "contains", "value": "a"}, TYPE_PAGE, operator="or"), TYPE_TRACK),
        ),
    ],
)
def test_precedence_and_grouping(text: str, ast: dict[str, Any]) -> None:
    assert parse_fql(text) == ast


@pytest.mark.parametrize(
    ("text", "column", "fragment"),
    [
        ("", 1, "the trigger is empty"),
        ("   ", 4, "the trigger is empty"),
        ("type", 5, "expected an operator"),
        ("type =", 7, "expected a value after '='"),
        ('type = "track" and', 19, "expected a condition after 'and'"),
        ('type = "track" or', 18, "expected a condition after 'or'"),
        ('anonymousId = "x"', 1, "unsupported field 'anonymousId'"),
        ('type = "track" and messageId = "m"', 20, "unsupported field 'messageId'"),
        ("typo", 1, "unsupported field 'typo'"),
        ('type.name = "x"', 1, "'type' has no sub-fields"),
        ('traits = "x"', 1, "'traits' needs a sub-field"),
        ('!(type = "track")', 1, "'!' negates only contains(...) or match(...)"),
        ('!type = "track"', 1, "'!' negates only"),
        ('contains(type, "tr")', 10, "do not take type"),
        ('contains(event "x")', 16, "expected ',' after the first argument of contains()"),
        ('contains(event, "x"', 20, "expected ')' to close contains("),
        ('match(event, "Order")', 14, "match() patterns have one *"),
        ('match(event, "Or*der")', 14, "match() patterns"),
        ('match(event, "**")', 14, "match() patterns"),
        ("match(event, Order)", 14, "match() takes a quoted pattern"),
        ('type = "a" and (event = "b"', 28, "expected ')' to close the '(' at column 16"),
        ('type = "a")', 11, "this ')' has no matching '('"),
        ('type = "a" AND event = "b"', 12, "conditionals are lower case: write 'and'"),
        ('type = "a" OR event = "b"', 12, "write 'or'"),
        ('type = "a" event = "b"', 12, "expected 'and', 'or' or the end of the trigger"),
        ('type = "a" and ()', 17, "expected a field"),
        ("type = =", 8, "expected a value after '='"),
        ("type = (", 8, "expected a value"),
        ('type "track"', 6, "expected an operator"),
        ("= 5", 1, "expected a field"),
    ],
)
def test_errors_name_the_column_and_what_was_expected(text: str, column: int, fragment: str) -> None:
    with pytest.raises(FQLSyntaxError) as caught:
        parse_fql(text)
    assert (caught.value.column, caught.value.position) == (column, column - 1)
    assert fragment in str(caught.value)
    assert str(caught.value).startswith(f"FQL syntax error at column {column}:")


def test_syntax_error_is_a_value_error_carrying_the_text() -> None:
    with pytest.raises(ValueError) as caught:
        parse_fql("typo")
    assert isinstance(caught.value, FQLSyntaxError) and caught.value.text == "typo"


def test_callers_get_their_own_copy_of_a_cached_ast() -> None:
    first = parse_fql('type = "track" and event = "X"')
    first["children"].append("mutated")
    first["children"][0]["value"] = "mutated"
    assert parse_fql('type = "track" and event = "X"') == root(TYPE_TRACK, EVENT_X)


def test_non_string_trigger_is_a_type_error() -> None:
    with pytest.raises(TypeError):
        parse_fql(None)  # type: ignore[arg-type]


def test_deep_nesting_is_an_error_not_a_crash() -> None:
    assert parse_fql("(" * 64 + 'type = "track"' + ")" * 64) == root(TYPE_TRACK)
    with pytest.raises(FQLSyntaxError, match="nested more than 64 deep") as caught:
        parse_fql("(" * 65 + 'type = "track"' + ")" * 65)
    assert caught.value.column == 65


def test_long_flat_triggers_compile() -> None:
    text = " or ".join(f"properties.n{index} = {index}" for index in range(2000))
    assert len(parse_fql(text)["children"]) == 2000
