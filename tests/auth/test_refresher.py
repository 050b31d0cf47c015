"""TokenRefresher: one refresh per credential however many threads ask, and failures classified."""

from __future__ import annotations

import threading
from typing import Any

import pytest
import requests

from framework.auth import MemoryTokenStore, OAuthTokens, TokenRefresher
from framework.errors import (
    APIError,
    HTTPError,
    InvalidAuthenticationError,
    Resolution,
    RetryableError,
    resolution_for,
)

STALE = OAuthTokens(access_token="stale-access", refresh_token="refresh-1", client_id="id", client_secret="secret")


def test_concurrent_callers_share_one_refresh() -> None:
    calls: list[OAuthTokens] = []
    release = threading.Event()
    threads_count = 12
    barrier = threading.Barrier(threads_count)
    results: list[OAuthTokens] = []
    lock = threading.Lock()

    def do_refresh(stale: OAuthTokens) -> dict[str, Any]:
        calls.append(stale)
        release.wait(10)
        return {"access_token": "fresh-access"}

    refresher = TokenRefresher(MemoryTokenStore())

    def worker() -> None:
        barrier.wait()
        tokens = refresher.refresh("cred", STALE, do_refresh)
        with lock:
            results.append(tokens)

    threads = [threading.Thread(target=worker) for _ in range(threads_count)]
    for thread in threads:
        thread.start()
    release.set()
    for thread in threads:
        thread.join(10)
    assert len(calls) == 1
    assert len(results) == threads_count
    assert {t.access_token for t in results} == {"fresh-access"}
    assert all(t.refresh_token == "refresh-1" for t in results)


def test_a_late_caller_with_the_old_token_gets_the_stored_one() -> None:
    store = MemoryTokenStore()
    seen: list[OAuthTokens] = []
    refresher = TokenRefresher(store, on_token_refresh=seen.append)
    first = refresher.refresh("cred", STALE, lambda s: OAuthTokens(access_token="fresh"))
    second = refresher.refresh("cred", STALE, lambda s: pytest.fail("refreshed twice"))
    assert first == second == store.load("cred")
    assert seen == [first]
    third = refresher.refresh("cred", first, lambda s: {"accessToken": "fresher"})  # the new token expired too
    assert third.access_token == "fresher" and refresher.current("cred") == third


def test_credentials_are_independent() -> None:
    refresher = TokenRefresher()
    a = refresher.refresh("a", STALE, lambda s: {"access_token": "for-a"})
    b = refresher.refresh("b", STALE, lambda s: {"access_token": "for-b"})
    assert (a.access_token, b.access_token) == ("for-a", "for-b")


def _http_error(status: int, body: dict[str, Any]) -> HTTPError:
    response = requests.Response()
    response.status_code = status
    response.reason = "Bad Request"
    response.data = body  # type: ignore[attr-defined]
    return HTTPError(response)


def _raise(error: BaseException) -> Any:
    def do_refresh(stale: OAuthTokens) -> Any:
        raise error

    return do_refresh


@pytest.mark.parametrize(
    ("do_refresh", "message"),
    [
        (lambda s: None, "^Failed to refresh access token$"),
        (lambda s: {}, "^Failed to refresh access token$"),
        (lambda s: {"refresh_token": "only"}, "^Failed to refresh access token$"),
        (
            _raise(_http_error(400, {"error": "invalid_grant", "error_description": "expired access/refresh token"})),
            "^Failed to refresh access token: 400 invalid_grant: expired access/refresh token$",
        ),
        (_raise(_http_error(401, {})), "^Failed to refresh access token: 401 Bad Request$"),
        (
            _raise(APIError("expired access/refresh token", 400)),
            "^Failed to refresh access token: expired access/refresh token$",
        ),
        (_raise(KeyError("access_token")), "^Failed to refresh access token: 'access_token'$"),
    ],
)
def test_failed_refresh_is_terminal(do_refresh: Any, message: str) -> None:
    store = MemoryTokenStore()
    with pytest.raises(InvalidAuthenticationError, match=message) as caught:
        TokenRefresher(store).refresh("cred", STALE, do_refresh)
    assert caught.value.code == "OAUTH_REFRESH_FAILED"
    assert resolution_for(caught.value) is Resolution.TERMINAL
    assert store.load("cred") is None


@pytest.mark.parametrize(
    "error",
    [
        RetryableError("token request is already being processed"),
        _http_error(503, {}),
        requests.ConnectionError("refused"),
        InvalidAuthenticationError("revoked", code="REFRESH_TOKEN_EXPIRED"),
    ],
)
def test_specific_errors_pass_through(error: BaseException) -> None:
    with pytest.raises(type(error)) as caught:
        TokenRefresher().refresh("cred", STALE, _raise(error))
    assert caught.value is error


def test_a_failed_refresh_does_not_block_the_next_attempt() -> None:
    refresher = TokenRefresher()
    with pytest.raises(RetryableError):
        refresher.refresh("cred", STALE, _raise(RetryableError("busy")))
    assert refresher.refresh("cred", STALE, lambda s: {"access_token": "ok"}).access_token == "ok"


def test_store_lock_is_held_around_check_and_refresh() -> None:
    events: list[str] = []

    class Held:
        def __init__(self, key: str) -> None:
            self.key = key

        def __enter__(self) -> None:
            events.append(f"lock {self.key}")

        def __exit__(self, *exc: object) -> None:
            events.append(f"unlock {self.key}")

    class LockingStore(MemoryTokenStore):
        def lock(self, key: str) -> Held:
            return Held(key)

    def do_refresh(stale: OAuthTokens) -> dict[str, str]:
        events.append("refresh")
        return {"access_token": "fresh"}

    TokenRefresher(LockingStore()).refresh("cred", STALE, do_refresh)
    assert events == ["lock cred", "refresh", "unlock cred"]


def test_current_follows_every_save_to_the_store() -> None:
    store = MemoryTokenStore()
    refresher = TokenRefresher(store)
    assert refresher.current("k", STALE) is STALE
    store.save("k", OAuthTokens(access_token="second", refresh_token="refresh-2"))
    second = refresher.current("k", STALE)
    assert second is not None and (second.access_token, second.client_secret) == ("second", "secret")
    assert refresher.current("k", STALE) == second
    store.save("k", OAuthTokens(access_token="third"))
    third = refresher.current("k", STALE)
    assert third is not None and (third.access_token, third.refresh_token) == ("third", "refresh-1")
    other = OAuthTokens(access_token="other", client_id="id-2")
    assert refresher.current("k", other) == OAuthTokens(access_token="third", client_id="id-2")
