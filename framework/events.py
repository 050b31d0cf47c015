"""The one reader of Segment event files: JSON, JSON arrays, NDJSON, their gzip, directories and stdin.

Everything that consumes events from disk (``actions replay``, ``actions map``, the test harness, the
benchmarks) goes through :func:`read_events`, so every command accepts the same inputs and reports a
broken line the same way: ``fixtures/events/broken.ndjson:3: not valid JSON: Expecting ',' delimiter at
column 17``. A bad line is *yielded* as a :class:`BadLine`, never raised, so one broken line in a
million-event archive costs one line, not the run.

Files are streamed, never loaded whole: NDJSON (and gzipped NDJSON, the form of Segment's archive
exports) line by line; a JSON array element by element with ``json.JSONDecoder.raw_decode`` over
chunks. The format is sniffed from the content, not trusted from the name: gzip by its magic bytes,
an array by its leading ``[``, NDJSON when the first line is a complete JSON value (or the file is
called ``*.ndjson``/``*.jsonl``), otherwise one (pretty-printed) document or several concatenated ones.

>>> for item in read_events(["fixtures/events/"]):   # doctest: +SKIP
...     print(item.path, item.line, item.event["type"] if isinstance(item, EventRecord) else item)
"""

from __future__ import annotations

import codecs
import gzip
import io
import json
import os
import sys
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

import orjson

from framework.jsvalues import json_type_phrase

if TYPE_CHECKING:  # imported on first use by __getattr__ below; named here for type checkers and __all__
    from framework.segment_event import SegmentEvent

__all__ = [
    "EventRecord",
    "BadLine",
    "SegmentEvent",
    "read_events",
    "iter_event_files",
    "EVENT_FILE_SUFFIXES",
    "STDIN",
    "MAX_EVENT_DEPTH",
    "nesting_problem",
]

STDIN = "-"
"""The path that means standard input (shown as ``<stdin>`` in messages)."""

EVENT_FILE_SUFFIXES = (".json", ".ndjson", ".jsonl", ".json.gz", ".ndjson.gz", ".jsonl.gz", ".gz")
"""Names picked up when a *directory* is given; a file named explicitly is read whatever its name."""

MAX_EVENT_DEPTH = 64
"""How many objects and arrays may sit inside each other in one event (the event itself is level 1).

Real events stay under ten levels. Mappings, payload validation, redaction and the JSON encoder all
recurse once per level, so a hostile or corrupt event thousands of levels deep would exhaust Python's
stack: such an event is refused here, as a located bad line, and by the runtime, as an invalid result.
"""

_LINE_SUFFIXES = (".ndjson", ".jsonl", ".ndjson.gz", ".jsonl.gz")
_CHUNK = 1 << 16
_GZIP_MAGIC = b"\x1f\x8b"
_UTF8_BOM = b"\xef\xbb\xbf"  # Windows tools write it; it is not part of the JSON


@dataclass(frozen=True)
class EventRecord:
    """One event read from ``path``; ``line`` is the 1-based line where it starts."""

    event: dict[str, Any]
    path: str
    line: int

    @property
    def location(self) -> str:
        """``path:line``, the form editors and terminals turn into a link."""
        return f"{self.path}:{self.line}"


@dataclass(frozen=True)
class BadLine:
    """A line (or array element) that is not an event; ``line`` is 0 when the whole file failed.

    ``column`` (1-based) is set for an element of a JSON array or a concatenated document, where
    several values may share a line (a minified array is one line): 0 means the whole line.
    """

    path: str
    line: int
    reason: str
    column: int = 0

    @property
    def location(self) -> str:
        """``path:line`` or ``path:line:column`` (or just ``path`` when the file itself could not be read)."""
        if not self.line:
            return self.path
        return f"{self.path}:{self.line}:{self.column}" if self.column else f"{self.path}:{self.line}"

    def __str__(self) -> str:
        return f"{self.location}: {self.reason}"


