"""Translating Liquid source into Jinja2 source, so Jinja's sandbox renders Liquid templates.

Liquid's block structure maps onto Jinja's (``if``/``elsif``/``else``/``unless`` become ``if``/``elif``/
``else``, ``capture`` a ``set`` block), while everything whose meaning differs between the two
languages becomes a call into :mod:`framework.mapping.liquid.runtime` helpers: variable lookup
(``_v``), truthiness (``_t``), comparisons (``_c``), output (``_o``), assignment (``_a``). Filters
keep their Liquid names as Jinja filters. Template text and string literals never become Jinja
source: they are referenced from a constants table (``_k[3]``), so nothing in a template, and nothing
in an event, can inject Jinja syntax.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from framework.jsvalues import UNDEFINED
from framework.mapping.liquid.filters import DISABLED_FILTERS, FILTERS
from framework.mapping.liquid.lexer import ExprToken, LiquidSyntaxError, Token, tokenize, tokenize_expression

__all__ = ["Translation", "translate", "DISABLED_TAGS"]

#: Tags Segment's liquid engine disables.
DISABLED_TAGS: tuple[str, ...] = ("case", "for", "include", "layout", "render", "tablerow")
_COMPARISONS = ("==", "!=", "<>", "<", ">", "<=", ">=")
_LITERALS = {"true": "true", "false": "false", "nil": "_NIL", "null": "_NIL", "empty": "_EMPTY", "blank": "_BLANK"}


@dataclass
class Translation:
    """Jinja source plus the constants it refers to and the event paths it reads."""

    source: str
    constants: list[Any]
    variables: list[str] = field(default_factory=list)


class _Writer:
    """Accumulates Jinja source, constants and the open-block stack while translating."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.constants: list[Any] = []
        self.blocks: list[str] = []
        self.variables: list[str] = []
        self.captures = 0

    def constant(self, value: Any) -> str:
        """Store a value in the constants table; returns the Jinja expression that reads it."""
        self.constants.append(value)
        return f"_k[{len(self.constants) - 1}]"


