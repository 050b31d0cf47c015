"""Segment's path syntax (the probe table of the spec, section 1.5) and the jsonpath extension."""

from __future__ import annotations

from typing import Any

import pytest

from framework.jsvalues import UNDEFINED
from framework.mapping.paths import compile_jsonpath, get, is_jsonpath, split_path

P: dict[str, Any] = {
    "a": {"b": 1, "c.d": 2, "sp ace": 3, "arr": [{"x": 1}, {"x": 2}], "zero": 0, "empty": "", "f": False, "s": "str"},
    "top key": "tk",
    "$": "dollar",
    "n": None,
}


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("$.a.b", 1), ("a.b", 1), ("$.a.arr[0].x", 1), ("a.arr.1.x", 2), ('a.arr[1]["x"]', 2),
        ("$.a.zero.foo", 0), ("$.a.s.length", 3), ("$.n.x", None), ('a["c.d"]', UNDEFINED),
        ("a.sp ace", 3), ("$.top key", "tk"), ("$", "dollar"), ("$.a.arr[5].x", UNDEFINED),
        ("a..b", 1), ("a.b.", 1), ("a.$.b", 1), ("$.a.empty.length", ""), ("$.a.f.x", False),
        ("$.a.arr.length", 2), ("$.a.s.1", "t"), ("$.a.arr[01]", UNDEFINED), ("$.a.arr[-1]", UNDEFINED),
        ("a[b]", UNDEFINED), ("$.a.b.c", UNDEFINED), ("$.missing", UNDEFINED),
    ],
)  # fmt: skip
def test_segment_path_probe_table(path: str, expected: Any) -> None:
    result = get(P, path)
    assert result is expected if expected in (UNDEFINED, None, False) else result == expected


@pytest.mark.parametrize("path", ["$.", "", "."])
def test_whole_payload_paths(path: str) -> None:
    assert get(P, path) is P


def test_dollar_dot_is_removed_once_anywhere() -> None:
    assert get({"$": {"a": 5}}, "$.$.a") == 5


def test_strings_are_indexed_by_utf16_code_units() -> None:
    assert get({"s": "😀x"}, "s.length") == 3
    assert get({"s": "😀x"}, "s.2") == "x"


def test_split_drops_quotes_and_empty_segments() -> None:
    assert split_path("a[\"b\"]['c'][0]..d") == ("a", "b", "c", "0", "d")


@pytest.mark.parametrize(
    ("path", "is_extension"),
    [
        ("$.a[*].x", True),
        ("$..x", True),
        ("$.a[?(@.x > 1)]", True),
        ("$.a[0:2]", True),
        ("$.a.b", False),
        ("a..b", False),
    ],
)
def test_jsonpath_extension_is_recognised(path: str, is_extension: bool) -> None:
    assert is_jsonpath(path) is is_extension


def test_jsonpath_wildcard_and_filter_and_descent() -> None:
    event = {"items": [{"sku": "a", "price": 5}, {"sku": "b", "price": 20}], "deep": {"x": {"sku": "c"}}}
    assert compile_jsonpath("$.items[*].sku")(event) == ["a", "b"]
    assert compile_jsonpath("$.items[?(@.price > 10)].sku")(event) == ["b"]
    assert compile_jsonpath("$..sku")(event) == ["a", "b", "c"]
    assert compile_jsonpath("$.items[*].missing")(event) is UNDEFINED


def test_jsonpath_that_does_not_parse_raises_value_error() -> None:
    with pytest.raises(ValueError, match="JSONPath"):
        compile_jsonpath("$.a[?(")