def __getattr__(name: str) -> Any:
    # SegmentEvent needs pydantic, about 0.2 s to import; reading event files does not, and every
    # `actions` command (--help included) imports this module, so the model is imported on first use.
    if name == "SegmentEvent":
        from framework.segment_event import SegmentEvent

        globals()[name] = SegmentEvent
        return SegmentEvent
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def read_events(
    paths: Iterable[str | os.PathLike[str]] | str | os.PathLike[str],
    *,
    stdin: IO[bytes] | None = None,
) -> Iterator[EventRecord | BadLine]:
    """Yield every event in ``paths`` (files, directories, ``-`` for stdin) in order, and every bad line.

    ``stdin`` replaces ``sys.stdin.buffer`` for ``-`` (tests pass a ``BytesIO``).
    """
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    for path in iter_event_files(paths):
        if path == STDIN:
            source = stdin if stdin is not None else sys.stdin.buffer
            yield from _read_stream(source, "<stdin>", line_hint=False)
        else:
            yield from _read_file(Path(path))


def iter_event_files(paths: Iterable[str | os.PathLike[str]]) -> Iterator[str]:
    """Expand directories into their event files (recursively, sorted by path); keep other paths."""
    for raw in paths:
        text = os.fspath(raw)
        if text != STDIN and Path(text).is_dir():
            yield from (str(p) for p in _files_under(Path(text)))
        else:
            yield text


def _files_under(directory: Path) -> list[Path]:
    found = [
        p
        for p in directory.rglob("*")
        if p.is_file()
        and not any(part.startswith(".") for part in p.relative_to(directory).parts)
        and p.name.lower().endswith(EVENT_FILE_SUFFIXES)
    ]
    return sorted(found, key=lambda p: p.as_posix())


def _read_file(path: Path) -> Iterator[EventRecord | BadLine]:
    shown = path.as_posix()
    try:
        handle = path.open("rb")
    except FileNotFoundError:
        yield BadLine(shown, 0, "no such file: check the path (directories and '-' for stdin also work)")
        return
    except OSError as error:
        yield BadLine(shown, 0, f"cannot read: {error.strerror or error}")
        return
    with handle:
        yield from _read_stream(handle, shown, line_hint=path.name.lower().endswith(_LINE_SUFFIXES))


def _read_stream(raw: IO[bytes], shown: str, *, line_hint: bool) -> Iterator[EventRecord | BadLine]:
    """Sniff gzip and the JSON layout, then hand the stream to the matching reader."""
    buffered = raw if isinstance(raw, io.BufferedReader) else io.BufferedReader(_Readable(raw))
    source: IO[bytes] = buffered
    if buffered.peek(2)[:2] == _GZIP_MAGIC:
        source = io.BufferedReader(gzip.GzipFile(fileobj=buffered, mode="rb"))
    try:
        yield from _read_sniffed(source, shown, line_hint=line_hint)  # type: ignore[arg-type]
    except (OSError, EOFError, zlib.error) as error:
        # A truncated or corrupt gzip member surfaces mid-read: report it at the file, keep the run.
        yield BadLine(shown, 0, f"cannot decompress: {error} (is the .gz file complete?)")


class _Readable(io.RawIOBase):
    """Adapts any binary file-like object so it can sit under a BufferedReader (for ``peek``)."""

    def __init__(self, inner: IO[bytes]) -> None:
        self._inner = inner

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self._inner.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


def _read_sniffed(source: io.BufferedReader, shown: str, *, line_hint: bool) -> Iterator[EventRecord | BadLine]:
    first_line_no, first_piece = _first_content_piece(source)
    if first_piece is None:
        return
    stripped = first_piece.removeprefix(_UTF8_BOM).lstrip()
    if stripped.startswith(b"[") and not line_hint:
        # A minified array is one line, maybe gigabytes long: read it in pieces, never as a line.
        yield from _read_array(_prepend(first_piece, _pieces(source)), shown, first_line_no)
        return
    first_line = first_piece if first_piece.endswith(b"\n") else first_piece + source.readline()
    if line_hint or _is_complete_json(first_line):
        yield from _read_lines(_prepend(first_line, iter(source.readline, b"")), shown, first_line_no)
    else:
        yield from _read_documents(_prepend(first_line, iter(source.readline, b"")), shown, first_line_no)


