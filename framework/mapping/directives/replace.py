"""``@replace``: literal (non-regex) find and replace in a string, optionally twice.

Patterns match literally, but JS replacement specials still apply to ``replacement``, as they do in
Segment: ``$&`` inserts the match, ``$``` and ``$'`` the text before and after it, ``$$`` a dollar.
Booleans and numbers are turned into strings first; any other non-string becomes ``""``.
"""

from __future__ import annotations

import functools
import re
from typing import Any

from framework.jsvalues import UNDEFINED, is_truthy, js_string, utf16_length
from framework.mapping.errors import MappingResolutionError
from framework.mapping.nodes import CompileContext, Constant, Failing, Node, Trace

__all__ = ["compile_replace", "ReplaceNode", "js_replace"]

_MAX_LENGTH = 10
_SPECIAL = re.compile(r"\$([$&`'])")


def _expand(replacement: str, text: str, match: re.Match[str]) -> str:
    """Apply JS replacement patterns for one match (no groups exist, so ``$1`` stays literal)."""
    if "$" not in replacement:
        return replacement

    def special(code: re.Match[str]) -> str:
        char = code.group(1)
        if char == "$":
            return "$"
        if char == "&":
            return match.group(0)
        if char == "`":
            return text[: match.start()]
        return text[match.end() :]

    return _SPECIAL.sub(special, replacement)


def js_replace(text: str, pattern: str, replacement: str, *, is_global: bool, ignore_case: bool) -> str:
    """``text.replace(new RegExp(escaped(pattern), flags), replacement)`` with Segment's length limits."""
    if utf16_length(pattern) > _MAX_LENGTH:
        raise MappingResolutionError(f'@replace requires a "pattern" less than {_MAX_LENGTH} characters')
    if utf16_length(replacement) > _MAX_LENGTH:
        raise MappingResolutionError(f'@replace requires a "replacement" less than {_MAX_LENGTH} characters')
    regex = re.compile(_ignore_case_pattern(pattern) if ignore_case else re.escape(pattern))
    return regex.sub(lambda match: _expand(replacement, text, match), text, count=0 if is_global else 1)


def _js_canonical(char: str) -> str:
    """JS ``Canonicalize`` for a regex without the ``u`` flag: the upper case, unless it is more than one
    character or turns a non-ASCII character into ASCII (so ``ı`` never matches ``i``, nor ``ß`` ``SS``)."""
    upper = char.upper()
    if len(upper) != 1 or (ord(char) >= 128 and ord(upper) < 128):
        return char
    return upper


@functools.cache
def _case_classes() -> dict[str, str]:
    """Canonical character → every BMP character with that canonical form (built once, on first use)."""
    classes: dict[str, list[str]] = {}
    for code in range(0x10000):
        if 0xD800 <= code <= 0xDFFF:
            continue
        char = chr(code)
        classes.setdefault(_js_canonical(char), []).append(char)
    return {canonical: "".join(chars) for canonical, chars in classes.items() if len(chars) > 1}


def _ignore_case_pattern(pattern: str) -> str:
    """A Python regex matching ``pattern`` as JS ``/pattern/i`` does: Python's IGNORECASE folds more
    (``İ`` and ``ı`` would match ``i``), so each character becomes the class of its JS case variants."""
    classes = _case_classes()
    pieces = []
    for char in pattern:
        variants = classes.get(_js_canonical(char)) if ord(char) <= 0xFFFF else None
        pieces.append("[" + re.escape(variants) + "]" if variants else re.escape(char))
    return "".join(pieces)


class ReplaceNode(Node):
    """Resolve the value, coerce it like Segment, then run one or two replace passes."""

    __slots__ = ("value", "passes", "is_global", "ignore_case", "valid_flags")

    def __init__(self, value: Node, passes: list[tuple[Any, Any]], is_global: Any, ignore_case: Any) -> None:
        self.value = value
        self.passes = passes
        self.is_global = is_global
        self.ignore_case = ignore_case
        first_pattern, first_replacement = passes[0]
        self.valid_flags = (
            type(first_pattern) is str and type(first_replacement) is str
            and type(ignore_case) is bool and type(is_global) is bool
        )  # fmt: skip

    def _apply(self, value: Any) -> Any:
        if type(value) in (bool, int, float):
            value = js_string(value)
        if type(value) is not str or not self.valid_flags:
            return ""
        for index, (pattern, replacement) in enumerate(self.passes):
            if index and (type(pattern) is not str or type(replacement) is not str):
                break
            value = js_replace(value, pattern, replacement, is_global=self.is_global, ignore_case=self.ignore_case)
        return value

    def resolve(self, payload: Any) -> Any:
        return self._apply(self.value.resolve(payload))

    def resolve_clean(self, payload: Any) -> Any:
        return self.resolve(payload)

    def describe(self) -> str:
        return f"@replace {self.passes[0][0]!r} in {self.value.describe()}"

    def explain(self, payload: Any, trace: Trace) -> Any:
        trace.steps.append(self.describe())
        return self._apply(self.value.explain(payload, Trace(paths=trace.paths)))


def _default(option: dict[str, Any], key: str, default: Any) -> Any:
    """Segment fills ``== null`` options (absent or null) with defaults."""
    value = option.get(key)
    return default if value is None else value


def compile_replace(option: Any, ctx: CompileContext) -> Node:
    """Segment's run-time checks and defaults, applied once (without mutating the mapping)."""
    if type(option) is not dict:
        return Failing('@replace requires an object with a "pattern" key')
    if not is_truthy(option.get("pattern", UNDEFINED)):
        return Failing('@replace requires a "pattern" key')
    if not is_truthy(option.get("value", UNDEFINED)):
        return Constant(UNDEFINED)
    passes = [(option["pattern"], _default(option, "replacement", ""))]
    if is_truthy(option.get("pattern2", UNDEFINED)):
        passes.append((option["pattern2"], _default(option, "replacement2", "")))
    return ReplaceNode(
        ctx.sub(option["value"]), passes, _default(option, "global", True), _default(option, "ignorecase", False)
    )
