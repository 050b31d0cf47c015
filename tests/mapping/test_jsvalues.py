"""The JavaScript value rules the kit reproduces (spec section 9)."""

from __future__ import annotations

import math
from typing import Any

import pytest

from framework.jsvalues import (
    UNDEFINED,
    is_truthy,
    js_keys,
    js_string,
    json_parse,
    json_stringify,
    number_to_string,
    remove_undefined,
    strip_undefined_members,
)


@pytest.mark.parametrize(
    ("number", "text"),
    [(5.0, "5"), (1e21, "1e+21"), (1e-7, "1e-7"), (-0.0, "0"), (0.1, "0.1"), (123456789.123, "123456789.123"),
     (1e16, "10000000000000000"), (1.5e-6, "0.0000015"), (2**53, "9007199254740992"), (-12, "-12"),
     (math.inf, "Infinity"), (math.nan, "NaN"), (1.2345e25, "1.2345e+25")],
)  # fmt: skip
def test_number_to_string_matches_js(number: float, text: str) -> None:
    assert number_to_string(number) == text


@pytest.mark.parametrize(
    ("value", "text"),
    [
        ([1, [2, 3], None, "x", {"a": 1}], "1,2,3,,x,[object Object]"),
        ([], ""),
        (True, "true"),
        ({}, "[object Object]"),
        (None, "null"),
    ],
)
def test_js_string(value: Any, text: str) -> None:
    assert js_string(value) == text


@pytest.mark.parametrize(
    ("value", "truthy"),
    [
        ([], True),
        ({}, True),
        ("", False),
        (0, False),
        (0.0, False),
        (math.nan, False),
        (UNDEFINED, False),
        ("0", True),
        (False, False),
    ],
)
def test_js_truthiness(value: Any, truthy: bool) -> None:
    assert is_truthy(value) is truthy


def test_json_stringify_is_compact_js_ordered_and_drops_undefined() -> None:
    value = {"b": 1, "1": 2, "a": UNDEFINED, "l": [UNDEFINED, 1.0, "é"], "0": None}
    assert json_stringify(value) == '{"0":null,"1":2,"b":1,"l":[null,1,"é"]}'
    assert json_stringify(UNDEFINED) is UNDEFINED


def test_js_keys_puts_array_indexes_first() -> None:
    assert js_keys({"b": 1, "10": 1, "2": 1, "01": 1}) == ["2", "10", "b", "01"]


@pytest.mark.parametrize("text", ["NaN", "Infinity", "{'a': 1}", "", "[1,]"])
def test_json_parse_rejects_what_js_rejects(text: str) -> None:
    with pytest.raises(ValueError):
        json_parse(text)


def test_json_parse_loses_precision_beyond_2_53_like_js() -> None:
    assert json_parse("12345678901234567890") == 12345678901234567000.0


def test_json_parse_turns_an_integer_past_the_double_range_into_an_infinity_like_js() -> None:
    assert json_parse("1" + "0" * 400) == math.inf
    assert json_parse("-1" + "0" * 400) == -math.inf


def test_remove_undefined_drops_members_and_nulls_slots() -> None:
    assert remove_undefined({"x": UNDEFINED, "y": {"z": UNDEFINED}, "l": [UNDEFINED, {"k": UNDEFINED}]}) == {
        "y": {},
        "l": [None, {}],
    }
    assert strip_undefined_members({"x": UNDEFINED, "l": [UNDEFINED]}) == {"l": [UNDEFINED]}
