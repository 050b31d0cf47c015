"""Segment's human validation messages (ajv-human-errors with ``fieldLabels: "title"``), exactly.

Every message is ``<Preamble> <text>.`` where the preamble is the failing field's label, else
``the root value`` (top level) or ``the value at <JSON pointer>``, capitalised. A failed payload's
message is all messages joined with single spaces::

    The root value is missing the required field 'req'. Num must be a number but it was a string.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from framework.jsvalues import js_string, json_stringify, json_type_phrase

__all__ = [
    "humanize_value_type",
    "humanize_list",
    "preamble",
    "compose",
    "required_text",
    "type_text",
    "enum_text",
    "format_text",
    "length_text",
    "bound_text",
    "FORMAT_LABELS",
]

FORMAT_LABELS: dict[str, str] = {
    "date-time": "date and time",
    "email": "email address",
    "ipv4": "IPv4 address",
    "ipv6": "IPv6 address",
    "uri": "URI",
    "uri-reference": "URI Reference",
    "uri-template": "URI-template",
    "regex": "regular expression",
}


def humanize_value_type(value: Any) -> str:
    """ajv-human-errors' words for a value's type; anything JSON cannot hold reads ``undefined``."""
    return json_type_phrase(value, unknown="undefined")


def humanize_list(items: Sequence[str], conjunction: str = "or") -> str:
    """``a``, ``a or b``, ``a, b, or c`` (Oxford comma, as ajv-human-errors writes it)."""
    if len(items) <= 1:
        return "".join(items)
    if len(items) == 2:
        return f"{items[0]} {conjunction} {items[1]}"
    return f"{', '.join(items[:-1])}, {conjunction} {items[-1]}"


def preamble(title: str | None, pointer: str) -> str:
    """Who the message is about: the label, the root value, or the value at a JSON pointer."""
    if title:
        return title
    if pointer == "":
        return "the root value"
    return f"the value at {pointer}"


def compose(title: str | None, pointer: str, text: str) -> str:
    """One full message: capitalised preamble, text, final period."""
    sentence = f"{preamble(title, pointer)} {text}."
    return sentence[:1].upper() + sentence[1:]


def required_text(name: str) -> str:
    return f"is missing the required field '{name}'"


def type_text(types: Sequence[str], value: Any) -> str:
    """``must be a string or null but it was an object``."""
    article = "an" if types and types[0][:1] in "aeiou" else "a"
    return f"must be {article} {humanize_list(list(types))} but it was {humanize_value_type(value)}"


def enum_text(values: Sequence[Any]) -> str:
    """``must be one of: "a" or "b"`` (values JSON-encoded, as JavaScript prints them)."""
    encoded = [str(json_stringify(v)) for v in values]
    return f"must be one of: {humanize_list(encoded)}"


def format_text(fmt: str) -> str:
    return f"must be a valid {FORMAT_LABELS.get(fmt, fmt)} string but it was not"


def length_text(limit: int | float, actual: int, *, at_least: bool) -> str:
    """``must be 2 characters or more but it was 1 character``."""

    def characters(n: float) -> str:
        return f"{js_string(n)} character" + ("" if n == 1 else "s")

    direction = "more" if at_least else "fewer"
    return f"must be {characters(limit)} or {direction} but it was {characters(actual)}"


def bound_text(limit: int | float, *, at_least: bool) -> str:
    """``must be equal to or greater than N`` / ``must be equal to or less than N``."""
    direction = "greater" if at_least else "less"
    return f"must be equal to or {direction} than {js_string(limit)}"