def _first_content_piece(source: io.BufferedReader) -> tuple[int, bytes | None]:
    """Skip leading blank lines; return the start of the first non-blank line and its 1-based number.

    At most one read's worth of the line is returned (a line is not bounded: a minified array is one).
    """
    number = 1
    for piece in _pieces(source):
        if piece.strip():
            return number, piece
        number += piece.endswith(b"\n")
    return number, None


def _pieces(source: io.BufferedReader) -> Iterator[bytes]:
    """The stream as lines, a line longer than one read cut into read-sized pieces."""
    return iter(lambda: source.readline(_CHUNK), b"")


def _prepend(first: bytes, rest: Iterator[bytes]) -> Iterator[bytes]:
    yield first
    yield from rest


def _is_complete_json(line: bytes) -> bool:
    try:
        json.loads(line)
    except ValueError:
        return False
    return True


def _decode_text(raw: bytes) -> str:
    return raw.decode("utf-8-sig")


def nesting_problem(value: Any, limit: int = MAX_EVENT_DEPTH) -> str | None:
    """None when ``value`` has at most ``limit`` levels of objects and arrays, else why it is refused."""
    if isinstance(value, (dict, list)) and _deeper_than(value, limit):
        return _too_deep_reason(limit)
    return None


def _too_deep_reason(limit: int = MAX_EVENT_DEPTH) -> str:
    return (
        f"nested more than {limit} levels deep (objects and arrays inside each other); events are "
        "limited to that depth so that no mapping or report runs out of stack: flatten the event"
    )


def _deeper_than(node: dict[str, Any] | list[Any], levels_left: int) -> bool:
    # Recursion is bounded by ``levels_left``, so it cannot itself run out of stack.
    children = node.values() if type(node) is dict else node
    for child in children:
        if isinstance(child, (dict, list)) and (levels_left <= 1 or _deeper_than(child, levels_left - 1)):
            return True
    return False


def _could_be_too_deep(text: str, start: int = 0, end: int | None = None) -> bool:
    """A cheap bound: a value with no more brackets than the limit cannot be nested deeper than it."""
    return text.count("{", start, end) + text.count("[", start, end) > MAX_EVENT_DEPTH


def _as_event(value: Any, shown: str, line: int, *, check_depth: bool = True, column: int = 0) -> EventRecord | BadLine:
    if isinstance(value, dict):
        if check_depth and _deeper_than(value, MAX_EVENT_DEPTH):
            return BadLine(shown, line, f"not an event: {_too_deep_reason()}", column)
        return EventRecord(value, shown, line)
    kind = json_type_phrase(value)
    return BadLine(shown, line, f"not an event: expected a JSON object, found {kind}", column)


def _read_lines(lines: Iterator[bytes], shown: str, first_number: int) -> Iterator[EventRecord | BadLine]:
    """NDJSON: one event per line; blank lines are skipped, each bad line reported by number.

    A line is parsed once, by orjson, straight from its bytes (no decode to text first): about three
    times cheaper than ``json.loads``, and the intake runs beside the delivery threads, holding the GIL.
    orjson refuses everything the standard decoder would answer differently (a BOM, invalid UTF-8, NaN,
    a lone surrogate, nesting past 1024) except integers beyond 64 bits, which it reads as floats: a
    line orjson refuses, or with a run of 19 digits, takes the standard path, whose result and messages
    are the reference.
    """
    for number, raw in enumerate(lines, start=first_number):
        if _NINETEEN_DIGITS not in raw.translate(_DIGITS_AS_ZEROS):
            try:
                value = orjson.loads(raw)
            except orjson.JSONDecodeError:
                pass
            else:
                yield _as_event(value, shown, number, check_depth=_could_be_too_deep_bytes(raw))
                continue
        if not raw.strip():
            continue
        yield _read_line_slowly(raw, shown, number)


