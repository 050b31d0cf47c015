"""``DirectAdapter``: one HTTP/1.1 exchange written straight onto a pooled urllib3 connection.

About half of a delivered event's CPU went to requests, urllib3 and http.client, most of it in
layers that a plain request/response never needs: urllib3's retry and response objects, http.client's
header parsing through the ``email`` package, requests' streaming generators and cookie extraction,
and two ``sendall`` calls per request (head, then body), each a trip through the kernel's loopback
and one more wake-up of the server. This adapter keeps urllib3 for what it is good at (the pool of
kept-alive connections, connecting, TLS) and does the exchange itself: the head and body go out in
one write, the response is read into one buffer and parsed with ``bytes`` operations, and the
``requests.Response`` is filled in directly. A connection is taken from and given back to the pool's
queue under its mutex alone, and checked for a drop by one ``poll`` (``_borrowed_connection``).

What it does not handle goes through ``HTTPAdapter.send`` unchanged: streamed responses, proxies,
bodies that are not bytes (files, generators), retries configured on the adapter, and every request
while a mocking library (``responses``, ``requests-mock``, ``vcrpy``) has patched requests' or urllib3's
transport (``framework.http.transport_patches``). Behaviour kept:
the request headers requests would send (``Host``, ``Content-Length``, ``Accept-Encoding: identity``
when none is given, urllib3's ``User-Agent`` when none is given), the exceptions requests raises
(``ConnectTimeout``, ``ReadTimeout``, ``ConnectionError`` carrying the operating system's error,
``SSLError``), gzip/deflate bodies decoded as urllib3 does, ``Set-Cookie`` into ``response.cookies``
and (through ``response.raw``) the session's jar, and a connection is kept only when the response
was read exactly to its end and the server did not ask to close it.
"""

from __future__ import annotations

import io
import os
import select
import socket
import ssl
from datetime import timedelta
from http.client import HTTPMessage
from queue import LifoQueue
from typing import Any, Literal

import requests
from requests.cookies import cookiejar_from_dict, extract_cookies_to_jar
from requests.structures import CaseInsensitiveDict
from requests.utils import get_encoding_from_headers, select_proxy
from urllib3 import HTTPConnectionPool
from urllib3 import HTTPResponse as Urllib3Response
from urllib3.exceptions import ConnectTimeoutError, DecodeError, NewConnectionError, ProtocolError
from urllib3.exceptions import SSLError as Urllib3SSLError
from urllib3.util import SKIP_HEADER

from framework.http.adapter import PooledAdapter
from framework.http.transport_patches import transport_is_patched

__all__ = ["DirectAdapter", "DirectResponse"]

_RECEIVE_SIZE = 65536
_MAX_HEAD = 65536  # http.client refuses more than 100 header lines of 64 KiB; one head of 64 KiB is plenty
_NO_BODY_STATUSES = frozenset({204, 304})
_URLLIB3_USER_AGENT = SKIP_HEADER  # replaced below by urllib3's own default, read once


