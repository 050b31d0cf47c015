"""JavaScript value rules shared by the mapping kit and FQL: numbers print and compare as in Segment."""

import math

import pytest

from framework.jsvalues import js_string, json_type_phrase, number_to_string, string_to_number, to_js_float
from framework.mapping import transform
from framework.subscriptions import matches


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (5, "5"),
        (5.0, "5"),
        (0.1, "0.1"),
        (1e21, "1e+21"),
        (1e-7, "1e-7"),
        (2**53, "9007199254740992"),
        (10**400, "Infinity"),
        (-(10**400), "-Infinity"),
    ],
)
def test_numbers_print_as_javascript_prints_them(value: int | float, text: str) -> None:
    assert number_to_string(value) == text
    assert js_string(value) == text


def test_an_integer_past_the_double_range_becomes_an_infinity_like_json_parse() -> None:
    assert to_js_float(10**400) == math.inf
    assert to_js_float(-(10**400)) == -math.inf
    assert to_js_float(7) == 7.0


def test_a_huge_integer_in_an_event_neither_crashes_a_template_nor_a_trigger() -> None:
    event = {"properties": {"n": 10**400}}
    assert transform({"a": {"@template": "{{properties.n}}"}}, event) == {"a": "Infinity"}
    assert matches("properties.n > 5", event) is True


@pytest.mark.parametrize(
    ("text", "number"),
    [
        (" 12 ", 12.0),
        ("\ufeff7", 7.0),
        ("", 0.0),
        (".5", 0.5),
        ("0x1F", 31.0),
        ("0b101", 5.0),
        ("-Infinity", -math.inf),
        ("0x" + "f" * 300, math.inf),
    ],
)
def test_string_to_number_reads_what_javascript_number_reads(text: str, number: float) -> None:
    assert string_to_number(text) == number


@pytest.mark.parametrize("text", ["\x1c7", "1_000", "nan", "infinity", "++Infinity", "-0x10", "\u0661\u0662", "abc"])
def test_string_to_number_is_nan_where_javascript_number_is(text: str) -> None:
    assert math.isnan(string_to_number(text))


def test_liquid_math_filters_read_strings_as_javascript_number_does() -> None:
    mapping = {"a": {"@liquid": "{{ t | plus: 1 }}"}}
    assert transform(mapping, {"t": "\u0661\u0662"}) == {"a": "1"}
    assert transform(mapping, {"t": " 0x10 "}) == {"a": "17"}


@pytest.mark.parametrize(
    ("value", "phrase"),
    [
        (None, "null"),
        (True, "a boolean"),
        (3, "a number"),
        (2.5, "a number"),
        ("s", "a string"),
        ([1], "an array"),
        ((1,), "an array"),
        ({}, "an object"),
    ],
)
def test_one_wording_for_a_values_json_type(value: object, phrase: str) -> None:
    assert json_type_phrase(value) == phrase


def test_a_value_json_cannot_hold_is_named_by_its_type_unless_told_otherwise() -> None:
    import datetime

    assert json_type_phrase(datetime.date(2026, 1, 1)) == "a date"
    assert json_type_phrase(datetime.date(2026, 1, 1), unknown="undefined") == "undefined"
