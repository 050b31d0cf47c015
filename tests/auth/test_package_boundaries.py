"""``framework.auth`` and ``framework.definition`` do not import each other; the store's lock is a typed protocol."""

from __future__ import annotations

import ast
import contextlib
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

from framework.auth import LockableTokenStore, MemoryTokenStore, OAuthTokens, TokenStore

FRAMEWORK = Path(__file__).resolve().parents[2] / "framework"


def _imported_modules(package: str) -> dict[str, set[str]]:
    """Every module each file of ``framework/<package>`` imports, at any depth (function bodies too)."""
    found: dict[str, set[str]] = {}
    for path in sorted((FRAMEWORK / package).rglob("*.py")):
        names: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module:
                names.add(node.module)
            elif isinstance(node, ast.Import):
                names.update(alias.name for alias in node.names)
        found[path.name] = names
    return found


def test_framework_auth_never_imports_framework_definition() -> None:
    offenders = {
        file: sorted(name for name in names if name.startswith("framework.definition"))
        for file, names in _imported_modules("auth").items()
    }
    assert {file: names for file, names in offenders.items() if names} == {}


def test_importing_framework_auth_loads_neither_definition_nor_pydantic() -> None:
    code = (
        "import sys, framework.auth; print(sorted(m for m in ('framework.definition', 'pydantic') if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=FRAMEWORK.parent
    )
    assert result.stdout.strip() == "[]"


class _LockingStore(MemoryTokenStore):
    def __init__(self) -> None:
        super().__init__()
        self.held: list[str] = []

    @contextlib.contextmanager
    def lock(self, key: str) -> Iterator[None]:
        self.held.append(key)
        yield


def test_a_store_with_lock_is_a_lockable_token_store_and_the_memory_store_is_not() -> None:
    assert isinstance(_LockingStore(), LockableTokenStore)
    assert isinstance(MemoryTokenStore(), TokenStore)
    assert not isinstance(MemoryTokenStore(), LockableTokenStore)


def test_the_refresher_takes_the_protocol_lock() -> None:
    from framework.auth import TokenRefresher

    store = _LockingStore()
    TokenRefresher(store).refresh("cred", OAuthTokens(access_token="old"), lambda stale: {"access_token": "new"})
    assert store.held == ["cred"]