class DirectResponse(requests.Response):
    """A ``requests.Response`` filled in by ``DirectAdapter``: its ``raw`` and ``cookies`` are made on demand.

    Most responses are read through ``.data``, ``.status_code``, ``.headers`` and ``.content``; building
    an empty cookie jar and a urllib3 response object for each would cost more than reading the reply.
    """

    _lazy_jar: Any = None  # class-level defaults too: unpickling does not call __init__
    _lazy_raw: Any = None
    _set_cookies: list[str] | tuple[()] = ()

    def __init__(
        self,
        status_code: int | None = None,
        reason: str | None = None,
        headers: CaseInsensitiveDict[str] | None = None,
        content: bytes | Literal[False] = False,
        set_cookies: list[str] | None = None,
    ) -> None:
        """requests' defaults, without the cookie jar (made on first read); the adapter passes the reply."""
        self.status_code, self.reason = status_code, reason  # type: ignore[assignment]
        self.headers = headers if headers is not None else CaseInsensitiveDict()
        self._content, self._content_consumed, self._next = content, content is not False, None
        self.url, self.encoding, self.history = None, None, []  # type: ignore[assignment]
        self.elapsed, self.request = timedelta(0), None  # type: ignore[assignment]
        self._lazy_jar = None
        self._lazy_raw = None
        self._set_cookies = set_cookies or []

    @property
    def sets_cookies(self) -> bool:
        """Whether the response has a ``Set-Cookie`` field (the session's jar is only touched then)."""
        return bool(self._set_cookies)

    @property
    def cookies(self) -> Any:
        """The cookies this response set (an empty jar, made on first read, when it set none)."""
        if self._lazy_jar is None:
            self._lazy_jar = cookiejar_from_dict({})
        return self._lazy_jar

    @cookies.setter
    def cookies(self, jar: Any) -> None:
        self._lazy_jar = jar

    @property
    def raw(self) -> Any:
        """A urllib3 response over the already-read body, for code that reads ``raw`` (cookies, redirects)."""
        if self._lazy_raw is None and self._content is not False:
            self._lazy_raw = _urllib3_view(self)
        return self._lazy_raw

    @raw.setter
    def raw(self, value: Any) -> None:
        self._lazy_raw = value


class DirectAdapter(PooledAdapter):
    """``PooledAdapter`` whose plain requests are exchanged directly on the pooled connection."""

    def send(
        self,
        request: requests.PreparedRequest,
        stream: bool = False,
        timeout: Any = None,
        verify: Any = True,
        cert: Any = None,
        proxies: dict[str, str] | None = None,
        *,
        transport_checked: bool = False,
    ) -> requests.Response:
        """The direct exchange when it applies, else ``HTTPAdapter.send``. ``transport_checked``: the
        caller (``RequestClient``) has just found the transport unpatched, so it is not looked at twice."""
        body = request.body
        if type(body) is str:  # a form body: urllib3 would send it UTF-8 encoded (requests measured it so)
            body = body.encode("utf-8")
        if proxies and select_proxy(request.url or "", proxies) is None:
            proxies = None  # proxies configured, none for this URL (NO_PROXY, another scheme): a direct request
        if (
            stream
            or proxies
            or self.max_retries.total != 0
            or not (body is None or type(body) is bytes)
            or (not transport_checked and transport_is_patched())  # responses, vcrpy: the mock must see it
        ):
            return super().send(request, stream, timeout, verify, cert, proxies)
        pool = self.get_connection_with_tls_context(request, verify, proxies, cert)
        if getattr(pool, "_direct_verified", None) != (verify, cert):  # stats the CA bundle: once per pool
            self.cert_verify(pool, request.url or "", verify, cert)
            pool._direct_verified = (verify, cert)  # type: ignore[attr-defined]
        self.add_headers(request, stream=stream, timeout=timeout, verify=verify, cert=cert, proxies=proxies)
        connect_timeout, read_timeout = _timeouts(timeout)
        head = _request_head(request, pool, body)
        return self._exchange(pool, request, head if body is None else head + body, connect_timeout, read_timeout)

    def _exchange(
        self,
        pool: HTTPConnectionPool,
        request: requests.PreparedRequest,
        message: bytes,
        connect_timeout: float | None,
        read_timeout: float | None,
    ) -> DirectResponse:
        try:
            conn = _borrowed_connection(pool)  # a kept-alive connection (checked for a drop) or a new one
        except Exception as error:  # ClosedPoolError, EmptyPoolError
            raise requests.ConnectionError(error, request=request) from error
        keep = False
        try:
            sock = _connected_socket(conn, connect_timeout, request)
            if sock.gettimeout() != read_timeout:  # settimeout is a system call even when nothing changes
                sock.settimeout(read_timeout)
            try:
                _send_all(sock, message)
                response, keep = _read_response(sock, request.method or "GET")
            except TimeoutError as error:
                raise requests.ReadTimeout(error, request=request) from error
            except (Urllib3SSLError, ssl.SSLError) as error:
                raise requests.exceptions.SSLError(error, request=request) from error
            except (OSError, ProtocolError) as error:
                reason = error if isinstance(error, ProtocolError) else ProtocolError("Connection aborted.", error)
                raise requests.ConnectionError(reason, request=request) from error
        finally:
            if keep:
                _returned_connection(pool, conn)
            else:
                conn.close()
                pool._put_conn(None)  # gives the pool its slot back, as urllib3 does for a dropped connection
        _finish(response, request, self)
        return response