# An integer orjson might read as a float (beyond 64 bits) has 19 digits in a row: every digit made
# "0" and everything else "-", the line holds nineteen zeros (a translate and a find: a regex costs 5x).
_DIGITS_AS_ZEROS = bytes(ord("0") if chr(byte) in "0123456789" else ord("-") for byte in range(256))
_NINETEEN_DIGITS = b"0" * 19


def _could_be_too_deep_bytes(raw: bytes) -> bool:
    """:func:`_could_be_too_deep` on a line's bytes (brackets are ASCII: the same count as in its text)."""
    return raw.count(b"{") + raw.count(b"[") > MAX_EVENT_DEPTH


def _read_line_slowly(raw: bytes, shown: str, number: int) -> EventRecord | BadLine:
    """One line through the standard decoder: the reference result, and the located reason it is bad."""
    try:
        text = _decode_text(raw)
    except UnicodeDecodeError as error:
        return BadLine(shown, number, f"not valid UTF-8 at byte {error.start + 1}")
    text = text.rstrip("\r\n")
    try:
        value = json.loads(text)
    except json.JSONDecodeError as error:
        return BadLine(shown, number, _line_error_reason(error, text))
    except RecursionError:  # nested deeper than the decoder's stack: far past the limit
        return BadLine(shown, number, f"not an event: {_too_deep_reason()}")
    return _as_event(value, shown, number, check_depth=_could_be_too_deep(text))


def _line_error_reason(error: json.JSONDecodeError, text: str) -> str:
    reason = f"not valid JSON: {error.msg} at column {error.colno}"
    if error.pos >= len(text.rstrip()):
        reason += " (the line ends before the event does: truncated?)"
    return reason


class _TextWindow:
    """A sliding text buffer over lines (or pieces of long lines) that knows the line of each offset.

    Consumed text is dropped from the front, so memory stays bounded by the largest single value.
    ``mid_line`` says the text ends where a long line was cut into pieces (not at a line break).
    """

    def __init__(self, lines: Iterator[bytes], first_number: int) -> None:
        self._lines = lines
        self.text = ""
        # Consumed text stays until it is half the window (dropping it after every value copied the rest
        # of the window each time); positions are counted from the cursor, where the unconsumed text starts.
        self._cursor = 0
        self._cursor_line = first_number  # file line of text[cursor]
        self._cursor_column = 1  # its 1-based column (the cursor is often mid-line in a one-line array)
        self.exhausted = False
        self.mid_line = False
        self._undecodable: UnicodeDecodeError | None = None
        self._decoder = codecs.getincrementaldecoder("utf-8")()  # a piece may end inside a character
        self._at_start = True
        self._line_bytes = 0  # bytes read since the last line break
        self.bad_byte = 0  # when input stopped at a byte that is not UTF-8: its 1-based byte in its line

    def fill(self, at_least: int = _CHUNK) -> bool:
        """Append about ``at_least`` more characters; False when the input is exhausted.

        A line that is not UTF-8 ends the text, but the lines before it are kept: the values they hold
        are read first, and the error is raised only when more text is needed (the window then ends
        right before the bad line, so its line number is the bad line's).
        """
        if self._undecodable is not None:
            raise self._undecodable
        pieces: list[bytes] = []
        added = 0
        for raw in self._lines:
            pieces.append(raw)
            added += len(raw)
            if added >= at_least:
                break
        else:
            self.exhausted = True
        added = self._append(pieces)
        if added == 0 and self._undecodable is not None:
            raise self._undecodable
        return added > 0

    def _append(self, pieces: list[bytes]) -> int:
        """Decode ``pieces`` in one go (lines are short: one decode per line would cost more than the
        JSON); when they are not all UTF-8, piece by piece, keeping the text before the bad byte."""
        state = self._decoder.getstate()
        blob = b"".join(pieces)
        try:
            self.text += self._decode(blob, final=self.exhausted)
        except UnicodeDecodeError:
            self._decoder.setstate(state)
            return self._append_up_to_bad_byte(pieces)
        self._note_line_position(blob)
        return len(blob)

    def _append_up_to_bad_byte(self, pieces: list[bytes]) -> int:
        added = 0
        for number, raw in enumerate(pieces):
            buffered = self._decoder.getstate()[0]
            try:
                self.text += self._decode(raw, final=self.exhausted and number == len(pieces) - 1)
            except UnicodeDecodeError as error:
                good = (buffered + raw)[: error.start]  # valid UTF-8 up to the bad byte
                self._decoder.reset()
                self.text += self._decode(good, final=True)
                self._note_line_position(good)
                self.bad_byte = self._line_bytes + 1  # 1-based, counted from the start of its line
                self.exhausted = False  # the input goes on: the error is raised when more text is needed
                self.mid_line = not good.endswith(b"\n") if good else self.mid_line
                self._undecodable = error
                return added + len(good)
            self._note_line_position(raw)
            added += len(raw)
        return added

    def _note_line_position(self, raw: bytes) -> None:
        """Track bytes since the last line break, and whether the text ends mid-line."""
        if not raw:
            return
        newline = raw.rfind(b"\n")
        self._line_bytes = len(raw) - newline - 1 if newline >= 0 else self._line_bytes + len(raw)
        self.mid_line = not self.exhausted and not raw.endswith(b"\n")

    def _decode(self, raw: bytes, final: bool) -> str:
        text = self._decoder.decode(raw, final)
        if self._at_start and text:
            self._at_start = False
            text = text.removeprefix("\ufeff")  # a BOM is not part of the JSON
        return text

    def line_at(self, offset: int) -> int:
        return self._cursor_line + self.text.count("\n", self._cursor, offset)

    def column_at(self, offset: int) -> int:
        newline = self.text.rfind("\n", self._cursor, offset)
        return self._cursor_column + offset - self._cursor if newline < 0 else offset - newline

    def drop(self, offset: int) -> int:
        """Mark the text before ``offset`` consumed; return where ``offset`` now is in ``text``."""
        self._cursor_line, self._cursor_column = self.line_at(offset), self.column_at(offset)
        self._cursor = offset
        if offset >= _CHUNK and offset * 2 >= len(self.text):
            self.text, self._cursor = self.text[offset:], 0
        return self._cursor

    def skip_space(self, offset: int) -> int:
        """Offset of the next non-whitespace character, reading more input as needed."""
        while True:
            while offset < len(self.text) and self.text[offset] in " \t\r\n":
                offset += 1
            if offset < len(self.text) or self.exhausted or not self.fill():
                return offset


