"""A console over a real queue: the Pardot emulator on loopback, a replay that leaves dead letters."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from destinations.pardot.emulator import start_for_instance
from framework.cli import main
from framework.console import ConsoleOptions, create_console_app
from framework.delivery import open_queue
from framework.instance import DestinationInstance, read_config_file

TOML = Path("fixtures/instances/pardot.toml")
EVENTS = "fixtures/events/identify.ndjson"  # 9 identify events: 7 deliverable, 2 without an email
TOKEN = "console-test-token-4f9a"
# Every secret the instance holds: no page may show one.
SEEDED_SECRETS = ("emulator-access-token", "emulator-refresh-token", "emulator-client-secret", TOKEN)


@pytest.fixture
def emulator() -> Iterator[Any]:
    raw = read_config_file(TOML).config
    running = start_for_instance(dict(raw.settings), raw.auth or {}, list(raw.subscriptions))
    yield running
    running.stop()


@pytest.fixture
def replayed(tmp_path: Path, emulator: Any) -> tuple[str, str]:
    """(queue URL, instance config): 9 events replayed, 3 dead after HTTP 500s, 2 invalid, 4 delivered."""
    config = tmp_path / "console.toml"
    config.write_text(
        TOML.read_text(encoding="utf-8").replace(
            'destination = "actions-pardot"',
            f'id = "console-test"\ndestination = "actions-pardot"\nendpoint = "{emulator.base_url}"\n'
            "[delivery]\nmax_attempts = 1\n",
        ),
        encoding="utf-8",
    )
    queue_url = f"sqlite:///{tmp_path / 'console.db'}"
    assert main(["enqueue", EVENTS, "--instance", str(config), "--queue", queue_url]) == 0
    emulator.emulator.inject("status", status=500, count=3)
    argv = ["worker", "--instance", str(config), "--until-empty", "--concurrency", "1", "--queue", queue_url]
    assert main(argv) == 1
    return queue_url, str(config)


def make_options(replayed: tuple[str, str], *, read_only: bool = False) -> ConsoleOptions:
    queue_url, config = replayed
    queue = open_queue(queue_url)
    instance = DestinationInstance.from_file(config, token_store=queue.token_store())
    return ConsoleOptions(queue=queue, token=TOKEN, instances={config: instance}, read_only=read_only, refresh=0.2)


@pytest.fixture
def options(replayed: tuple[str, str]) -> Iterator[ConsoleOptions]:
    made = make_options(replayed)
    yield made
    made.queue.close()


@pytest.fixture
def anonymous(options: ConsoleOptions) -> Iterator[TestClient]:
    with TestClient(create_console_app(options)) as client:
        yield client


def log_in(client: TestClient) -> TestClient:
    response = client.post("/login", data={"token": TOKEN}, follow_redirects=False)
    assert response.status_code == 303
    return client


@pytest.fixture
def client(anonymous: TestClient) -> TestClient:
    return log_in(anonymous)


def csrf_of(client: TestClient, path: str = "/dead-letters") -> str:
    """The CSRF token the page's forms carry."""
    import re

    found = re.search(r'name="csrf_token" value="([^"]+)"', client.get(path).text)
    assert found, "the page has no CSRF field"
    return found.group(1)