class _Expression:
    """A recursive-descent reader over one expression's tokens, producing Jinja expression source."""

    def __init__(self, text: str, writer: _Writer) -> None:
        self.text = text
        self.tokens = tokenize_expression(text)
        self.position = 0
        self.writer = writer

    def peek(self, offset: int = 0) -> ExprToken | None:
        """The token ``offset`` places ahead, or None past the end."""
        index = self.position + offset
        return self.tokens[index] if index < len(self.tokens) else None

    def take(self) -> ExprToken:
        """Consume one token (a syntax error when there is none)."""
        token = self.peek()
        if token is None:
            raise self.error()
        self.position += 1
        return token

    def accept(self, text: str) -> bool:
        """Consume the next token if it is the punctuation, operator or word ``text``."""
        token = self.peek()
        if token is not None and token.text == text and token.kind in ("punct", "op", "range", "word"):
            self.position += 1
            return True
        return False

    def error(self) -> LiquidSyntaxError:
        """liquidjs's message for an expression it cannot read."""
        return LiquidSyntaxError(f'invalid value expression: "{self.text}", line:1, col:1')

    def done(self) -> bool:
        """True when every token was consumed."""
        return self.position >= len(self.tokens)

    def value(self) -> str:
        """A literal, a range or a variable path."""
        token = self.take()
        if token.kind == "string":
            return self.writer.constant(token.text[1:-1])
        if token.kind == "number":
            return self._number(token)
        if token.kind == "punct" and token.text == "(":
            return self._range()
        if token.kind == "word" and token.text in _LITERALS:
            if not self._continues_path():
                return _LITERALS[token.text]
            after = self.peek(1)
            if self.peek().text == "." and (after is None or after.kind not in ("word", "number")):  # type: ignore[union-attr]
                self.position += 1  # liquidjs: a dot with no name after it is dropped (``true.[0]`` is ``true``)
                return _LITERALS[token.text]
            if token.text in ("nil", "null", "true", "false"):
                # liquidjs reads ``null.a`` as a property of the literal (nothing), not the event's ``null`` key.
                self._path_from([], [])
                return self.writer.constant(UNDEFINED)
        if token.kind == "word" or (token.kind == "punct" and token.text == "["):
            return self._path(token)
        raise self.error()

    def _number(self, token: ExprToken) -> str:
        """A number; liquidjs reads ``1.c`` or ``0.0.a`` as a variable path and ``0["e"]`` as nothing."""
        following = self.peek()
        if following is not None and following.kind == "punct" and following.text == ".":
            keys = [self.writer.constant(part) for part in token.text.split(".")]
            return self._path_from(keys, token.text.split("."))
        if following is not None and following.kind == "punct" and following.text == "[":
            self._path_from([], [])
            return self.writer.constant(UNDEFINED)
        return self.writer.constant(_js_number(token.text))

    def _continues_path(self) -> bool:
        following = self.peek()
        return following is not None and following.kind == "punct" and following.text in (".", "[")

    def _range(self) -> str:
        start = self.value()
        if not self.accept(".."):
            raise self.error()
        stop = self.value()
        if not self.accept(")"):
            raise self.error()
        return f"_range({start}, {stop})"

    def _path(self, first: ExprToken) -> str:
        keys: list[str] = []
        readable: list[str] = []
        if first.kind == "word":
            keys.append(self.writer.constant(first.text))
            readable.append(first.text)
        else:
            keys.append(self._bracket(readable))
        return self._path_from(keys, readable)

    def _path_from(self, keys: list[str], readable: list[str]) -> str:
        """Read ``.name`` and ``[key]`` steps after the first key(s)."""
        while True:
            if self.accept("."):
                name = self.peek()
                if name is None or name.kind not in ("word", "number"):
                    break  # liquidjs: a dot with no name after it ends the path (``a.[0]`` is ``a`` then ``[0]``)
                self.position += 1
                # After a dot every step is a name, as in liquidjs: ``a.1.5`` is ``a["1"]["5"]``,
                # and ``a.-1`` is the key "-1" (not the last item of an array).
                parts = [name.text] if name.kind == "word" else [part for part in name.text.split(".") if part]
                for part in parts:
                    keys.append(self.writer.constant(part))
                    readable.append(part)
            elif self.accept("["):
                keys.append(self._bracket(readable))
            else:
                break
        if not keys:
            return self.writer.constant(UNDEFINED)
        self.writer.variables.append(".".join(readable))
        return f"_v(_s, {', '.join(keys)})"

    def _bracket(self, readable: list[str]) -> str:
        """The key inside ``[...]`` (the opening bracket was consumed)."""
        token = self.peek()
        key = self.value()
        if token is not None and token.kind in ("string", "number"):
            readable.append(token.text.strip("'\""))
        if not self.accept("]"):
            raise self.error()
        return key

    def filtered(self) -> str:
        """``value | filter: arg, key: arg | …`` as nested Jinja filter applications.

        As in liquidjs, a ``,`` or ``)`` where the next ``|`` is expected ends the output: the rest
        is ignored, filters included.
        """
        source = self._output_value()
        while not self._ends_filters() and self.accept("|"):
            name = self.take()
            if name.kind != "word":
                raise self.error()
            arguments = self._arguments()
            if name.text in FILTERS or name.text in DISABLED_FILTERS:
                source = f"({source})|{name.text}({', '.join(arguments)})"
        if not self.done() and not self._ends_filters():
            raise self.error()
        return source

    def _ends_filters(self) -> bool:
        token = self.peek()
        return token is not None and token.kind == "punct" and token.text in (",", ")")

    def _output_value(self) -> str:
        """The value of ``{{ … }}``; with an operator (``a == b``, ``a and b``) it is the condition's boolean."""
        start = self.position
        first = self.peek()
        if first is not None and first.kind == "word" and first.text == "not":
            return self._output_condition()
        source = self.value()
        while not self.done() and self.peek().text not in _OUTPUT_STOPS:  # type: ignore[union-attr]
            token = self.peek()
            if _is_operator(token):  # type: ignore[arg-type]
                self.position = start
                return self._output_condition()
            self._stray_value()
        return source

    def _stray_value(self) -> None:
        """Read and drop a value after the first: liquidjs ignores it (``{{ sp ace.x }}`` prints ``sp``)."""
        token = self.peek()
        if token is not None and token.kind == "punct" and token.text == ".":
            self._path_from([], [])
        elif token is not None and (token.kind in ("word", "string", "number") or token.text in "(["):
            self.value()
        else:
            raise self.error()  # liquidjs: expected "|" before filter

    def _output_condition(self) -> str:
        left = self._comparison(_OUTPUT_STOPS)
        token = self.peek()
        if token is not None and token.kind == "word" and token.text in ("and", "or"):
            self.position += 1
            return f"({left} {token.text} {self._output_condition()})"
        return left

    def _skip_until(self, stops: tuple[str, ...]) -> None:
        """liquidjs ignores stray words after a value (``{{ sp ace }}`` prints ``sp``): so do we."""
        while not self.done() and self.peek().text not in stops:  # type: ignore[union-attr]
            self.position += 1

    def _arguments(self) -> list[str]:
        arguments: list[str] = []
        if not self.accept(":"):
            return arguments
        while True:
            token, after = self.peek(), self.peek(1)
            if token is not None and token.kind == "word" and after is not None and after.text == ":":
                self.position += 2
                arguments.append(f"{token.text.replace('-', '_')}={self.value()}")
            else:
                arguments.append(self.value())
            if not self.accept(","):
                return arguments

    def condition(self) -> str:
        """``a == b and not c or d``: comparisons bind tighter than and/or, which group to the right."""
        left = self._comparison()
        token = self.peek()
        if token is None:
            return left
        if token.kind == "word" and token.text in ("and", "or"):
            self.position += 1
            return f"({left} {token.text} {self.condition()})"
        raise self.error()

    def _comparison(self, stops: tuple[str, ...] = ()) -> str:
        if self.accept("not"):
            return f"(not {self._comparison(stops)})"
        left = self.value()
        self._skip_until((*_COMPARISONS, "contains", "and", "or", *stops))
        token = self.peek()
        if token is not None and (token.text in _COMPARISONS or (token.kind == "word" and token.text == "contains")):
            self.position += 1
            right = self.value()
            self._skip_until(("and", "or", *stops))
            return f"_c({self.writer.constant(token.text)}, {left}, {right})"
        return f"_t({left})"


