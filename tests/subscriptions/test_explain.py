"""Trigger.explain: None on a match, else the failing condition and the event's actual value."""

from __future__ import annotations

from typing import Any

import pytest

from framework.subscriptions import compile_trigger


@pytest.mark.parametrize(
    ("fql", "event", "sentence"),
    [
        ('type = "identify"', {"type": "track"}, 'type = "identify" is false: type is "track"'),
        ('type = "identify"', {}, 'type = "identify" is false: type is missing'),
        (
            "properties.price > 5",
            {"properties": {"price": "10"}},
            'properties.price > 5 is false: properties.price is "10" (this comparison needs a number)',
        ),
        (
            "properties.price = 10",
            {"properties": {"price": 9}},
            "properties.price = 10 is false: properties.price is 9",
        ),
        (
            'properties.price = "10"',
            {"properties": {"price": 10}},
            'properties.price = "10" is false: properties.price is 10 (this comparison needs a string)',
        ),
        (
            'type = "track" and properties.flag = true',
            {"type": "track", "properties": {"flag": False}},
            "properties.flag = true is false: properties.flag is false",
        ),
        (
            'type = "track" or type = "page"',
            {"type": "identify"},
            'none of the 2 alternatives matched (type = "track" is false: type is "identify"; '
            'type = "page" is false: type is "identify")',
        ),
        (
            '!match(traits.email, "*@segment.com")',
            {"traits": {"email": "a@segment.com"}},
            '!match(traits.email, "*@segment.com") is false: traits.email is "a@segment.com"',
        ),
        (
            'contains(context.page.url, "x")',
            {"context": {"page": None}},
            'contains(context.page.url, "x") is false: context.page.url is null',
        ),
        ("userId != null", {"userId": None}, "userId != null is false: userId is null"),
        ("traits.my\\ key = 1", {}, "traits.my\\ key = 1 is false: traits.my\\ key is missing"),
    ],
)
def test_explain_names_the_failing_condition(fql: str, event: dict[str, Any], sentence: str) -> None:
    assert compile_trigger(fql).explain(event) == sentence


def test_explain_is_none_on_a_match() -> None:
    assert (
        compile_trigger('type = "track" and (event = "A" or event = "B")').explain({"type": "track", "event": "B"})
        is None
    )


def test_explain_long_values_are_shortened() -> None:
    sentence = compile_trigger('event = "x"').explain({"event": "y" * 500})
    assert sentence is not None and sentence.endswith("yyy...") and len(sentence) < 140


def test_explain_asts_that_never_match() -> None:
    assert "did not parse" in str(compile_trigger({"error": "boom"}).explain({}))
    assert "never matches" in str(compile_trigger({"type": "group", "operator": "xor", "children": []}).explain({}))
    assert "never matches" in str(compile_trigger({"type": "group", "operator": "or", "children": []}).explain({}))
