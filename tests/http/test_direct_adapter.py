"""DirectAdapter sends what requests' HTTPAdapter sends and reads every shape of HTTP/1.1 response.

A raw TCP server on loopback answers with scripted bytes, so framing the adapter parses itself
(chunked with trailers, interim 1xx, gzip, a body read to the close, a short read) is exercised
byte for byte, and the bytes each adapter writes can be compared.
"""

from __future__ import annotations

import gzip
import socket
import threading
import time
from collections.abc import Callable, Iterator

import pytest
import requests
from requests.adapters import HTTPAdapter

from framework.http import RequestClient, response_data
from framework.http.direct import DirectAdapter, DirectResponse

Reply = Callable[[bytes], bytes | None]  # raw request -> raw response (None: close without answering)


class RawServer:
    """Accepts connections; each request read is answered by ``reply``; records (connection, request)."""

    def __init__(self, reply: Reply) -> None:
        self.reply = reply
        self.received: list[tuple[int, bytes]] = []
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.listener.getsockname()[1]}"
        self._connections = 0
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self.listener.accept()
            except OSError:
                return
            self._connections += 1
            threading.Thread(target=self._serve, args=(conn, self._connections), daemon=True).start()

    def _serve(self, conn: socket.socket, number: int) -> None:
        buffer = b""
        with conn:
            while True:
                while b"\r\n\r\n" not in buffer:
                    chunk = conn.recv(65536)
                    if not chunk:
                        return
                    buffer += chunk
                head, _, rest = buffer.partition(b"\r\n\r\n")
                length = next(
                    (
                        int(line.split(b":")[1])
                        for line in head.split(b"\r\n")
                        if line.lower().startswith(b"content-length:")
                    ),
                    0,
                )
                while len(rest) < length:
                    rest += conn.recv(65536)
                request, buffer = head + b"\r\n\r\n" + rest[:length], rest[length:]
                self.received.append((number, request))
                answer = self.reply(request)
                if answer is None:
                    return
                conn.sendall(answer)
                if b"connection: close" in answer.lower():
                    return

    def close(self) -> None:
        self.listener.close()


@pytest.fixture
def serve() -> Iterator[Callable[[Reply], RawServer]]:
    servers: list[RawServer] = []

    def start(reply: Reply) -> RawServer:
        servers.append(RawServer(reply))
        return servers[-1]

    yield start
    for server in servers:
        server.close()


def _fixed(response: bytes) -> Reply:
    return lambda request: response


def _session(adapter: requests.adapters.BaseAdapter | None = None) -> requests.Session:
    session = requests.Session()
    session.mount("http://", adapter or DirectAdapter())
    return session


OK_JSON = b'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 8\r\n\r\n{"id":1}'


def test_the_bytes_written_are_the_ones_requests_own_adapter_writes(serve: Callable[[Reply], RawServer]) -> None:
    server = serve(_fixed(OK_JSON))
    for adapter in (HTTPAdapter(), DirectAdapter()):
        session = _session(adapter)
        session.post(server.url + "/a/b?x=1&y=%20", data=b'{"k":"v"}', headers={"X-Key": "1"}, timeout=5)
        session.get(server.url + "/get", timeout=5)
        session.delete(server.url + "/none", timeout=5)
    sent = [request for _, request in server.received]
    assert sent[:3] == sent[3:]
    assert sent[3].startswith(b"POST /a/b?x=1&y=%20 HTTP/1.1\r\nHost: 127.0.0.1:")
    assert sent[3].endswith(b'Content-Length: 9\r\n\r\n{"k":"v"}')


def test_head_and_body_go_out_in_one_write_and_the_connection_is_kept(serve: Callable[[Reply], RawServer]) -> None:
    server = serve(_fixed(OK_JSON))
    session = _session()
    responses = [session.post(server.url + "/x", data=b"{}", timeout=5) for _ in range(3)]
    assert [response.json() for response in responses] == [{"id": 1}] * 3
    assert {number for number, _ in server.received} == {1}  # one kept-alive connection for all three
    assert isinstance(responses[0], DirectResponse) and responses[0].encoding == "utf-8"