def _borrowed_connection(pool: HTTPConnectionPool) -> Any:
    """``pool._get_conn()``, taken off the pool's queue under its mutex alone when no one can be waiting on it.

    urllib3's queue is a ``LifoQueue``: its ``get`` and ``put`` go through two ``Condition`` objects
    (about a twentieth of a delivered event's CPU). In a non-blocking pool (requests' default) no
    thread ever waits on them, so holding the queue's mutex while popping the newest connection is
    all they do that matters here; a blocking pool, or a queue of another kind, goes through urllib3.
    A kept-alive connection is still checked for a drop (the server closed it while idle) first.
    """
    idle = pool.pool
    if pool.block or type(idle) is not LifoQueue:
        return pool._get_conn()
    with idle.mutex:
        conn = idle.queue.pop() if idle.queue else None
    if conn is None:
        return pool._new_conn()
    if conn.sock is not None and _dropped(conn):
        conn.close()  # as urllib3 does: the connection object is kept, it reconnects on use
    return conn


def _returned_connection(pool: HTTPConnectionPool, conn: Any) -> None:
    """``pool._put_conn(conn)`` for a pool ``_borrowed_connection`` took it from without urllib3."""
    idle = pool.pool
    if pool.block or type(idle) is not LifoQueue:
        pool._put_conn(conn)
        return
    with idle.mutex:
        if len(idle.queue) < idle.maxsize:
            idle.queue.append(conn)
            return
    pool._put_conn(conn)  # full (more connections lent than the pool holds): urllib3 closes and warns


def _dropped(conn: Any) -> bool:
    """urllib3's ``is_connection_dropped``: an idle kept-alive socket that is readable was closed (or
    sent something unasked), so it cannot carry a request. One ``poll`` without the layers around it,
    on a poll object kept with the connection for as long as it has the same socket."""
    sock, fd = conn.sock, conn.sock.fileno()
    if fd < 0:  # closed under the connection object: as good as dropped
        return True
    watched = getattr(conn, "_direct_poller", None)
    if watched is None or watched[0] is not sock or watched[1] != fd:  # a new socket, or this one closed
        poller = select.poll()
        poller.register(sock, select.POLLIN)
        watched = conn._direct_poller = (sock, fd, poller)
    return bool(watched[2].poll(0))


def _send_all(sock: Any, message: bytes) -> None:
    """``sock.sendall(message)``, written straight to a plain socket's descriptor first.

    A socket with a timeout polls before every send, one more system call (and one more letting go
    of the GIL) per request, though a request nearly always fits in the socket's buffer at once.
    Its descriptor is non-blocking then, so ``os.write`` takes what fits without waiting; whatever
    is left (a large body, a full buffer) goes through ``sendall`` with its timeout. TLS sockets
    always go through ``sendall``: the bytes must be encrypted.
    """
    if type(sock) is socket.socket and sock.gettimeout() != 0.0:
        try:
            sent = os.write(sock.fileno(), message)
        except BlockingIOError:
            sent = 0
        if sent == len(message):
            return
        sock.sendall(memoryview(message)[sent:])
        return
    sock.sendall(message)


def _timeouts(timeout: Any) -> tuple[float | None, float | None]:
    if isinstance(timeout, tuple):
        try:
            connect, read = timeout
        except ValueError:
            raise ValueError(
                f"Invalid timeout {timeout}. Pass a (connect, read) timeout tuple, "
                "or a single float to set both timeouts to the same value."
            ) from None
        return connect, read
    return timeout, timeout


