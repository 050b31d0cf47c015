"""Splitting Liquid source into text, output (``{{ }}``) and tag (``{% %}``) tokens, and expressions into words.

Whitespace control (``{{-``, ``-}}``, ``{%-``, ``-%}``) is applied here, by trimming the neighbouring
text, so the later stages never see it. ``{% raw %}…{% endraw %}`` becomes plain text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from framework.mapping.errors import MappingResolutionError

__all__ = ["Token", "tokenize", "ExprToken", "tokenize_expression", "LiquidSyntaxError"]


class LiquidSyntaxError(MappingResolutionError):
    """The template does not parse (liquidjs raises these as TokenizationError/ParseError)."""


@dataclass
class Token:
    """One piece of a template: ``kind`` is ``text``, ``output`` or ``tag``; ``body`` is the inner text."""

    kind: str
    body: str
    trim_left: bool = False
    trim_right: bool = False


_OPEN = re.compile(r"\{\{|\{%")
_RAW_END = re.compile(r"\{%-?\s*endraw\s*-?%\}")


def _find_close(source: str, start: int, closer: str) -> int:
    """Index of ``closer`` after ``start``, skipping quoted strings (as liquidjs does)."""
    position = start
    while position < len(source):
        char = source[position]
        if char in "'\"":
            end = source.find(char, position + 1)
            if end < 0:
                return -1
            position = end + 1
            continue
        if source.startswith(closer, position):
            return position
        position += 1
    return -1


def _read_markup(source: str, start: int) -> tuple[Token, int]:
    """Read one ``{{ … }}`` or ``{% … %}`` starting at ``start``; returns the token and the next index."""
    is_output = source.startswith("{{", start)
    closer = "}}" if is_output else "%}"
    end = _find_close(source, start + 2, closer)
    if end < 0:
        what = "output" if is_output else "tag"
        raise LiquidSyntaxError(f'{what} "{source[start : start + 40]}" not closed, line:1, col:{start + 1}')
    inner = source[start + 2 : end]
    trim_left = inner.startswith("-")
    trim_right = inner.endswith("-")
    body = inner[1 if trim_left else 0 : len(inner) - (1 if trim_right else 0)]
    return Token("output" if is_output else "tag", body.strip(), trim_left, trim_right), end + 2


def _raw_block(source: str, after: int) -> tuple[Token, int]:
    """The text of a ``{% raw %}`` block, verbatim, and the index after ``{% endraw %}``."""
    match = _RAW_END.search(source, after)
    if match is None:
        raise LiquidSyntaxError('raw "{% raw %}" not closed, line:1, col:1')
    return Token("text", source[after : match.start()]), match.end()


def tokenize(source: str) -> list[Token]:
    """The template's tokens, with whitespace control applied and raw blocks turned into text."""
    tokens: list[Token] = []
    position = 0
    while position < len(source):
        match = _OPEN.search(source, position)
        if match is None:
            tokens.append(Token("text", source[position:]))
            break
        if match.start() > position:
            tokens.append(Token("text", source[position : match.start()]))
        token, position = _read_markup(source, match.start())
        if token.kind == "tag" and token.body.split(maxsplit=1)[:1] == ["raw"]:
            tokens.append(token)
            token, position = _raw_block(source, position)
            token.kind = "raw"
        tokens.append(token)
    return _apply_trims(tokens)


def _apply_trims(tokens: list[Token]) -> list[Token]:
    """Trim text next to ``-`` markers; drop the ``raw`` opening tags (their content is kept as text)."""
    for index, token in enumerate(tokens):
        if token.kind in ("text", "raw"):
            continue
        if token.trim_left and index > 0 and tokens[index - 1].kind == "text":
            tokens[index - 1].body = tokens[index - 1].body.rstrip()
        if token.trim_right and index + 1 < len(tokens) and tokens[index + 1].kind == "text":
            tokens[index + 1].body = tokens[index + 1].body.lstrip()
    result = []
    for token in tokens:
        if token.kind == "tag" and token.body.split(maxsplit=1)[:1] == ["raw"]:
            continue
        if token.kind == "raw":
            token.kind = "text"
        result.append(token)
    return result


@dataclass(frozen=True)
class ExprToken:
    """One word of an expression: ``kind`` is string, number, word, op, range or punct."""

    kind: str
    text: str


#: liquidjs's word characters: ASCII letters, digits, ``_``, ``-``, ``?``, and every character from
#: U+0080 up except its blanks (U+00A0, U+1680, U+180E, U+2000–U+200A, U+2028, U+2029, U+202F,
#: U+205F, U+3000) and curly double quotes (U+201C, U+201D): ``{{ traits.prénom }}`` is a path.
_WORD_CHAR = (
    "[0-9A-Za-z_?\\-\u0080-\u009f\u00a1-\u167f\u1681-\u180d\u180f-\u1fff\u200b-\u201b"
    "\u201e-\u2027\u202a-\u202e\u2030-\u205e\u2060-\u2fff\u3001-\U0010ffff]"
)
_EXPR = re.compile(
    r"""\s*(?:
        (?P<string>'[^']*'|"[^"]*")
      | (?P<number>(?>[+-]?[0-9]+(?:\.(?!\.)[0-9]*)?))(?!WORD|\.(?!\.))
      | (?P<range>\.\.)
      | (?P<op>==|!=|<>|<=|>=|<|>)
      | (?P<word>WORD+)
      | (?P<punct>[.\[\]|:,()=])
    )""".replace("WORD", _WORD_CHAR),
    re.VERBOSE,
)


def tokenize_expression(text: str) -> list[ExprToken]:
    """Split an expression into words; anything unrecognised is a syntax error, as in liquidjs."""
    tokens: list[ExprToken] = []
    position = 0
    text = text.rstrip()
    while position < len(text):
        match = _EXPR.match(text, position)
        if match is None or match.end() == position:
            raise LiquidSyntaxError(f'invalid value expression: "{text}", line:1, col:{position + 1}')
        kind = match.lastgroup or "punct"
        tokens.append(ExprToken(kind, match.group(kind)))
        position = match.end()
    return tokens