#: Where the value of an output ends: its filters, or (``,`` ``)``) the end of what liquidjs reads.
_OUTPUT_STOPS = ("|", ",", ")")


def _is_operator(token: ExprToken) -> bool:
    return token.kind == "op" or (token.kind == "word" and token.text in ("contains", "and", "or"))


def _js_number(text: str) -> int | float:
    """liquidjs's ``Number(text)`` of a number literal: ``01`` is 1, ``+5`` is 5, ``1.`` is 1."""
    return float(text) if "." in text else int(text)


def _expression(text: str, writer: _Writer) -> str:
    return _Expression(text, writer).filtered()


def _condition(text: str, writer: _Writer) -> str:
    reader = _Expression(text, writer)
    if reader.done():
        raise LiquidSyntaxError(f'invalid value expression: "{text}", line:1, col:1')
    result = reader.condition()
    if not reader.done():
        raise reader.error()
    return result


def _open(writer: _Writer, block: str, jinja: str) -> None:
    writer.blocks.append(block)
    writer.parts.append(jinja)


def _close(writer: _Writer, block: str, name: str) -> None:
    if not writer.blocks or writer.blocks[-1] != block:
        raise LiquidSyntaxError(f'unexpected "{{% {name} %}}", line:1, col:1')
    writer.blocks.pop()


def _tag(name: str, rest: str, writer: _Writer) -> None:
    """Translate one tag (the name and its markup)."""
    if name in DISABLED_TAGS:
        raise LiquidSyntaxError(f'tag "{name}" is disabled, line:1, col:1')
    handler = _TAGS.get(name)
    if handler is None:
        raise LiquidSyntaxError(f'tag "{name}" not found, line:1, col:1')
    handler(rest, writer)


def _tag_if(rest: str, writer: _Writer) -> None:
    _open(writer, "if", f"{{% if {_condition(rest, writer)} %}}")


def _tag_unless(rest: str, writer: _Writer) -> None:
    _open(writer, "unless", f"{{% if not ({_condition(rest, writer)}) %}}")


def _tag_elsif(rest: str, writer: _Writer) -> None:
    if not writer.blocks or writer.blocks[-1] not in ("if", "unless"):
        raise LiquidSyntaxError('unexpected "{% elsif %}", line:1, col:1')
    writer.parts.append(f"{{% elif {_condition(rest, writer)} %}}")


def _tag_else(rest: str, writer: _Writer) -> None:
    if not writer.blocks or writer.blocks[-1] not in ("if", "unless"):
        raise LiquidSyntaxError('unexpected "{% else %}", line:1, col:1')
    writer.parts.append("{% else %}")