def test_chunked_body_with_extensions_and_trailers(serve: Callable[[Reply], RawServer]) -> None:
    server = serve(
        _fixed(
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Type: text/plain\r\n\r\n"
            b"4;ext=1\r\nWiki\r\n6\r\npedia \r\n0\r\nX-Trailer: t\r\n\r\n"
        )
    )
    session = _session()
    assert session.get(server.url, timeout=5).content == b"Wikipedia "
    assert session.get(server.url, timeout=5).content == b"Wikipedia "
    assert {number for number, _ in server.received} == {1}


def test_interim_responses_are_skipped_and_repeated_headers_joined(serve: Callable[[Reply], RawServer]) -> None:
    server = serve(
        _fixed(
            b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\n"
            b"HTTP/1.1 201 Created\r\nX-Many: a\r\nx-many: b\r\nX-Folded: one\r\n two\r\n"
            b"Content-Length: 0\r\n\r\n"
        )
    )
    response = _session().post(server.url, data=b"x", timeout=5)
    assert (response.status_code, response.reason, response.content) == (201, "Created", b"")
    assert response.headers["X-MANY"] == "a, b" and response.headers["x-folded"] == "one two"


def test_gzip_bodies_are_decoded(serve: Callable[[Reply], RawServer]) -> None:
    body = gzip.compress(b'{"ok":true}')
    server = serve(
        _fixed(
            b"HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Type: application/json\r\n"
            b"Content-Length: %d\r\n\r\n%s" % (len(body), body)
        )
    )
    assert _session().get(server.url, timeout=5).json() == {"ok": True}


def test_a_body_without_length_is_read_to_the_close_and_the_connection_dropped(
    serve: Callable[[Reply], RawServer],
) -> None:
    server = serve(_fixed(b"HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nall of it"))
    session = _session()
    assert session.get(server.url, timeout=5).content == b"all of it"
    assert session.get(server.url, timeout=5).content == b"all of it"
    assert [number for number, _ in server.received] == [1, 2]


def test_no_body_for_head_204_and_304(serve: Callable[[Reply], RawServer]) -> None:
    server = serve(
        lambda request: (
            b"HTTP/1.1 204 No Content\r\n\r\n"
            if request.startswith(b"GET")
            else b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n"
        )
    )
    session = _session()
    assert session.get(server.url, timeout=5).status_code == 204
    assert session.head(server.url, timeout=5).headers["Content-Length"] == "5"
    assert session.get(server.url, timeout=5).status_code == 204
    assert {number for number, _ in server.received} == {1}


def test_set_cookie_reaches_the_response_and_the_session(serve: Callable[[Reply], RawServer]) -> None:
    server = serve(
        _fixed(b"HTTP/1.1 200 OK\r\nSet-Cookie: a=1; Path=/\r\nSet-Cookie: b=2; Path=/\r\nContent-Length: 0\r\n\r\n")
    )
    session = _session()
    client = RequestClient(session)
    response = client.get(server.url + "/x")
    assert response.cookies.get_dict() == {"a": "1", "b": "2"}
    assert session.cookies.get_dict() == {"a": "1", "b": "2"}
    client.get(server.url + "/y")
    assert b"Cookie: a=1; b=2" in server.received[-1][1]


def test_redirects_are_followed_through_the_session(serve: Callable[[Reply], RawServer]) -> None:
    server = serve(
        lambda request: (
            b"HTTP/1.1 302 Found\r\nLocation: /there\r\nContent-Length: 0\r\n\r\n"
            if b" /here " in request.split(b"\r\n")[0]
            else OK_JSON
        )
    )
    response = RequestClient(_session()).get(server.url + "/here")
    assert response_data(response) == {"id": 1} and [r.status_code for r in response.history] == [302]
    assert response.url == server.url + "/there"