def _connected_socket(conn: Any, connect_timeout: float | None, request: requests.PreparedRequest) -> Any:
    """The connection's socket, connecting (and TLS handshaking) first if it has none."""
    if conn.sock is not None:
        return conn.sock
    conn.timeout = connect_timeout
    try:
        conn.connect()
    except (Urllib3SSLError, ssl.SSLError, ssl.CertificateError) as error:  # certificate refused, handshake failed
        raise requests.exceptions.SSLError(error, request=request) from error
    except NewConnectionError as error:  # refused, unresolvable: requests' ConnectionError
        raise requests.ConnectionError(error, request=request) from error
    except ConnectTimeoutError as error:
        raise requests.ConnectTimeout(error, request=request) from error
    except OSError as error:
        raise requests.ConnectionError(error, request=request) from error
    return conn.sock


def _request_head(request: requests.PreparedRequest, pool: HTTPConnectionPool, body: bytes | None) -> bytes:
    """Request line and headers as http.client would write them (after urllib3's defaults)."""
    method = request.method or "GET"
    lines = [f"{method} {_path_of(request.url or '/')} HTTP/1.1"]
    fields, names = _header_fields(request.headers)
    if "host" not in names:
        lines.append(f"Host: {_host_header(pool)}")
    if "accept-encoding" not in names:
        lines.append("Accept-Encoding: identity")
    rendered = _HEADER_LINES
    for field in fields:
        line = rendered.get(field) if type(field[1]) is str else None
        if line is None:
            line = _header_line(field[0], field[1])
            if line is None:
                continue
        lines.append(line)
    if "user-agent" not in names:
        lines.append(f"User-Agent: {_urllib3_user_agent()}")
    if body is not None and "content-length" not in names:
        lines.append(f"Content-Length: {len(body)}")
    lines.append("\r\n")
    return "\r\n".join(lines).encode("latin-1")


# (name, value) -> "name: value", for header fields already checked: an instance's requests repeat them.
_HEADER_LINES: dict[tuple[str, str], str] = {}
_MAX_HEADER_LINES = 4096
_MAX_REMEMBERED_HEADER = 1024  # characters of a value; longer ones are checked every time


def _header_line(name: str, value: Any) -> str | None:
    """``name: value`` as http.client writes it (checked for line breaks), or None for urllib3's SKIP_HEADER."""
    if value is SKIP_HEADER:
        return None
    text = value.decode("latin-1") if isinstance(value, bytes) else str(value)
    if "\n" in text or "\r" in text or "\n" in name or "\r" in name or ":" in name:
        raise requests.exceptions.InvalidHeader(f"Invalid leading or trailing characters in header {name!r}")
    line = f"{name}: {text}"
    if type(name) is str and type(value) is str and value != SKIP_HEADER and len(value) <= _MAX_REMEMBERED_HEADER:
        if len(_HEADER_LINES) >= _MAX_HEADER_LINES:
            _HEADER_LINES.clear()
        _HEADER_LINES[(name, value)] = line
    return line


def _header_fields(headers: Any) -> tuple[Any, Any]:
    """``(name, value)`` pairs and the set of lowered names (anything supporting ``in``).

    A ``CaseInsensitiveDict``'s are read from its store, whose keys are the lowered names (its
    ``items()`` is slow).
    """
    if type(headers) is CaseInsensitiveDict:
        store = headers._store  # see test_direct_contract
        return list(store.values()), store
    fields = list(headers.items())
    return fields, {name.lower() for name, _ in fields}


_PATHS: dict[str, str] = {}


def _path_of(url: str) -> str:
    """What ``request.path_url`` gives (path and query), remembered: a destination calls few URLs."""
    path = _PATHS.get(url)
    if path is None:
        prepared = requests.PreparedRequest()
        prepared.url = url
        path = prepared.path_url
        if len(_PATHS) >= 1024:
            _PATHS.clear()
        _PATHS[url] = path
    return path


def _host_header(pool: HTTPConnectionPool) -> str:
    host = pool.host or ""
    if ":" in host and not host.startswith("["):
        host = f"[{host}]"
    default_port = 443 if pool.scheme == "https" else 80
    return host if pool.port in (None, default_port) else f"{host}:{pool.port}"


