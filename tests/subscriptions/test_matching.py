"""Matching: Segment's comparison rules, operator by operator and value type by value type."""

from __future__ import annotations

from typing import Any

import pytest

from framework.subscriptions import compile_trigger, matches
from framework.subscriptions.evaluate import evaluate

TRACK = {
    "type": "track",
    "event": "Order Completed",
    "userId": "u1",
    "properties": {
        "price": 10,
        "sprice": "10",
        "flag": True,
        "name": "Nike Air",
        "nested": {"a": 1},
        "nul": None,
        "zero": 0,
        "empty": "",
        "items": [{"sku": "a"}, {"sku": "b"}],
        "big": 10**400,
        "ratio": 0.5,
    },
    "context": {"library": {"name": "analytics.js"}, "page": {"url": "https://x.com/a"}},
}
IDENTIFY = {"type": "identify", "userId": None, "traits": {"email": "A@segment.com", "logins": 3, "vip": False}}
PAGE = {"type": "page", "name": "Home", "properties": {}}

ROWS: list[tuple[str, dict[str, Any], bool]] = [
    # = and != compare strings exactly, case-sensitively
    ('type = "track"', TRACK, True),
    ('type = "Track"', TRACK, False),
    ('type = "track"', IDENTIFY, False),
    ('type != "track"', IDENTIFY, True),
    ('event = "order completed"', TRACK, False),
    ('properties.sprice = "10"', TRACK, True),
    ('properties.price = "10"', TRACK, False),
    ('properties.price != "10"', TRACK, True),
    ('properties.missing != "x"', TRACK, True),
    ('properties.empty = ""', TRACK, True),
    ("userId = u1", TRACK, True),
    # numbers: = and != on numbers, < > only on numbers
    ("properties.price = 10", TRACK, True),
    ("properties.price = 10.0", TRACK, True),
    ("properties.sprice = 10", TRACK, False),
    ("properties.price != 10", TRACK, False),
    ("properties.price != 11", TRACK, True),
    ("properties.missing != 10", TRACK, False),
    ("properties.price > 5", TRACK, True),
    ("properties.price >= 10", TRACK, True),
    ("properties.price < 10", TRACK, False),
    ("properties.price <= 10", TRACK, True),
    ("properties.sprice > 5", TRACK, False),
    ('properties.price > "5"', TRACK, True),
    ('properties.price > "abc"', TRACK, False),
    ("properties.price > true", TRACK, True),
    ("properties.ratio < 1", TRACK, True),
    ("properties.big > 5", TRACK, True),
    ("properties.flag > 0", TRACK, False),
    ("traits.logins >= 3", IDENTIFY, True),
    ("userId > 0", TRACK, False),
    # booleans
    ("properties.flag = true", TRACK, True),
    ('properties.flag = "true"', TRACK, False),
    ("properties.flag != true", TRACK, True),
    ("traits.vip = false", IDENTIFY, True),
    ("traits.vip = true", IDENTIFY, False),
    ("properties.zero = false", TRACK, False),
    # null: exists / not_exists
    ("properties.nul = null", TRACK, True),
    ("properties.missing = null", TRACK, True),
    ("properties.name = null", TRACK, False),
    ("properties.name != null", TRACK, True),
    ("properties.nul != null", TRACK, False),
    ("userId != null", IDENTIFY, False),
    ("userId = null", IDENTIFY, True),
    ("event != null", IDENTIFY, False),
    ("event = null", PAGE, True),
    ("name != null", PAGE, True),
    # functions only match strings
    ('contains(event, "Completed")', TRACK, True),
    ('contains(event, "completed")', TRACK, False),
    ('!contains(event, "Completed")', TRACK, False),
    ('!contains(event, "x")', IDENTIFY, False),
    ('contains(properties.price, "1")', TRACK, False),
    ('contains(properties.name, "Nike")', TRACK, True),
    ('match(event, "Order*")', TRACK, True),
    ('match(event, "*Completed")', TRACK, True),
    ('match(event, "*der Com*")', TRACK, True),
    ('match(event, "*")', TRACK, True),
    ('match(event, "*")', IDENTIFY, False),
    ('!match(traits.email, "*@segment.com")', IDENTIFY, False),
    ('!match(traits.email, "*@example.com")', IDENTIFY, True),
    ('contains(context.page.url, "x.com")', TRACK, True),
    # paths: nesting, arrays, length, Segment's falsy short-circuit
    ("properties.nested.a = 1", TRACK, True),
    ('properties.items.1.sku = "b"', TRACK, True),
    ("properties.items.length = 2", TRACK, True),
    ("properties.name.length = 8", TRACK, True),
    ("properties.items.2.sku = null", TRACK, True),
    ("properties.zero.anything = 0", TRACK, True),
    ('context.library.name = "analytics.js"', TRACK, True),
    ("traits.email.constructor != null", IDENTIFY, False),
    # groups and precedence
    ('type = "track" and properties.price > 5', TRACK, True),
    ('type = "track" and properties.price > 50', TRACK, False),
    ('type = "page" or properties.price > 5', TRACK, True),
    ('type = "page" and event = "x" or type = "track"', TRACK, True),
    ('type = "page" and (event = "x" or type = "track")', TRACK, False),
    ('(type = "track" and properties.price > 5) or (type = "identify" and traits.logins >= 3)', IDENTIFY, True),
    ('type = "track" and (userId = null or (properties.flag = true and properties.price = 10))', TRACK, True),
]