_DECODER = json.JSONDecoder()


def _decode_value(window: _TextWindow, offset: int) -> tuple[Any, int]:
    """raw_decode at ``offset``, reading more text until the value is complete or clearly broken.

    No JSON token spans a line break, so when the window ends at a line break an error with nothing
    but whitespace after it means "the value goes on in the next lines", and an error at a real
    character is a broken value, however much more is read. When it ends where a long line was cut,
    the cut may also have split a token: a string left open, or an error in the last few characters,
    means "read more" too. Reading doubles the window each time, so a value costs linear time.
    """
    while True:
        try:
            return _DECODER.raw_decode(window.text, offset)
        except json.JSONDecodeError as error:
            if window.exhausted or not _maybe_unfinished(window, error):
                raise
            window.fill(max(_CHUNK, len(window.text)))


_LONGEST_CUT_TOKEN = 16  # a cut inside a number, literal or escape makes an error this close to the end


def _maybe_unfinished(window: _TextWindow, error: json.JSONDecodeError) -> bool:
    """Whether more input could make the value at the error parse (see :func:`_decode_value`)."""
    if not window.text[error.pos :].strip():
        return True
    if not window.mid_line:
        return False
    return error.msg.startswith("Unterminated string") or error.pos >= len(window.text) - _LONGEST_CUT_TOKEN


def _located_json_error(window: _TextWindow, shown: str, error: json.JSONDecodeError, what: str, start: int) -> BadLine:
    """The error where it is; when the input simply ran out, where the unfinished event starts instead.

    "Expecting value at line 2 column 1" of a one-line file points past its end; the line the event
    starts on, and the word "truncated", tell the reader what happened.
    """
    if window.exhausted and not window.text[error.pos :].strip():
        reason = "not valid JSON: the input ends before the event that starts here does (truncated?)"
        return BadLine(shown, window.line_at(start), reason)
    line = window.line_at(error.pos)
    column = window.column_at(error.pos)
    return BadLine(shown, line, f"not valid JSON: {error.msg} at column {column}{what}")


