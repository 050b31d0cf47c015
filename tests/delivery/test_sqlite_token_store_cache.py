"""The SQLite token store answers from memory but still sees a token another process saved."""

from __future__ import annotations

from pathlib import Path

from framework.auth import OAuthTokens
from framework.delivery.sqlite_queue import SqliteQueue


def test_a_token_saved_through_another_connection_is_loaded_again(tmp_path: Path) -> None:
    path = tmp_path / "queue.db"
    first, second = SqliteQueue(path), SqliteQueue(path)
    reader, writer = first.token_store(), second.token_store()
    writer.save("cred", OAuthTokens(access_token="old", refresh_token="r1"))
    loaded = reader.load("cred")
    assert loaded is not None and loaded.access_token == "old"
    writer.save("cred", OAuthTokens(access_token="new", refresh_token="r2"))
    reloaded = reader.load("cred")
    assert reloaded is not None and reloaded.access_token == "new"


def test_an_unknown_key_stays_unknown_until_someone_saves_it(tmp_path: Path) -> None:
    path = tmp_path / "queue.db"
    first, second = SqliteQueue(path), SqliteQueue(path)
    assert first.token_store().load("cred") is None
    second.token_store().save("cred", OAuthTokens(access_token="a", refresh_token="r"))
    loaded = first.token_store().load("cred")
    assert loaded is not None and loaded.access_token == "a"


def test_its_own_save_is_seen_at_once(tmp_path: Path) -> None:
    store = SqliteQueue(tmp_path / "queue.db").token_store()
    assert store.load("cred") is None
    store.save("cred", OAuthTokens(access_token="mine", refresh_token="r"))
    loaded = store.load("cred")
    assert loaded is not None and loaded.access_token == "mine"