@pytest.mark.parametrize(("fql", "event", "expected"), ROWS)
def test_compiled_trigger(fql: str, event: dict[str, Any], expected: bool) -> None:
    assert compile_trigger(fql).matches(event) is expected


@pytest.mark.parametrize(("fql", "event", "expected"), ROWS)
def test_reference_walk_agrees(fql: str, event: dict[str, Any], expected: bool) -> None:
    assert evaluate(compile_trigger(fql).ast, event) is expected


@pytest.mark.parametrize(
    "event", [None, [], "track", 5, True, {"properties": None}, {"properties": "abc"}, {"traits": [1]}]
)
def test_non_object_events_have_no_fields(event: Any) -> None:
    assert matches('type = "track"', event) is False
    assert matches("properties.x = null", event) is True
    assert matches('type != "track"', event) is True


@pytest.mark.parametrize(
    ("ast", "expected"),
    [
        ({"type": "group", "operator": "and", "children": []}, True),
        ({"type": "group", "operator": "or", "children": []}, False),
        (
            {
                "type": "group",
                "operator": "xor",
                "children": [{"type": "event-type", "operator": "=", "value": "track"}],
            },
            False,
        ),
        ({"type": "group", "operator": "and", "children": [{"type": "anonymousId", "operator": "exists"}]}, False),
        (
            {
                "type": "group",
                "operator": "and",
                "children": [{"type": "event-type", "operator": "~", "value": "track"}],
            },
            False,
        ),
        ({"type": "group", "operator": "and", "children": [None]}, False),
        ({"error": "Cannot read properties of undefined"}, False),
        ({"type": "event-type", "operator": "=", "value": "track"}, True),
        ({"type": "group", "operator": "and", "children": [{"type": "event-property", "operator": "exists"}]}, False),
    ],
)
def test_asts_from_elsewhere(ast: dict[str, Any], expected: bool) -> None:
    assert matches(ast, TRACK) is expected
    assert evaluate(ast, TRACK) is expected


def test_text_triggers_compile_once() -> None:
    assert compile_trigger('type = "track"') is compile_trigger('type = "track"')


def test_matches_is_a_plain_callable_for_filtering_batches() -> None:
    trigger = compile_trigger('type = "track"')
    assert list(filter(trigger.matches, [TRACK, IDENTIFY, PAGE])) == [TRACK]
    assert repr(trigger) == "Trigger('type = \"track\"')"


def test_compile_rejects_other_types() -> None:
    with pytest.raises(TypeError):
        compile_trigger(5)  # type: ignore[arg-type]


def test_matches_with_an_ast_sees_the_ast_as_it_is_now() -> None:
    condition = {"type": "event-type", "operator": "=", "value": "track"}
    ast: dict[str, Any] = {"type": "group", "operator": "and", "children": [condition]}
    assert matches(ast, TRACK) is True and matches(dict(ast), TRACK) is True
    condition["value"] = "page"
    assert matches(ast, TRACK) is False and matches(ast, PAGE) is True


def test_values_and_names_never_reach_generated_source() -> None:
    hostile = "') or __import__('os').system('exit 1') or ('{value}{c}"
    trigger = compile_trigger(f'event = "{hostile}" or properties.\\{{c\\}}\\(\\) = "x"')
    assert trigger.matches({"event": hostile}) is True
    assert trigger.matches({"properties": {"{c}()": "x"}}) is True
    assert trigger.matches({"event": "other"}) is False


def _nested(depth: int) -> dict[str, Any]:
    ast: dict[str, Any] = {"type": "event-type", "operator": "=", "value": "track"}
    for _ in range(depth):
        ast = {"type": "group", "operator": "and", "children": [ast, {"type": "userId", "operator": "exists"}]}
    return ast


def test_asts_nest_up_to_the_limit_and_no_deeper() -> None:
    trigger = compile_trigger(_nested(64))
    assert trigger.matches(TRACK) is True and trigger.matches(IDENTIFY) is False
    for deep in (_nested(66), _nested(100_000)):
        with pytest.raises(ValueError, match="nest more than 64 deep"):
            compile_trigger(deep)
        with pytest.raises(ValueError, match="nest more than 64 deep"):
            matches(deep, TRACK)


def test_matches_accepts_many_and_non_json_asts() -> None:
    for index in range(300):
        ast = {
            "type": "group",
            "operator": "or",
            "children": [{"type": "event-property", "name": "price", "operator": "number_equals", "value": index}],
        }
        assert matches(ast, TRACK) is (index == 10)
    nan_ast = {
        "type": "group",
        "operator": "and",
        "children": [
            {"type": "event-property", "name": "price", "operator": "number_not_equals", "value": float("nan")}
        ],
    }
    assert matches(nan_ast, TRACK) is True
