"""A request that gets no response is described by its host and the operating system's reason."""

import socket

import pytest
import requests

from framework.http import RequestClient
from framework.http.network_errors import describe_network_error


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_a_refused_connection_names_the_host_and_the_reason() -> None:
    port = _closed_port()
    client = RequestClient()
    with pytest.raises(requests.ConnectionError) as caught:
        client.post(f"http://127.0.0.1:{port}/things", json={"a": 1})
    expected = f"could not reach 127.0.0.1:{port}: [Errno 111] Connection refused"
    assert describe_network_error(caught.value) == expected
    assert client.exchanges[0].error == expected and client.exchanges[0].status is None


def test_the_reason_is_found_under_urllib3s_nesting_or_plain_causes() -> None:
    inner = ConnectionResetError(104, "Connection reset by peer")
    wrapped = requests.ConnectionError(RuntimeError("pool wrapper"))
    wrapped.args[0].__cause__ = inner
    assert describe_network_error(wrapped) == "could not reach the server: [Errno 104] Connection reset by peer"
    assert describe_network_error(requests.ConnectionError("plain text")) == "could not reach the server: plain text"
