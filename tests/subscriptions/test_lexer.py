"""The lexer: which tokens a trigger becomes, and where it stops with an error."""

from __future__ import annotations

import pytest

from framework.subscriptions import FQLSyntaxError
from framework.subscriptions.lexer import Kind, tokenize


def kinds_and_values(text: str) -> list[tuple[str, str]]:
    return [(token.kind.name, token.value) for token in tokenize(text)][:-1]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('type = "track"', [("FIELD", "type"), ("OPERATOR", "="), ("STRING", "track")]),
        ("properties.price>=5", [("FIELD", "properties.price"), ("OPERATOR", ">="), ("NUMBER", "5")]),
        ('type!="x"', [("FIELD", "type"), ("OPERATOR", "!="), ("STRING", "x")]),
        ("a<b", [("FIELD", "a"), ("OPERATOR", "<"), ("FIELD", "b")]),
        ("x > -3.25", [("FIELD", "x"), ("OPERATOR", ">"), ("NUMBER", "-3.25")]),
        ("x = +5", [("FIELD", "x"), ("OPERATOR", "="), ("NUMBER", "+5")]),
        ("and or null true", [("AND", "and"), ("OR", "or"), ("NULL", "null"), ("FIELD", "true")]),
        ("android orders nullable", [("FIELD", "android"), ("FIELD", "orders"), ("FIELD", "nullable")]),
        (
            '!contains(event, "a")',
            [
                ("NOT", "!"),
                ("FIELD", "contains"),
                ("LPAREN", "("),
                ("FIELD", "event"),
                ("COMMA", ","),
                ("STRING", "a"),
                ("RPAREN", ")"),
            ],
        ),
        ("properties.my\\ key", [("FIELD", "properties.my key")]),
        ("properties.items.0.sku", [("FIELD", "properties.items.0.sku")]),
        ("traits.first_name-x", [("FIELD", "traits.first_name-x")]),
        ('"say it" "with spaces"', [("STRING", "say it"), ("STRING", "with spaces")]),
        ('"C:\\"', [("STRING", "C:\\")]),
        ('""', [("STRING", "")]),
        ("a\r\n\tb", [("FIELD", "a"), ("FIELD", "b")]),
    ],
)
def test_tokens(text: str, expected: list[tuple[str, str]]) -> None:
    assert kinds_and_values(text) == expected


def test_positions_are_offsets_and_the_stream_ends_with_end() -> None:
    tokens = tokenize('type = "track"')
    assert [token.position for token in tokens] == [0, 5, 7, 14]
    assert tokens[-1].kind is Kind.END


@pytest.mark.parametrize(
    ("text", "column", "fragment"),
    [
        ("type = 'track'", 8, "single-quoted strings are not supported"),
        ('event = "abc', 9, "unterminated string"),
        ('event = "Order"Completed"', 15, "cannot contain a double quote"),
        ('type == "track"', 6, "single '='"),
        ("x = 5abc", 6, "unexpected 'a' after the number 5"),
        ("x = 1e5", 6, "after the number 1"),
        ("x = 1.", 6, "after the number 1"),
        ("x = -", 5, "expected digits after '-'"),
        ("x ! y", 3, "expected '=' or contains(/match( right after '!'"),
        ("x !", 3, "got end of trigger"),
        ("properties.items[0] = 1", 17, "brackets are not supported"),
        ("properties. = 1", 12, "expected a name after '.'"),
        ("x = 1 && y = 2", 7, "write 'and' / 'or'"),
        ("properties.café = 1", 15, "escape other characters with a backslash"),
        ("type # 1", 6, "invalid character '#'"),
        ("properties.a\\", 13, "after the escape"),
    ],
)
def test_lexer_errors_name_the_column(text: str, column: int, fragment: str) -> None:
    with pytest.raises(FQLSyntaxError) as caught:
        tokenize(text)
    assert caught.value.column == column
    assert caught.value.position == column - 1
    assert fragment in str(caught.value)
    assert str(caught.value).startswith(f"FQL syntax error at column {column}: ")
