"""The FQL parser: tokens → Segment's JSON AST, with precedence and nested parentheses.

Grammar (`and` binds tighter than `or`, as everywhere else)::

    trigger   := or_expr END
    or_expr   := and_expr ("or" and_expr)*
    and_expr  := term ("and" term)*
    term      := "(" or_expr ")" | ["!"] function | condition
    function  := ("contains" | "match") "(" field "," value ")"
    condition := field ("=" | "!=" | "<" | "<=" | ">" | ">=") value
    value     := string | number | null | word          (true/false are words)

Segment's own parser has no precedence (the last `and`/`or` of a level joins all of it), stops a
group at the first `)`, and silently drops unsupported fields and most `!`s. Each of those is
either done properly here or is an FQLSyntaxError naming the column; docs/triggers.md lists them.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any, Final

from framework.jsvalues import js_string
from framework.subscriptions.errors import FQLSyntaxError
from framework.subscriptions.lexer import Kind, Token, tokenize
from framework.subscriptions.nodes import (
    FIELD_KINDS,
    MAX_DEPTH,
    NESTED_FIELDS,
    TOP_LEVEL_FIELDS,
    condition_node,
    field_node,
    group_node,
    token_value,
)

__all__ = ["parse_fql"]

_VALUE_KINDS: Final = frozenset({Kind.STRING, Kind.NUMBER, Kind.NULL, Kind.FIELD})
_FUNCTIONS: Final = frozenset({"contains", "match"})
_SUPPORTED: Final = "type, event, name, userId, properties.<path>, traits.<path> or context.<path>"


def parse_fql(text: str) -> dict[str, Any]:
    """Parses a trigger into Segment's AST shape; the root is always a group.

    >>> parse_fql('type = "track"')
    {'type': 'group', 'operator': 'and', 'children': [{'type': 'event-type', 'operator': '=', 'value': 'track'}]}

    Raises FQLSyntaxError (a ValueError) with `.position` and `.column`.
    """
    if not isinstance(text, str):
        raise TypeError(f"a trigger is a string, got {type(text).__name__}")
    return _copy(_parse_cached(text))


@lru_cache(maxsize=1024)
def _parse_cached(text: str) -> dict[str, Any]:
    """Parsing is pure, and instances re-parse the same few triggers; callers get a copy."""
    node = _Parser(text).parse()
    return node if node["type"] == "group" else {"type": "group", "operator": "and", "children": [node]}


def _copy(node: dict[str, Any]) -> dict[str, Any]:
    """A deep copy of an AST (plain dicts, lists and scalars) so callers may mutate theirs."""
    if "children" in node:
        return {**node, "children": [_copy(child) for child in node["children"]]}
    return dict(node)


class _Parser:
    """Recursive descent over the token list; one method per grammar rule."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens = tokenize(text)
        self.index = 0
        self.depth = 0

    @property
    def current(self) -> Token:
        return self.tokens[self.index]

    def _advance(self) -> Token:
        token = self.tokens[self.index]
        self.index += 1
        return token

    def _fail(self, reason: str, token: Token | None = None) -> FQLSyntaxError:
        return FQLSyntaxError(reason, (token or self.current).position, self.text)

    def _expect(self, kind: Kind, what: str) -> Token:
        if self.current.kind is not kind:
            raise self._fail(f"expected {what}, got {self.current.describe()}")
        return self._advance()

    def parse(self) -> dict[str, Any]:
        if self.current.kind is Kind.END:
            raise self._fail('the trigger is empty: expected a condition such as type = "track"')
        node = self._or_expr()
        following = self.tokens[self.index]
        if following.kind is not Kind.END:
            raise self._fail(self._unexpected_reason())
        return node

    def _unexpected_reason(self) -> str:
        token = self.current
        if token.kind is Kind.RPAREN:
            return "this ')' has no matching '('"
        if token.kind is Kind.FIELD and token.value in ("AND", "OR", "And", "Or"):
            return f"conditionals are lower case: write '{token.value.lower()}'"
        return f"expected 'and', 'or' or the end of the trigger, got {token.describe()}"

    def _or_expr(self) -> dict[str, Any]:
        children = [self._and_expr()]
        while self.current.kind is Kind.OR:
            self._advance()
            children.append(self._and_expr())
        return group_node("or", children)

    def _and_expr(self) -> dict[str, Any]:
        children = [self._term()]
        while self.current.kind is Kind.AND:
            self._advance()
            children.append(self._term())
        return group_node("and", children)

    def _term(self) -> dict[str, Any]:
        token = self.current
        if token.kind is Kind.END and self.index > 0:
            raise self._fail(f"expected a condition after {self.tokens[self.index - 1].describe()}, got end of trigger")
        if token.kind is Kind.LPAREN:
            return self._parenthesised()
        if token.kind is Kind.NOT:
            self._advance()
            if not self._at_function():
                raise self._fail(
                    "'!' negates only contains(...) or match(...): write the opposite condition "
                    "(for example != instead of =)",
                    token,
                )
            return self._function(negate=True)
        if self._at_function():
            return self._function(negate=False)
        return self._condition()

    def _parenthesised(self) -> dict[str, Any]:
        """`( or_expr )`, nested at most MAX_DEPTH deep so no input can exhaust the stack."""
        opening = self._advance()
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise self._fail(f"parentheses are nested more than {MAX_DEPTH} deep", opening)
        node = self._or_expr()
        self.depth -= 1
        self._expect(Kind.RPAREN, f"')' to close the '(' at column {opening.position + 1}")
        return node

    def _at_function(self) -> bool:
        if self.current.kind is not Kind.FIELD or self.current.value not in _FUNCTIONS:
            return False
        return self.tokens[self.index + 1].kind is Kind.LPAREN

    def _field(self, allow_type: bool = True) -> Token:
        """A supported field path; anything else is an error naming the column."""
        token = self.current
        if token.kind is not Kind.FIELD:
            raise self._fail(f"expected a field ({_SUPPORTED}), got {token.describe()}")
        head, dot, rest = token.value.partition(".")
        if head not in FIELD_KINDS:
            raise self._fail(f"unsupported field '{token.value}': triggers can test {_SUPPORTED}")
        if head in TOP_LEVEL_FIELDS and dot:
            raise self._fail(f"'{head}' has no sub-fields: compare {head} itself")
        if head in NESTED_FIELDS and not rest:
            raise self._fail(f"'{head}' needs a sub-field, such as {head}.email")
        if head == "type" and not allow_type:
            raise self._fail("contains() and match() do not take type: compare it with = or !=")
        return self._advance()

    def _condition(self) -> dict[str, Any]:
        field = self._field()
        operator = self._expect(Kind.OPERATOR, f"an operator (=, !=, <, <=, >, >=) after {field.value}")
        value = self._value(f"a value after '{operator.value}'")
        return condition_node(field.value, operator.value, value)

    def _value(self, what: str) -> Token:
        if self.current.kind not in _VALUE_KINDS:
            raise self._fail(
                f'expected {what} (a "string", a number, true, false or null), got {self.current.describe()}'
            )
        return self._advance()

    def _function(self, negate: bool) -> dict[str, Any]:
        name = self._advance().value
        self._expect(Kind.LPAREN, f"'(' after {name}")
        field = self._field(allow_type=False)
        self._expect(Kind.COMMA, f"',' after the first argument of {name}()")
        value = self._value(f"the second argument of {name}()")
        self._expect(Kind.RPAREN, f"')' to close {name}(")
        node = field_node(field.value)
        if name == "contains":
            node.update(operator="not_contains" if negate else "contains", value=js_string(token_value(value)))
        else:
            operator, pattern = self._match_pattern(value)
            node.update(operator=("not_" + operator) if negate else operator, value=pattern)
        return node

    def _match_pattern(self, token: Token) -> tuple[str, str]:
        """`"Order*"` → starts_with, `"*Added"` → ends_with, `"*rder*"` → contains."""
        if token.kind is not Kind.STRING:
            raise self._fail('match() takes a quoted pattern such as "Order*" or "*Added"', token)
        pattern = token.value
        if pattern == "*":
            return "starts_with", ""
        leading, trailing = pattern.startswith("*"), pattern.endswith("*")
        inner = pattern[1 if leading else 0 : -1 if trailing else None]
        if not (leading or trailing) or "*" in inner or not inner:
            raise self._fail(
                f'match() patterns have one * at the start and/or the end ("Order*", "*Added", "*der*"), got "{pattern}"',
                token,
            )
        if leading and trailing:
            return "contains", inner
        return ("starts_with", inner) if trailing else ("ends_with", inner)
