"""The message building blocks, as ajv-human-errors words them."""

from __future__ import annotations

from typing import Any

import pytest

from framework.definition import messages


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (None, "null"),
        (True, "a boolean"),
        (1, "a number"),
        (1.5, "a number"),
        ("s", "a string"),
        ([], "an array"),
        ({}, "an object"),
        (object(), "undefined"),
    ],
)
def test_humanize_value_type(value: Any, text: str) -> None:
    assert messages.humanize_value_type(value) == text


@pytest.mark.parametrize(
    ("types", "value", "text"),
    [
        (["string"], {}, "must be a string but it was an object"),
        (["integer"], 1.5, "must be an integer but it was a number"),
        (["object"], "x", "must be an object but it was a string"),
        (["array"], {}, "must be an array but it was an object"),
        (["string", "null"], {}, "must be a string or null but it was an object"),
        (["string", "number", "null"], [], "must be a string, number, or null but it was an array"),
    ],
)
def test_type_text(types: list[str], value: Any, text: str) -> None:
    assert messages.type_text(types, value) == text


@pytest.mark.parametrize(
    ("values", "text"),
    [
        (["a"], 'must be one of: "a"'),
        (["a", "b"], 'must be one of: "a" or "b"'),
        (["a", "b", "c"], 'must be one of: "a", "b", or "c"'),
        ([1, None, True], "must be one of: 1, null, or true"),
    ],
)
def test_enum_text(values: list[Any], text: str) -> None:
    assert messages.enum_text(values) == text


@pytest.mark.parametrize(
    ("fmt", "text"),
    [
        ("date-time", "date and time"),
        ("email", "email address"),
        ("ipv4", "IPv4 address"),
        ("ipv6", "IPv6 address"),
        ("uri", "URI"),
        ("uri-reference", "URI Reference"),
        ("uri-template", "URI-template"),
        ("regex", "regular expression"),
        ("uuid", "uuid"),
        ("date-like", "date-like"),
        ("date", "date"),
        ("time", "time"),
        ("hostname", "hostname"),
    ],
)
def test_format_text(fmt: str, text: str) -> None:
    assert messages.format_text(fmt) == f"must be a valid {text} string but it was not"


@pytest.mark.parametrize(
    ("title", "pointer", "text", "message"),
    [
        (
            "Email Address",
            "/email",
            "is missing the required field 'email'",
            "Email Address is missing the required field 'email'.",
        ),
        (None, "", "is missing the required field 'req'", "The root value is missing the required field 'req'."),
        (
            None,
            "/m/0",
            "must be a string but it was an object",
            "The value at /m/0 must be a string but it was an object.",
        ),
        ("email", "/email", "must be x", "Email must be x."),
    ],
)
def test_compose(title: str | None, pointer: str, text: str, message: str) -> None:
    assert messages.compose(title, pointer, text) == message


@pytest.mark.parametrize(
    ("limit", "actual", "at_least", "text"),
    [
        (2, 1, True, "must be 2 characters or more but it was 1 character"),
        (1, 3, False, "must be 1 character or fewer but it was 3 characters"),
        (10.0, 12, False, "must be 10 characters or fewer but it was 12 characters"),
    ],
)
def test_length_text(limit: float, actual: int, at_least: bool, text: str) -> None:
    assert messages.length_text(limit, actual, at_least=at_least) == text


def test_bound_text_prints_numbers_as_javascript_does() -> None:
    assert messages.bound_text(10.0, at_least=False) == "must be equal to or less than 10"
    assert messages.bound_text(0.5, at_least=True) == "must be equal to or greater than 0.5"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (messages.bound_text(0.00001, at_least=True), "must be equal to or greater than 0.00001"),
        (messages.bound_text(10.0, at_least=False), "must be equal to or less than 10"),
        (messages.enum_text([1.0, 2.5, None]), "must be one of: 1, 2.5, or null"),
    ],
)
def test_numbers_in_messages_print_as_javascript_does(text: str, expected: str) -> None:
    assert text == expected