def _urllib3_user_agent() -> str:
    global _URLLIB3_USER_AGENT
    if _URLLIB3_USER_AGENT is SKIP_HEADER:
        from urllib3.connection import _get_default_user_agent

        _URLLIB3_USER_AGENT = _get_default_user_agent()
    return str(_URLLIB3_USER_AGENT)


class _Reader:
    """The bytes received on one socket for one response, read in large pieces."""

    __slots__ = ("sock", "buffer", "position")

    def __init__(self, sock: Any) -> None:
        self.sock, self.buffer, self.position = sock, b"", 0

    def _receive(self) -> bool:
        chunk = self.sock.recv(_RECEIVE_SIZE)
        if not chunk:
            return False
        self.buffer = self.buffer[self.position :] + chunk
        self.position = 0
        return True

    def until(self, delimiter: bytes, limit: int) -> bytes:
        """Bytes up to and without ``delimiter``; the connection closing first is a protocol error."""
        while True:
            end = self.buffer.find(delimiter, self.position)
            if end >= 0:
                piece = self.buffer[self.position : end]
                self.position = end + len(delimiter)
                return piece
            if len(self.buffer) - self.position > limit:
                raise ProtocolError("Connection aborted.", ValueError("response head too long"))
            if not self._receive():
                raise ProtocolError(
                    "Connection aborted.", ConnectionResetError("Remote end closed connection without response")
                )

    def exactly(self, size: int) -> bytes:
        """``size`` bytes; a large body is gathered in pieces, not by growing one buffer."""
        available = len(self.buffer) - self.position
        if available < size:
            pieces, missing = [self.buffer[self.position :]], size - available
            while missing > 0:
                chunk = self.sock.recv(max(_RECEIVE_SIZE, min(missing, 1 << 20)))
                if not chunk:
                    raise ProtocolError(
                        "Connection broken: IncompleteRead",
                        ConnectionResetError(f"{size - missing} bytes read, {size} expected"),
                    )
                pieces.append(chunk)
                missing -= len(chunk)
            data = b"".join(pieces)
            self.buffer, self.position = data, 0
        piece = self.buffer[self.position : self.position + size]
        self.position += size
        return piece

    def rest(self) -> bytes:
        """Everything until the server closes (a body with neither length nor chunking)."""
        pieces = [self.buffer[self.position :]]
        while chunk := self.sock.recv(_RECEIVE_SIZE):
            pieces.append(chunk)
        self.buffer, self.position = b"", 0
        return b"".join(pieces)

    def drained(self) -> bool:
        return self.position == len(self.buffer)


def _read_response(sock: Any, method: str) -> tuple[DirectResponse, bool]:
    """The response and whether the connection can be kept (read exactly to the end, not closing)."""
    reader = _Reader(sock)
    while True:
        status, reason, version, fields = _parse_head(reader.until(b"\r\n\r\n", _MAX_HEAD))
        if not 100 <= status < 200 or status == 101:
            break  # interim 1xx responses (100 Continue, 103 Early Hints) are skipped, as http.client does
    headers = _header_dict(fields)
    store = headers._store  # {lower: (name, value)}: read directly, a miss through the dict raises inside
    connection = _field(store, "connection").lower()
    keep = "close" not in connection and (version == "HTTP/1.1" or "keep-alive" in connection)
    if method == "HEAD" or status in _NO_BODY_STATUSES or 100 <= status < 200:
        body = b""
    elif "chunked" in _field(store, "transfer-encoding").lower():
        body = _read_chunked(reader)
    elif "content-length" in store:
        body = reader.exactly(_content_length(store["content-length"][1]))
    else:
        body, keep = reader.rest(), False
    set_cookies = [value for _, name, value in fields if name == "set-cookie"] if "set-cookie" in store else []
    response = DirectResponse(status, reason, headers, _decoded(body, headers), set_cookies)
    return response, keep and reader.drained()


def _field(store: dict[str, tuple[str, str]], lowered: str) -> str:
    """A response header's value, or "" when absent."""
    field = store.get(lowered)
    return field[1] if field is not None else ""


