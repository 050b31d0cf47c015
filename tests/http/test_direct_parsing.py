"""The direct path's remembered header lines and its one-piece chunked reader give what parsing afresh gives.

Header lines are remembered once parsed, and a chunked body already received whole is read by a
shortcut: these check that a remembered line never changes how a later head is read (a folded line
stays a continuation, a bad request header is still refused) and that the shortcut and the general
reader agree on every framing, however the bytes arrive.
"""

from __future__ import annotations

import pytest
import requests

from framework.http import direct
from framework.http.direct import _parse_head, _read_chunked, _Reader


def test_a_line_remembered_as_a_field_still_folds_into_the_field_before_it() -> None:
    first = _parse_head(b"HTTP/1.1 200 OK\r\n X-Lead: 1\r\nA: b")
    folded = _parse_head(b"HTTP/1.1 200 OK\r\nA: b\r\n X-Lead: 1")
    assert first[3] == [("X-Lead", "x-lead", "1"), ("A", "a", "b")]
    assert folded[3] == [("A", "a", "b X-Lead: 1")]


def test_a_repeated_head_is_read_the_same_from_the_remembered_lines() -> None:
    head = b"HTTP/1.1 201 Created\r\nContent-Type: application/json\r\nSet-Cookie: a=1\r\nSet-Cookie: b=2"
    assert _parse_head(head) == _parse_head(head) == (
        201,
        "Created",
        "HTTP/1.1",
        [("Content-Type", "content-type", "application/json"), ("Set-Cookie", "set-cookie", "a=1"),
         ("Set-Cookie", "set-cookie", "b=2")],
    )  # fmt: skip
    headers = direct._header_dict(_parse_head(head)[3])
    assert dict(headers) == {"Content-Type": "application/json", "Set-Cookie": "a=1, b=2"}


def test_a_bad_status_line_is_refused_every_time() -> None:
    for _ in range(2):
        with pytest.raises(Exception, match="bad status line"):
            _parse_head(b"HTTX/1.1 200 OK\r\nA: b")


class _Pieces:
    """A socket whose ``recv`` hands out the given pieces, then end of stream."""

    def __init__(self, pieces: list[bytes]) -> None:
        self.pieces = list(pieces)

    def recv(self, size: int) -> bytes:
        return self.pieces.pop(0) if self.pieces else b""


_BODIES = [
    b'8\r\n{"id":1}\r\n0\r\n\r\n',
    b'8\r\n{"id":1}\r\n0\r\n\r\nHTTP/1.1 200 OK',  # the next response already arrived
    b"3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n",
    b"3;ext=1\r\nabc\r\n0\r\n\r\n",
    b"3\r\nabc\r\n0\r\nTrailer: 1\r\n\r\n",
    b" 3 \r\nabc\r\n0\r\n\r\n",
    b"0x3\r\nabc\r\n0\r\n\r\n",
    b"A\r\n0123456789\r\n0\r\n\r\n",
    b"zz\r\nabc\r\n0\r\n\r\n",
    b"5\r\nab",
    b"",
]


def _outcome(pieces: list[bytes]) -> tuple[object, ...]:
    reader = _Reader(_Pieces(pieces))
    try:
        body = _read_chunked(reader)
    except Exception as error:  # the framing error itself is part of what must agree
        return ("error", type(error).__name__, str(error))
    return ("body", body, reader.buffer[reader.position :])


@pytest.mark.parametrize("body", _BODIES)
@pytest.mark.parametrize("split", [None, 1, 4])
def test_the_chunked_shortcut_reads_what_the_general_reader_reads(
    body: bytes, split: int | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    pieces = [body] if split is None else [body[:split], body[split:]]
    shortcut = _outcome(pieces)
    monkeypatch.setattr(direct, "_buffered_chunks", lambda reader: None)
    assert shortcut == _outcome(pieces)


def test_a_header_with_a_line_break_is_refused_after_the_same_name_was_sent_cleanly() -> None:
    request = requests.PreparedRequest()
    request.prepare(method="GET", url="http://127.0.0.1:9/", headers={"X-Note": "fine"})
    pool = direct.DirectAdapter().get_connection_with_tls_context(request, True, None, None)
    assert b"X-Note: fine\r\n" in direct._request_head(request, pool, None)
    request.headers["X-Note"] = "fine\r\nInjected: 1"
    with pytest.raises(requests.exceptions.InvalidHeader):
        direct._request_head(request, pool, None)
