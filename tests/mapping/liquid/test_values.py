"""Liquid's value rules (liquidjs): truthiness, printing, property reads, comparisons."""

from __future__ import annotations

from typing import Any

import pytest

from framework.jsvalues import UNDEFINED
from framework.mapping.liquid.values import BLANK, EMPTY, NIL, compare, is_truthy, read_property, stringify, to_number


@pytest.mark.parametrize(
    ("value", "truthy"),
    [(0, True), ("", True), ([], True), (False, False), (None, False), (UNDEFINED, False), (NIL, False)],
)
def test_only_false_and_nil_are_falsy(value: Any, truthy: bool) -> None:
    assert is_truthy(value) is truthy


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (None, ""),
        (["a", None, 3, ["b"]], "a3b"),
        ({"a": 1}, "[object Object]"),
        (5.0, "5"),
        (True, "true"),
        (EMPTY, ""),
    ],
)
def test_printing(value: Any, text: str) -> None:
    assert stringify(value) == text


@pytest.mark.parametrize(
    ("obj", "key", "expected"),
    [
        ([1, 2, 3], "size", 3), ([1, 2, 3], "first", 1), ([1, 2, 3], "last", 3), ([1, 2, 3], -1, 3),
        ("héllo", "size", 5), ({"size": "own"}, "size", "own"), ({"a": 1}, "size", 1), (None, "x", None),
        ({"items": 1}, "items", 1), ("abc", "upper", UNDEFINED),
    ],
)  # fmt: skip
def test_read_property(obj: Any, key: Any, expected: Any) -> None:
    assert read_property(obj, key) == expected


@pytest.mark.parametrize(
    ("operator", "left", "right", "result"),
    [
        ("==", 1, 1.0, True), ("==", True, 1, False), ("==", [1, 2], [1, 2], True), ("==", "", EMPTY, True),
        ("==", "  ", BLANK, True), ("==", None, NIL, True), ("<", "a", ["a", "b"], True), (">=", [1, 2], "", True),
        (">=", None, NIL, False), ("<", None, 1, True), ("contains", "abc", "b", True), ("contains", ["a"], "a", True),
        ("contains", "", BLANK, True), ("<>", 1, 2, True), (">", "b", "a", True), ("<", "10", 9, False),
    ],
)  # fmt: skip
def test_comparisons(operator: str, left: Any, right: Any, result: bool) -> None:
    assert compare(operator, left, right) is result


@pytest.mark.parametrize(
    ("value", "number"), [("5", 5), ("abc", 0), ("", 0), (None, 0), (True, 1), ("0x10", 16), (" 2.5 ", 2.5), ([7], 7)]
)
def test_to_number_is_liquidjs_tonumber(value: Any, number: float) -> None:
    assert to_number(value) == number