def test_a_connection_closed_before_the_response_is_a_connection_error(serve: Callable[[Reply], RawServer]) -> None:
    server = serve(lambda request: None)
    with pytest.raises(requests.ConnectionError, match="Remote end closed connection without response"):
        _session().post(server.url, data=b"x", timeout=5)


def test_a_short_body_is_a_connection_error(serve: Callable[[Reply], RawServer]) -> None:
    server = serve(_fixed(b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\nConnection: close\r\n\r\nabc"))
    with pytest.raises(requests.ConnectionError, match="3 bytes read, 10 expected"):
        _session().get(server.url, timeout=5)


def test_no_answer_within_the_timeout_is_a_read_timeout(serve: Callable[[Reply], RawServer]) -> None:
    release = threading.Event()
    server = serve(lambda request: None if release.wait(10) else None)
    try:
        with pytest.raises(requests.ReadTimeout):
            _session().get(server.url, timeout=0.2)
    finally:
        release.set()


def test_a_refused_connection_names_the_operating_system_reason() -> None:
    with socket.create_server(("127.0.0.1", 0)) as probe:
        port = probe.getsockname()[1]
    with pytest.raises(requests.ConnectionError) as raised:
        _session().get(f"http://127.0.0.1:{port}/", timeout=5)
    assert "Connection refused" in str(raised.value)


def test_streamed_and_proxied_requests_go_through_http_adapter(serve: Callable[[Reply], RawServer]) -> None:
    server = serve(_fixed(OK_JSON))
    streamed = _session().get(server.url, timeout=5, stream=True)
    assert not isinstance(streamed, DirectResponse) and streamed.json() == {"id": 1}


def test_a_header_with_a_line_break_is_refused_before_anything_is_sent(serve: Callable[[Reply], RawServer]) -> None:
    server = serve(_fixed(OK_JSON))
    prepared = requests.Request("GET", server.url).prepare()
    prepared.headers["X-Evil"] = "a\r\nInjected: 1"
    with pytest.raises(requests.exceptions.InvalidHeader):
        DirectAdapter().send(prepared, timeout=5)
    assert server.received == []


def test_a_form_body_is_sent_directly_as_utf8(serve: Callable[[Reply], RawServer]) -> None:
    server = serve(_fixed(OK_JSON))
    for adapter in (HTTPAdapter(), DirectAdapter()):
        RequestClient(_session(adapter)).post(server.url + "/form", data={"name": "é&x"})
    assert server.received[0][1] == server.received[1][1]
    assert server.received[1][1].endswith(b"name=%C3%A9%26x")


def test_a_fallback_response_is_read_and_its_cookies_kept_as_session_send_does(
    serve: Callable[[Reply], RawServer],
) -> None:
    server = serve(
        _fixed(
            b"HTTP/1.1 200 OK\r\nSet-Cookie: a=1; Path=/\r\nContent-Type: application/json\r\n"
            b'Content-Length: 8\r\n\r\n{"id":1}'
        )
    )
    session = _session(DirectAdapter(max_retries=1))  # retries configured: HTTPAdapter.send does the exchange
    response = RequestClient(session).get(server.url + "/x")
    assert not isinstance(response, DirectResponse)
    assert response_data(response) == {"id": 1} and session.cookies.get_dict() == {"a": "1"}


def test_a_direct_response_survives_pickling_as_requests_responses_do(serve: Callable[[Reply], RawServer]) -> None:
    import pickle

    server = serve(_fixed(b"HTTP/1.1 200 OK\r\nSet-Cookie: a=1\r\nContent-Length: 2\r\n\r\nhi"))
    copy = pickle.loads(pickle.dumps(_session().get(server.url, timeout=5)))
    assert (copy.status_code, copy.content, copy.cookies.get_dict()) == (200, b"hi", {"a": "1"})


def test_a_large_body_arrives_whole_and_the_connection_is_kept(serve: Callable[[Reply], RawServer]) -> None:
    body = bytes(range(256)) * 20000  # 5 MB, many receives
    server = serve(_fixed(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n%s" % (len(body), body)))
    session = _session()
    assert session.get(server.url, timeout=5).content == body
    assert session.get(server.url, timeout=5).content == body
    assert {number for number, _ in server.received} == {1}


def test_proxies_that_do_not_apply_to_the_url_leave_it_direct(serve: Callable[[Reply], RawServer]) -> None:
    server = serve(_fixed(OK_JSON))
    session = _session()
    direct = session.get(server.url, timeout=5, proxies={"https": "http://127.0.0.1:9", "no_proxy": "127.0.0.1"})
    assert isinstance(direct, DirectResponse) and direct.json() == {"id": 1}
    with pytest.raises(requests.exceptions.ProxyError):  # a proxy that applies: HTTPAdapter.send, which uses it
        session.get(server.url, timeout=5, proxies={"http": "http://127.0.0.1:9"})


def test_a_failed_tls_handshake_is_requests_ssl_error() -> None:
    listener = socket.create_server(("127.0.0.1", 0))

    def answer_in_plain_http() -> None:  # what a TLS client reads instead of a ServerHello
        conn, _ = listener.accept()
        with conn:
            conn.sendall(OK_JSON)
            conn.recv(65536)

    threading.Thread(target=answer_in_plain_http, daemon=True).start()
    session = requests.Session()
    session.mount("https://", DirectAdapter())
    try:
        with pytest.raises(requests.exceptions.SSLError):
            session.get(f"https://127.0.0.1:{listener.getsockname()[1]}/", timeout=5, verify=False)
    finally:
        listener.close()


def test_a_kept_alive_connection_the_server_closed_while_idle_is_replaced() -> None:
    listener = socket.create_server(("127.0.0.1", 0))
    url = f"http://127.0.0.1:{listener.getsockname()[1]}"
    accepted: list[int] = []

    def answer_once_then_close() -> None:
        while True:
            try:
                conn, _ = listener.accept()
            except OSError:
                return
            with conn:
                accepted.append(1)
                conn.recv(65536)
                conn.sendall(OK_JSON)  # keep-alive by HTTP/1.1, then closed from this side

    threading.Thread(target=answer_once_then_close, daemon=True).start()
    session = _session()
    try:
        assert session.get(url, timeout=5).json() == {"id": 1}
        deadline = time.monotonic() + 5
        while len(accepted) < 1 and time.monotonic() < deadline:
            time.sleep(0.01)
        time.sleep(0.1)  # the close reaches this side
        assert session.get(url, timeout=5).json() == {"id": 1}  # not "Remote end closed connection"
    finally:
        listener.close()
    assert len(accepted) == 2


@pytest.mark.parametrize("pool_block", [False, True])
def test_threads_share_the_pool_and_it_keeps_no_more_than_its_size(
    serve: Callable[[Reply], RawServer], pool_block: bool
) -> None:
    server = serve(_fixed(OK_JSON))
    adapter = DirectAdapter(pool_maxsize=2, pool_block=pool_block)
    session = _session(adapter)
    failures: list[BaseException] = []

    def send() -> None:
        try:
            for _ in range(10):
                assert session.get(server.url + "/x", timeout=5).json() == {"id": 1}
        except BaseException as error:  # collected for the assertion below
            failures.append(error)

    threads = [threading.Thread(target=send) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not failures
    [pool] = set(adapter._pools.values())  # the one pool the requests went through
    assert pool.pool is not None and pool.pool.qsize() == 2
    kept = [conn for conn in pool.pool.queue if conn is not None]
    assert 1 <= len(kept) <= 2 and all(conn.sock is not None for conn in kept)
    assert len(server.received) == 60


def test_a_request_body_larger_than_the_socket_buffer_arrives_whole(serve: Callable[[Reply], RawServer]) -> None:
    server = serve(_fixed(OK_JSON))
    body = bytes(range(256)) * (16 * 1024)  # 4 MiB: more than one write can take
    assert _session().post(server.url + "/big", data=body, timeout=30).json() == {"id": 1}
    [(_, received)] = server.received
    assert received.endswith(b"\r\n\r\n" + body)