# A header line as received -> (name, lowered name, value). Most lines of a host's responses repeat
# from one response to the next (Content-Type, Connection, Transfer-Encoding): each is split, stripped
# and lowered once. Folded lines and lines without a colon are never remembered.
_FIELD_LINES: dict[str, tuple[str, str, str]] = {}
_MAX_FIELD_LINES = 4096
_MAX_REMEMBERED_LINE = 512  # longer lines (a large cookie, say) are parsed each time
_STATUS_LINES: dict[str, tuple[int, str, str]] = {}  # "HTTP/1.1 200 OK" -> (200, "OK", "HTTP/1.1")


def _parse_head(head: bytes) -> tuple[int, str, str, list[tuple[str, str, str]]]:
    """Status, reason, version and header fields ``(name, lowered, value)`` of a response head.

    Folded lines are joined to the field before them, as http.client does.
    """
    lines = head.decode("latin-1").split("\r\n")
    status = _STATUS_LINES.get(lines[0])
    if status is None:
        status = _parse_status_line(lines[0])
    fields: list[tuple[str, str, str]] = []
    remembered = _FIELD_LINES
    for line in lines[1:]:
        field = remembered.get(line)
        if field is None:
            if line[:1] in (" ", "\t") and fields:  # obsolete line folding: continues the previous value
                name, lowered, value = fields[-1]
                fields[-1] = (name, lowered, f"{value} {line.strip()}")
                continue
            field = _parse_field_line(line)
            if field is None:
                continue
        fields.append(field)
    return status[0], status[1], status[2], fields


def _parse_status_line(line: str) -> tuple[int, str, str]:
    version, _, rest = line.partition(" ")
    code, _, reason = rest.partition(" ")
    if not version.startswith("HTTP/") or len(code) != 3 or not code.isdigit():
        raise ProtocolError("Connection aborted.", ValueError(f"bad status line {line[:80]!r}"))
    status = (int(code), reason.strip(), version)
    if len(_STATUS_LINES) < 64:
        _STATUS_LINES[line] = status
    return status


def _parse_field_line(line: str) -> tuple[str, str, str] | None:
    """``(name, lowered name, value)`` of a header line (remembered), or None without a colon."""
    name, colon, value = line.partition(":")
    if not colon:
        return None
    name = name.strip()
    field = (name, name.lower(), value.strip())
    # A leading blank folds the line into the one before when there is one: such lines are never remembered.
    if line[:1] not in (" ", "\t") and len(line) <= _MAX_REMEMBERED_LINE:
        if len(_FIELD_LINES) >= _MAX_FIELD_LINES:
            _FIELD_LINES.clear()
        _FIELD_LINES[line] = field
    return field


def _header_dict(fields: list[tuple[str, str, str]]) -> CaseInsensitiveDict[str]:
    """requests' response headers: case-insensitive, repeated fields joined with ``, `` (as urllib3 does)."""
    store = {key: (name, value) for name, key, value in fields}  # {lower: (name, value)}; see test_direct_contract
    if len(store) != len(fields):  # a repeated field: joined, in order
        store = {}
        for name, key, value in fields:
            existing = store.get(key)
            # a repeated field keeps its first spelling, as urllib3's HTTPHeaderDict does
            store[key] = (name, value) if existing is None else (existing[0], f"{existing[1]}, {value}")
    headers: CaseInsensitiveDict[str] = CaseInsensitiveDict.__new__(CaseInsensitiveDict)
    # What its constructor builds (an OrderedDict there; a dict keeps the same order and is made at
    # half the cost), without the generic update() it goes through.
    headers._store = store  # type: ignore[assignment]
    return headers


def _content_length(value: str) -> int:
    lengths = {part.strip() for part in value.split(",")}
    if len(lengths) != 1 or not next(iter(lengths)).isdigit():
        raise ProtocolError("Connection aborted.", ValueError(f"invalid Content-Length {value!r}"))
    return int(lengths.pop())


