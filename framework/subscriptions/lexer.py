"""The FQL lexer: trigger text → tokens, rejecting what Segment's lexer silently mangles.

Segment's lexer (fql-ts) is followed where it is sane: identifiers are ASCII letters, digits, `_`,
`-` and backslash escapes joined by dots; strings are double-quoted with no escape sequences;
`and`/`or`/`null` are lower-case keywords. Where it is not, this lexer raises FQLSyntaxError
instead: single-quoted strings (Segment keeps the quotes, so they never match), a string closed
in the middle of a word (`"a"b"`), `==`, a number glued to letters, brackets. Operators need no
surrounding spaces (`properties.price>5` is a lexer error in Segment).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Final

from framework.subscriptions.errors import FQLSyntaxError

__all__ = ["Kind", "Token", "tokenize"]


class Kind(enum.Enum):
    """What a token is; the parser dispatches on this."""

    FIELD = "identifier"
    STRING = "string"
    NUMBER = "number"
    NULL = "null"
    AND = "and"
    OR = "or"
    NOT = "!"
    OPERATOR = "operator"
    LPAREN = "("
    RPAREN = ")"
    COMMA = ","
    END = "end of trigger"


@dataclass(frozen=True, slots=True)
class Token:
    """One token: `value` is the unescaped identifier, the string without quotes, or the operator."""

    kind: Kind
    value: str
    position: int

    def describe(self) -> str:
        """How an error message names this token."""
        if self.kind is Kind.END:
            return "end of trigger"
        if self.kind is Kind.STRING:
            return f'the string "{self.value}"'
        return f"'{self.value}'"


_WHITESPACE: Final = frozenset(" \t\n\r")
_TERMINATORS: Final = _WHITESPACE | {")", ","}
_PUNCTUATION: Final = {"(": Kind.LPAREN, ")": Kind.RPAREN, ",": Kind.COMMA}
_KEYWORDS: Final = {"and": Kind.AND, "or": Kind.OR, "null": Kind.NULL}
_DIGITS: Final = frozenset("0123456789")
_LETTERS: Final = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
_WORD_START: Final = _LETTERS | {"_", "\\"}
_WORD_PART: Final = _WORD_START | _DIGITS | {"-"}


def tokenize(text: str) -> list[Token]:
    """Splits a trigger into tokens, ending with an END token; raises FQLSyntaxError."""
    return _Lexer(text).run()


class _Lexer:
    """A single pass over the text; each `_lex_*` method consumes one token."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0
        self.tokens: list[Token] = []

    def run(self) -> list[Token]:
        """Consumes the whole text."""
        while self.pos < len(self.text):
            char = self.text[self.pos]
            if char in _WHITESPACE:
                self.pos += 1
            else:
                self._lex_token(char)
        self.tokens.append(Token(Kind.END, "", len(self.text)))
        return self.tokens

    def _char(self, offset: int = 0) -> str:
        """The character `offset` places after the cursor, or "" past the end."""
        index = self.pos + offset
        return self.text[index] if index < len(self.text) else ""

    def _fail(self, reason: str, position: int | None = None) -> FQLSyntaxError:
        return FQLSyntaxError(reason, self.pos if position is None else position, self.text)

    def _emit(self, kind: Kind, value: str, start: int) -> None:
        self.tokens.append(Token(kind, value, start))

    def _lex_token(self, char: str) -> None:
        """Dispatches on the first character of a token."""
        if char in _PUNCTUATION:
            self._emit(_PUNCTUATION[char], char, self.pos)
            self.pos += 1
        elif char in "=!<>":
            self._lex_operator(char)
        elif char == '"':
            self._lex_string()
        elif char in _DIGITS or char in "+-":
            self._lex_number()
        elif char in _WORD_START:
            self._lex_word()
        else:
            raise self._fail(_invalid_character_reason(char))

    def _lex_operator(self, char: str) -> None:
        """`=`, `!=`, `<`, `<=`, `>`, `>=`, and `!` directly before `contains(`/`match(`/`(`."""
        start, following = self.pos, self._char(1)
        if char == "=" and following == "=":
            raise self._fail("FQL compares with a single '=', not '=='")
        if char == "!" and following != "=":
            if following in _LETTERS or following == "(":
                self._emit(Kind.NOT, "!", start)
                self.pos += 1
                return
            got = repr(following) if following else "end of trigger"
            raise self._fail(f"expected '=' or contains(/match( right after '!', got {got}")
        operator = char + "=" if following == "=" and char != "=" else char
        self._emit(Kind.OPERATOR, operator, start)
        self.pos += len(operator)

    def _lex_string(self) -> None:
        """A double-quoted string without escapes; it must end before a space, `)`, `,` or the end."""
        start = self.pos
        end = self.text.find('"', start + 1)
        if end < 0:
            raise self._fail("unterminated string: add the closing double quote", start)
        after = self.text[end + 1 : end + 2]
        if after and after not in _TERMINATORS:
            raise self._fail(
                f"the string opened at column {start + 1} ends here but is followed by {after!r}: "
                "FQL strings have no escape sequences and cannot contain a double quote",
                end,
            )
        self._emit(Kind.STRING, self.text[start + 1 : end], start)
        self.pos = end + 1

    def _lex_number(self) -> None:
        """An optionally signed decimal number: `5`, `-3`, `+1.5`; no exponents, no trailing `.`."""
        start = self.pos
        self.pos += 1
        self._skip_digits()
        if self._char() == "." and self._char(1) in _DIGITS:
            self.pos += 1
            self._skip_digits()
        text = self.text[start : self.pos]
        if text in ("+", "-"):
            raise self._fail(f"expected digits after {text!r}", start)
        following = self._char()
        if following and following not in _TERMINATORS and following not in "=!<>":
            raise self._fail(f"unexpected {following!r} after the number {text}: a number ends at a space, ')' or ','")
        self._emit(Kind.NUMBER, text, start)

    def _skip_digits(self) -> None:
        while self._char() in _DIGITS:
            self.pos += 1

    def _lex_word(self) -> None:
        """A keyword or a dotted field path; a backslash takes the next character literally."""
        start = self.pos
        segments = [self._lex_segment(first=True)]
        while self._char() == ".":
            self.pos += 1
            if self._char() not in _WORD_PART:
                got = repr(self._char()) if self._char() else "end of trigger"
                raise self._fail(f"expected a name after '.', got {got}")
            segments.append(self._lex_segment(first=False))
        raw = self.text[start : self.pos]
        if raw in _KEYWORDS:
            self._emit(_KEYWORDS[raw], raw, start)
        else:
            self._emit(Kind.FIELD, ".".join(segments), start)
        if self._char() == "[":
            raise self._fail("brackets are not supported in triggers: write properties.items.0 instead")

    def _lex_segment(self, first: bool) -> str:
        """One dot-separated name; after a dot it may start with a digit (an array index)."""
        chars: list[str] = []
        while self._char() in (_WORD_START if first and not chars else _WORD_PART):
            if self._char() == "\\":
                if not self._char(1):
                    raise self._fail("expected a character after the escape '\\', got end of trigger")
                self.pos += 1
            chars.append(self._char())
            self.pos += 1
        return "".join(chars)


def _invalid_character_reason(char: str) -> str:
    """Explains the characters people most often try."""
    if char == "'":
        return "single-quoted strings are not supported (Segment never matches them): use double quotes"
    if char in "[]":
        return "brackets are not supported in triggers: write properties.items.0 instead"
    if char == "&" or char == "|":
        return f"invalid character {char!r}: write 'and' / 'or'"
    if char.isalpha():
        return f"invalid character {char!r}: names are ASCII; escape other characters with a backslash"
    return f"invalid character {char!r}"
