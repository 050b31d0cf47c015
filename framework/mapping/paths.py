"""Paths into events: Segment's ``get`` syntax compiled once into getters, and jsonpath extensions.

Segment splits ``$.a.arr[0]["x"]`` into ``a / arr / 0 / x`` and walks it with JS ``o && o[k]``: a
falsy value met on the way is the result (``0``, ``""``, ``false``, ``null``), strings and arrays answer
``length`` and numeric indexes, and anything missing is undefined. :func:`compile_path` does the split
once and returns a getter specialised on the number of segments, because a mapping reads the same few
paths for every event.

Paths Segment cannot express (wildcards ``[*]``, filters ``[?(@.x > 1)]``, recursive descent ``..``)
are an extension: :func:`is_jsonpath` recognises them and :func:`compile_jsonpath` parses them once with
jsonpath-ng. A jsonpath with several matches returns the list of matches; with one, the match.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, Final

from framework.jsvalues import UNDEFINED, is_truthy, utf16_length

__all__ = [
    "Getter",
    "split_path",
    "strip_dollar",
    "compile_path",
    "compile_segments",
    "segments_of",
    "get",
    "step",
    "is_jsonpath",
    "compile_jsonpath",
]

Getter = Callable[[Any], Any]

_SPLIT = re.compile(r"""\[(?=["'0-9])|\.|(?<=["'0-9])\]+""")
_QUOTES = re.compile(r"""['"]""")
_CANONICAL_INDEX = re.compile(r"0|[1-9][0-9]*")
_JSONPATH_MARKERS = re.compile(r"""\[\s*\*\s*\]|\.\*|\[\s*\?|\.\.[^.]|\[\s*-?[0-9]*\s*:""")
_MISSING: Final = UNDEFINED


def strip_dollar(path: str) -> str:
    """Remove the first ``$.`` anywhere in the path, as ``@path`` and ``@arrayPath`` do (not ``@template``)."""
    return path.replace("$.", "", 1)


def split_path(path: str) -> tuple[str, ...] | None:
    """Segments of a Segment path; ``None`` means "the whole object" (``""`` and ``"."``)."""
    if path in ("", "."):
        return None
    pieces = (_QUOTES.sub("", piece) for piece in _SPLIT.split(path) if piece)
    return tuple(pieces)


def step(value: Any, key: str) -> Any:
    """One JS ``value && value[key]`` step for any value (the slow, general case)."""
    kind = type(value)
    if kind is dict:
        return value.get(key, _MISSING)
    if not is_truthy(value):
        return value
    if kind is list or kind is tuple:
        return _index(value, key, len(value))
    if kind is str:
        return _string_index(value, key)
    return _MISSING


def _index(items: Any, key: str, length: int) -> Any:
    """Array property: ``length`` or a canonical index; other properties are treated as absent."""
    if key == "length":
        return length
    if _CANONICAL_INDEX.fullmatch(key) and int(key) < length:
        return items[int(key)]
    return _MISSING


def _string_index(text: str, key: str) -> Any:
    """String property: ``length`` and single UTF-16 code units, as JS indexes strings."""
    if text.isascii():
        return _index(text, key, len(text))
    units = text.encode("utf-16-le", "surrogatepass")
    if key == "length":
        return len(units) // 2
    if _CANONICAL_INDEX.fullmatch(key) and int(key) < utf16_length(text):
        offset = int(key) * 2
        return units[offset : offset + 2].decode("utf-16-le", "surrogatepass")
    return _MISSING


def segments_of(path: str) -> tuple[str, ...] | None:
    """The segments a plain ``@path`` string reads (``None`` for ``$.``, the whole payload)."""
    return split_path(strip_dollar(path))


def compile_segments(segments: tuple[str, ...] | None) -> Getter:
    """A getter for already-split segments, specialised for the common short paths."""
    if segments is None:
        return _identity
    if len(segments) == 1:
        return _getter1(segments[0])
    if len(segments) == 2:
        return _getter2(*segments)
    return _getter_n(segments)


def compile_path(path: str, *, strip: bool = True) -> Getter:
    """Compile a Segment path once; ``strip`` removes the first ``$.`` (``@path``/``@arrayPath``)."""
    return compile_segments(split_path(strip_dollar(path) if strip else path))


def get(value: Any, path: str, *, strip: bool = True) -> Any:
    """Read one path from a value (compiles the path each call: use :func:`compile_path` in loops)."""
    return compile_path(path, strip=strip)(value)


def _identity(value: Any) -> Any:
    """The ``$.`` path: the payload itself."""
    return value


def _getter1(key: str) -> Getter:
    """One segment: a dict lookup, or the general step for anything else."""

    def get1(value: Any) -> Any:
        if type(value) is dict:
            return value.get(key, _MISSING)
        return step(value, key)

    return get1


def _getter2(first: str, second: str) -> Getter:
    """Two segments (``traits.email``), the shape of most default mappings: inline dict lookups."""

    def get2(value: Any) -> Any:
        value = value.get(first, _MISSING) if type(value) is dict else step(value, first)
        if type(value) is dict:
            return value.get(second, _MISSING)
        return step(value, second)

    return get2


def _getter_n(segments: tuple[str, ...]) -> Getter:
    """Any number of segments; dicts take the fast branch at each step."""

    def get_n(value: Any) -> Any:
        for key in segments:
            value = value.get(key, _MISSING) if type(value) is dict else step(value, key)
        return value

    return get_n


def is_jsonpath(path: str) -> bool:
    """True when a path uses jsonpath features Segment's syntax lacks (``[*]``, ``[?()]``, ``..``, slices)."""
    return path.startswith("$") and _JSONPATH_MARKERS.search(path) is not None


def compile_jsonpath(path: str) -> Getter:
    """Parse a jsonpath once (raises ``ValueError`` when it does not parse) and return its getter.

    jsonpath-ng is imported here, by the first mapping that has a jsonpath: most have none, and it
    costs every command that loads an instance several milliseconds of start-up.
    """
    from jsonpath_ng.ext import parse as parse_jsonpath

    try:
        expression = parse_jsonpath(path)
    except Exception as error:  # jsonpath-ng raises its own lexer/parser errors and bare Exception too
        raise ValueError(f"{path!r} is not a valid JSONPath: {error}") from None
    always_list = _is_multi(path)

    def get_matches(value: Any) -> Any:
        try:
            matches = [match.value for match in expression.find(value)]
        except Exception:  # a filter comparing incompatible types: no match, as for a missing key
            return _MISSING
        if not matches:
            return _MISSING
        return matches[0] if len(matches) == 1 and not always_list else matches

    return get_matches


def _is_multi(path: str) -> bool:
    """Wildcards, filters, slices and descent always yield a list, even with one match."""
    return _JSONPATH_MARKERS.search(path) is not None