def _read_chunked(reader: _Reader) -> bytes:
    buffered = _buffered_chunks(reader)
    if buffered is not None:
        return buffered
    pieces: list[bytes] = []
    while True:
        size_line = reader.until(b"\r\n", 4096).split(b";", 1)[0].strip()
        try:
            size = int(size_line, 16)
        except ValueError:
            raise ProtocolError("Connection broken: InvalidChunkLength", ValueError(repr(size_line))) from None
        if size == 0:
            while reader.until(b"\r\n", _MAX_HEAD):  # trailer fields, up to the empty line
                pass
            return b"".join(pieces)
        pieces.append(reader.exactly(size))
        reader.exactly(2)  # the CRLF after each chunk


_HEX_DIGITS = b"0123456789abcdefABCDEF"


def _buffered_chunks(reader: _Reader) -> bytes | None:
    """A chunked body already received whole, plain hex sizes and no trailer, read at once; else None.

    A small answer arrives in the same packet as its head: this reads it with ``find`` and slices
    instead of a ``_Reader`` call per line. Anything else (more to receive, a chunk extension, a
    trailer) is left to the general reader, from the same position.
    """
    buffer, position = reader.buffer, reader.position
    pieces: list[bytes] = []
    while True:
        end = buffer.find(b"\r\n", position)
        line = buffer[position:end]
        if end < 0 or not line or len(line) > 8 or line.strip(_HEX_DIGITS):
            return None
        size, start = int(line, 16), end + 2
        if size == 0:
            if buffer[start : start + 2] != b"\r\n":
                return None
            reader.position = start + 2
            return b"".join(pieces)
        position = start + size + 2  # the chunk and the CRLF after it
        if position > len(buffer):
            return None
        pieces.append(buffer[start : start + size])


def _decoded(body: bytes, headers: CaseInsensitiveDict[str]) -> bytes:
    """The body with its Content-Encoding undone by urllib3's decoders (gzip, deflate, br, zstd)."""
    encoding = _field(headers._store, "content-encoding").strip().lower()
    if not body or not encoding or encoding == "identity":
        return body
    try:
        return Urllib3Response(
            body=io.BytesIO(body), headers=dict(headers), preload_content=True, decode_content=True
        ).data
    except DecodeError as error:
        raise requests.exceptions.ContentDecodingError(error) from error


def _finish(response: DirectResponse, request: requests.PreparedRequest, adapter: DirectAdapter) -> None:
    """What ``HTTPAdapter.build_response`` sets, with the body already read."""
    response.encoding = _encoding_for(_field(response.headers._store, "content-type"))
    response.url = request.url or ""
    response.request = request
    response.connection = adapter
    if response._set_cookies:
        jar = cookiejar_from_dict({})
        extract_cookies_to_jar(jar, request, response.raw)
        response.cookies = jar


_ENCODINGS: dict[str, str | None] = {}


def _encoding_for(content_type: str) -> str | None:
    """``get_encoding_from_headers``'s answer for this Content-Type, remembered (a host sends few)."""
    if content_type not in _ENCODINGS:
        if len(_ENCODINGS) >= 256:
            _ENCODINGS.clear()
        _ENCODINGS[content_type] = get_encoding_from_headers(
            CaseInsensitiveDict({"content-type": content_type} if content_type else {})
        )
    return _ENCODINGS[content_type]


class _OriginalResponse:
    """What requests' cookie extraction reads from urllib3's ``_original_response``: ``msg``."""

    def __init__(self, fields: list[str]) -> None:
        self.msg = HTTPMessage()
        for value in fields:
            self.msg["Set-Cookie"] = value

    def isclosed(self) -> bool:
        return True


def _urllib3_view(response: DirectResponse) -> Urllib3Response:
    original = _OriginalResponse(response._set_cookies) if response._set_cookies else None
    headers = {
        name: value for name, value in response.headers.items() if name.lower() != "content-encoding"
    }  # the kept body is already decoded
    return Urllib3Response(
        body=io.BytesIO(response._content or b""),
        headers=headers,
        status=response.status_code,
        reason=response.reason,
        preload_content=False,
        decode_content=False,
        # A duck-typed stand-in: cookie extraction reads only ``msg`` from an http.client response.
        original_response=original,  # type: ignore[arg-type]
    )
