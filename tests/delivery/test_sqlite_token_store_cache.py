"""The SQLite token store answers from memory but still sees a token another process saved."""

from __future__ import annotations

import subprocess
import sys
import threading
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


def test_a_known_token_is_answered_while_the_queue_is_inside_a_transaction(tmp_path: Path) -> None:
    """A send must not wait for a claim, a settle or an intake batch to commit just to read its token."""
    queue = SqliteQueue(tmp_path / "queue.db")
    store = queue.token_store()
    store.save("cred", OAuthTokens(access_token="mine", refresh_token="r"))
    holding, release = threading.Event(), threading.Event()

    def hold_the_queue_lock() -> None:
        with queue._lock:
            holding.set()
            release.wait()

    holder = threading.Thread(target=hold_the_queue_lock)
    holder.start()
    holding.wait()
    loaded: list[OAuthTokens | None] = []
    reader = threading.Thread(target=lambda: loaded.append(store.load("cred")))
    reader.start()
    reader.join(timeout=30)  # a guard against hanging, not a timing: the load must not need the lock
    still_waiting = reader.is_alive()
    release.set()
    holder.join()
    reader.join()
    assert not still_waiting
    assert loaded[0] is not None and loaded[0].access_token == "mine"


def test_a_token_refreshed_elsewhere_is_seen_inside_the_refresh_lock(tmp_path: Path) -> None:
    path = tmp_path / "queue.db"
    reader, writer = SqliteQueue(path).token_store(), SqliteQueue(path).token_store()
    writer.save("cred", OAuthTokens(access_token="old", refresh_token="r1"))
    assert reader.load("cred") is not None
    writer.save("cred", OAuthTokens(access_token="new", refresh_token="r2"))
    with reader.lock("cred"):
        loaded = reader.load("cred")
    assert loaded is not None and loaded.access_token == "new"


def test_a_known_token_is_answered_without_asking_the_database_until_someone_saves(tmp_path: Path) -> None:
    path = tmp_path / "queue.db"
    queue, other = SqliteQueue(path), SqliteQueue(path)
    store = queue.token_store()
    store.save("cred", OAuthTokens(access_token="old", refresh_token="r1"))
    assert store.load("cred") is not None
    statements: list[str] = []
    queue._db.set_trace_callback(statements.append)
    for _ in range(3):
        loaded = store.load("cred")
        assert loaded is not None and loaded.access_token == "old"
    assert statements == []
    other.token_store().save("cred", OAuthTokens(access_token="new", refresh_token="r2"))
    reloaded = store.load("cred")
    assert reloaded is not None and reloaded.access_token == "new"
    assert any("tokens" in statement for statement in statements)


def test_a_token_another_process_saved_is_loaded_again(tmp_path: Path) -> None:
    path = tmp_path / "queue.db"
    store = SqliteQueue(path).token_store()
    store.save("cred", OAuthTokens(access_token="old", refresh_token="r1"))
    assert store.load("cred") is not None
    saver = (
        "import sys; from pathlib import Path; from framework.auth import OAuthTokens; "
        "from framework.delivery.sqlite_queue import SqliteQueue; "
        "SqliteQueue(Path(sys.argv[1])).token_store().save('cred', OAuthTokens(access_token='new', refresh_token='r2'))"
    )
    subprocess.run([sys.executable, "-c", saver, str(path)], check=True, timeout=120)
    reloaded = store.load("cred")
    assert reloaded is not None and reloaded.access_token == "new"


def test_every_save_moves_the_counter_every_process_reads(tmp_path: Path) -> None:
    path = tmp_path / "queue.db"
    first, second = SqliteQueue(path).token_store(), SqliteQueue(path).token_store()
    before = first._saves()
    first.save("a", OAuthTokens(access_token="1", refresh_token="r"))
    second.save("b", OAuthTokens(access_token="2", refresh_token="r"))
    after = first._saves()
    assert before is not None and after is not None
    assert int.from_bytes(after, "little") == int.from_bytes(before, "little") + 2