def _tag_endif(rest: str, writer: _Writer) -> None:
    _close(writer, "if", "endif")
    writer.parts.append("{% endif %}")


def _tag_endunless(rest: str, writer: _Writer) -> None:
    _close(writer, "unless", "endunless")
    writer.parts.append("{% endif %}")


def _tag_assign(rest: str, writer: _Writer) -> None:
    name, equals, expression = rest.partition("=")
    if not equals or not name.strip():
        raise LiquidSyntaxError(f"illegal token {rest}, line:1, col:1")
    writer.parts.append(f"{{{{ _a(_s, {writer.constant(name.strip())}, {_expression(expression, writer)}) }}}}")


def _tag_capture(rest: str, writer: _Writer) -> None:
    name = rest.strip().strip("'\"")
    if not name:
        raise LiquidSyntaxError("capture variable name is missing, line:1, col:1")
    writer.captures += 1
    _open(writer, f"capture:{writer.captures}:{name}", f"{{% set _cap{writer.captures} %}}")


def _tag_endcapture(rest: str, writer: _Writer) -> None:
    if not writer.blocks or not writer.blocks[-1].startswith("capture:"):
        raise LiquidSyntaxError('unexpected "{% endcapture %}", line:1, col:1')
    _, number, name = writer.blocks.pop().split(":", 2)
    writer.parts.append(f"{{% endset %}}{{{{ _a(_s, {writer.constant(name)}, _cap{number}) }}}}")


def _tag_echo(rest: str, writer: _Writer) -> None:
    if rest.strip():
        writer.parts.append(f"{{{{ _o(_s, {_expression(rest, writer)}) }}}}")


def _tag_counter(step: int) -> Any:
    def handler(rest: str, writer: _Writer) -> None:
        writer.parts.append(f"{{{{ _counter(_s, {writer.constant(rest.strip())}, {step}) }}}}")

    return handler


def _tag_liquid(rest: str, writer: _Writer) -> None:
    """``{% liquid %}``: one tag per line, without delimiters."""
    for line in rest.splitlines():
        line = line.strip()
        if line:
            name, _, markup = line.partition(" ")
            _tag(name, markup, writer)


_TAGS = {
    "if": _tag_if, "elsif": _tag_elsif, "else": _tag_else, "endif": _tag_endif,
    "unless": _tag_unless, "endunless": _tag_endunless, "assign": _tag_assign,
    "capture": _tag_capture, "endcapture": _tag_endcapture, "echo": _tag_echo, "increment": _tag_counter(1),
    "decrement": _tag_counter(-1), "liquid": _tag_liquid,
}  # fmt: skip


def _emit(token: Token, writer: _Writer) -> None:
    if token.kind == "text":
        if token.body:
            writer.parts.append(f"{{{{ {writer.constant(token.body)} }}}}")
    elif token.kind == "output":
        if not token.body:
            return
        writer.parts.append(f"{{{{ _o(_s, {_expression(token.body, writer)}) }}}}")
    else:
        name, _, rest = token.body.partition(" ")
        if "\n" in name:
            name, _, more = name.partition("\n")
            rest = more + " " + rest
        _tag(name.strip(), rest.strip(), writer)


def _tag_name(token: Token) -> str:
    return token.body.split(maxsplit=1)[0] if token.kind == "tag" and token.body.split() else ""


def _without_comments(tokens: list[Token]) -> list[Token]:
    """Drop ``{% comment %}…{% endcomment %}`` (nesting counted) without parsing what is inside."""
    kept: list[Token] = []
    depth = 0
    for token in tokens:
        name = _tag_name(token)
        if name == "comment":
            depth += 1
        elif name == "endcomment" and depth:
            depth -= 1
        elif depth == 0:
            kept.append(token)
    if depth:
        raise LiquidSyntaxError("tag {% comment %} not closed, line:1, col:1")
    return kept


def translate(source: str) -> Translation:
    """Translate a Liquid template; raises :class:`LiquidSyntaxError` where liquidjs fails to parse."""
    writer = _Writer()
    for token in _without_comments(tokenize(source)):
        _emit(token, writer)
    if writer.blocks:
        block = writer.blocks[-1].split(":", 1)[0]
        raise LiquidSyntaxError(f"tag {{% {block} %}} not closed, line:1, col:1")
    return Translation("".join(writer.parts), writer.constants, list(dict.fromkeys(writer.variables)))
