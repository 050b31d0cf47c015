"""OAuthTokens: Segment's settings.oauth shape in and out, merged refreshes, secrets never shown."""

from __future__ import annotations

from framework.auth import MemoryTokenStore, OAuthTokens, TokenStore

SEGMENT_OAUTH = {
    "access_token": "00Dxx0000001gPL!AR8AQaccess",
    "refresh_token": "5Aep861refreshtokenvalue",
    "clientId": "3MVG9client",
    "clientSecret": "client-secret-value-123",
    "refresh_token_url": "https://login.salesforce.com/services/oauth2/token",
}


def test_from_segment_reads_segment_keys_and_round_trips() -> None:
    tokens = OAuthTokens.from_segment(SEGMENT_OAUTH)
    assert tokens == OAuthTokens(
        access_token="00Dxx0000001gPL!AR8AQaccess",
        refresh_token="5Aep861refreshtokenvalue",
        client_id="3MVG9client",
        client_secret="client-secret-value-123",
        refresh_token_url="https://login.salesforce.com/services/oauth2/token",
    )
    assert tokens is not None and tokens.to_segment() == SEGMENT_OAUTH
    assert OAuthTokens.from_segment({"accessToken": "a", "refreshToken": "r"}) == OAuthTokens("a", "r")
    assert OAuthTokens.from_segment(None) is None and OAuthTokens.from_segment({}) is None


def test_repr_and_str_never_show_secrets() -> None:
    tokens = OAuthTokens.from_segment(SEGMENT_OAUTH)
    for text in (repr(tokens), str(tokens), f"{tokens}", repr([tokens])):
        for secret in ("00Dxx0000001gPL!AR8AQaccess", "5Aep861refreshtokenvalue", "client-secret-value-123"):
            assert secret not in text
    assert "3MVG9client" in repr(tokens)


def test_refreshed_keeps_what_the_refresh_did_not_return() -> None:
    tokens = OAuthTokens.from_segment(SEGMENT_OAUTH)
    assert tokens is not None
    fresh = tokens.refreshed({"access_token": "new"})
    assert (fresh.access_token, fresh.refresh_token, fresh.client_secret) == (
        "new",
        "5Aep861refreshtokenvalue",
        "client-secret-value-123",
    )
    rotated = tokens.refreshed(OAuthTokens(access_token="n2", refresh_token="r2"))
    assert (rotated.access_token, rotated.refresh_token) == ("n2", "r2")


def test_memory_store_is_a_token_store() -> None:
    store = MemoryTokenStore()
    assert isinstance(store, TokenStore)
    assert store.load("k") is None
    store.save("k", OAuthTokens("a"))
    assert store.load("k") == OAuthTokens("a")