def _read_array(lines: Iterator[bytes], shown: str, first_number: int) -> Iterator[EventRecord | BadLine]:
    """A JSON array streamed element by element; a broken element ends this file (it cannot resync)."""
    return _read_windowed(_TextWindow(lines, first_number), shown, _array_elements)


def _read_documents(lines: Iterator[bytes], shown: str, first_number: int) -> Iterator[EventRecord | BadLine]:
    """One pretty-printed object, or several concatenated; a broken one ends this file (no resync)."""
    return _read_windowed(_TextWindow(lines, first_number), shown, _concatenated_documents)


def _read_windowed(
    window: _TextWindow, shown: str, walk: Callable[[_TextWindow, str], Iterator[EventRecord | BadLine]]
) -> Iterator[EventRecord | BadLine]:
    """Run ``walk`` over the window; text that is not UTF-8 ends the file at the line where it is."""
    try:
        window.fill()
        yield from walk(window, shown)
    except UnicodeDecodeError as error:
        byte = window.bad_byte or error.start + 1
        yield BadLine(shown, window.line_at(len(window.text)), f"not valid UTF-8 at byte {byte}")


def _array_elements(window: _TextWindow, shown: str) -> Iterator[EventRecord | BadLine]:
    offset = window.skip_space(0) + 1  # past "["
    while True:
        offset = window.skip_space(offset)
        if offset < len(window.text) and window.text[offset] == "]":
            return
        item, end = _next_event(window, shown, offset, "; the rest of this array was skipped")
        yield item
        if end is None:
            return
        offset = window.skip_space(end)
        separator = window.text[offset : offset + 1]
        if separator == "]":
            return
        if separator != ",":
            expected = "end of file" if not separator else repr(separator)
            yield BadLine(
                shown,
                window.line_at(offset),
                f"not valid JSON: expected ',' or ']' between array elements, found {expected}",
            )
            return
        offset = window.drop(offset + 1)


def _concatenated_documents(window: _TextWindow, shown: str) -> Iterator[EventRecord | BadLine]:
    offset = 0
    while True:
        offset = window.skip_space(offset)
        if offset >= len(window.text):
            return
        item, end = _next_event(window, shown, offset, "; the rest of this file was skipped")
        yield item
        if end is None:
            return
        offset = window.drop(end)


def _next_event(window: _TextWindow, shown: str, offset: int, skipped: str) -> tuple[EventRecord | BadLine, int | None]:
    """The value at ``offset`` and the offset after it; a JSON error comes back located, with no end."""
    try:
        value, end = _decode_value(window, offset)
    except json.JSONDecodeError as error:
        return _located_json_error(window, shown, error, skipped, offset), None
    except RecursionError:  # too deep for the decoder: skip the value by its brackets, go on after it
        line, column = window.line_at(offset), window.column_at(offset)
        skip_to = _end_of_nested_value(window, offset)
        return BadLine(shown, line, f"not an event: {_too_deep_reason()}", column), skip_to
    deep = _could_be_too_deep(window.text, offset, end)
    return _as_event(value, shown, window.line_at(offset), check_depth=deep, column=window.column_at(offset)), end


def _end_of_nested_value(window: _TextWindow, offset: int) -> int | None:
    """The offset just past the object or array starting at ``offset`` (None if the input ends first).

    Only used for values too deep to decode, so a character-by-character walk is fine: it counts
    brackets outside strings, and reads more input as it goes.
    """
    depth = 0
    in_string = escaped = False
    position = offset
    while True:
        if position >= len(window.text):
            if window.exhausted or not window.fill():
                return None
            continue
        char = window.text[position]
        position += 1
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "{[":
            depth += 1
        elif char in "}]":
            depth -= 1
            if depth == 0:
                return position
