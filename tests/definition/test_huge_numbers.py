"""Integers beyond a float's range are numbers to the validator, not an OverflowError (found by fuzzing)."""

from __future__ import annotations

import pytest

from framework.definition import InputField, compile_payload_validator
from framework.errors import PayloadValidationError

FIELDS = {
    "flag": InputField(label="Flag", type="boolean"),
    "count": InputField(label="Count", type="integer"),
    "amount": InputField(label="Amount", type="number"),
}


def test_a_huge_integer_is_a_number_and_an_integer() -> None:
    huge = 10**400
    assert compile_payload_validator(FIELDS, "t")({"count": huge, "amount": huge}) == {"count": huge, "amount": huge}


def test_a_huge_integer_is_not_a_boolean() -> None:
    with pytest.raises(PayloadValidationError):
        compile_payload_validator(FIELDS, "t")({"flag": 10**400})


def test_number_coercion_reads_strings_as_javascripts_plus_does() -> None:
    from framework.definition.coercion import js_number

    assert js_number(" 12 ") == 12 and js_number("") == 0 and js_number("0x10") == 16
    assert js_number("١٢") is None  # non-ASCII digits are NaN in JavaScript
    assert js_number("Infinity") is None and js_number("1e400") is None
    assert js_number("0x" + "f" * 20) == float(int("f" * 20, 16))  # a double, as in JavaScript
