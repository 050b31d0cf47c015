"""The JavaScript semantics behind the comparison rules: String(), Number(), truthiness, get()."""

from __future__ import annotations

import math
from typing import Any

import pytest

from framework.jsvalues import UNDEFINED, is_truthy, js_string
from framework.subscriptions.operands import get_path, js_number, split_path


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (1.0, "1"),
        (1.5, "1.5"),
        (-0.0, "0"),
        (1e21, "1e+21"),
        (1e20, "100000000000000000000"),
        (1e-7, "1e-7"),
        (0.000001, "0.000001"),
        (123456789012345678901234567890, "1.2345678901234568e+29"),
        (math.nan, "NaN"),
        (math.inf, "Infinity"),
        (-math.inf, "-Infinity"),
        (True, "true"),
        (None, "null"),
        ("x", "x"),
        (UNDEFINED, "undefined"),
        ([1, None, "a"], "1,,a"),
        ({"a": 1}, "[object Object]"),
        (10**400, "Infinity"),
        (5e-324, "5e-324"),
    ],
)
def test_js_string(value: Any, text: str) -> None:
    assert js_string(value) == text


@pytest.mark.parametrize(
    ("value", "number"),
    [
        ("5", 5.0),
        (" 5 ", 5.0),
        ("", 0.0),
        ("0x10", 16.0),
        ("0b11", 3.0),
        ("1e3", 1000.0),
        (".5", 0.5),
        ("5.", 5.0),
        ("-Infinity", -math.inf),
        (True, 1.0),
        (False, 0.0),
        (None, 0.0),
        (7, 7.0),
    ],
)
def test_js_number(value: Any, number: float) -> None:
    assert js_number(value) == number


@pytest.mark.parametrize("value", ["abc", "inf", "nan", "1_000", "-0x10", "null", "1e", UNDEFINED, [1], {}])
def test_js_number_nan(value: Any) -> None:
    assert math.isnan(js_number(value))


@pytest.mark.parametrize(
    ("value", "truthy"),
    [
        (0, False),
        ("", False),
        (math.nan, False),
        (None, False),
        (UNDEFINED, False),
        (False, False),
        ([], True),
        ({}, True),
        ("0", True),
        (-1, True),
    ],
)
def test_is_truthy(value: Any, truthy: bool) -> None:
    assert is_truthy(value) is truthy


@pytest.mark.parametrize(
    ("root", "path", "value"),
    [
        ({"a": {"b": 1}}, "a.b", 1),
        ({"a": 0}, "a.b.c", 0),
        ({"a": ""}, "a.b", ""),
        ({"a": None}, "a.b", None),
        ({"a": [5, 6]}, "a[1]", 6),
        ({"a": [5, 6]}, "a.length", 2),
        ({"a": "héllo😀"}, "a.length", 7),
        ({"a": [5]}, "a.01", UNDEFINED),
        ({"a": "é😀"}, "a.1", "\ud83d"),
        ({"a": "é😀"}, "a.3", UNDEFINED),
        ({"a": {}}, "a.constructor", UNDEFINED),
        (UNDEFINED, "a", UNDEFINED),
        ({"a": 1}, "", UNDEFINED),
        ({"a": True}, "a.b", UNDEFINED),
    ],
)
def test_get_path(root: Any, path: str, value: Any) -> None:
    assert get_path(root, split_path(path)) == value or get_path(root, split_path(path)) is value


@pytest.mark.parametrize(
    ("text", "number"),
    [("0x" + "f" * 300, math.inf), ("١٢", math.nan), (" 12 ", 12.0), ("0b101", 5.0), ("", 0.0)],
    ids=["huge hex is Infinity", "non-ASCII digits are NaN", "trimmed", "binary literal", "empty is 0"],
)
def test_strings_become_numbers_as_javascripts_number_does(text: str, number: float) -> None:
    result = js_number(text)
    assert (math.isnan(result) and math.isnan(number)) or result == number
