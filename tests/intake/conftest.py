"""Fixtures for the intake tests: a Pardot instance TOML with a write key, a queue, a served app."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from destinations.pardot.emulator import (
    DEFAULT_ACCESS_TOKEN,
    DEFAULT_BUSINESS_UNIT,
    DEFAULT_CLIENT_ID,
    DEFAULT_CLIENT_SECRET,
    DEFAULT_REFRESH_TOKEN,
)
from framework.delivery import JobProducer, JobQueue, open_queue
from framework.instance import DestinationInstance
from framework.intake import IntakeMetrics, IntakeServer, WriteKeys, create_app

WRITE_KEY = "wk_test_intake_1"


def instance_toml(write_key: str = WRITE_KEY, endpoint: str | None = None, instance_id: str = "pardot-intake") -> str:
    """A Pardot instance: identify → upsert prospect; the track "Email Changed" → change email."""
    endpoint_line = f'endpoint = "{endpoint}"\n' if endpoint else ""
    return f'''
id = "{instance_id}"
destination = "actions-pardot"
write_key = "{write_key}"
{endpoint_line}
[settings]
businessUnitID = "{DEFAULT_BUSINESS_UNIT}"
accountID = "1041922"

[auth]
access_token = "{DEFAULT_ACCESS_TOKEN}"
refresh_token = "{DEFAULT_REFRESH_TOKEN}"
client_id = "{DEFAULT_CLIENT_ID}"
client_secret = "{DEFAULT_CLIENT_SECRET}"

[delivery]
backoff_base = "0.05s"

[[subscriptions]]
name = "Upsert prospects on identify"
subscribe = 'type = "identify"'
action = "prospects"

[[subscriptions]]
name = "Change a prospect's email"
subscribe = 'type = "track" and event = "Email Changed"'
action = "prospects"
[subscriptions.mapping]
email = {{ "@path" = "$.properties.previous_email" }}
customFields = {{ email = {{ "@path" = "$.properties.email" }} }}
'''


@pytest.fixture
def instance_file(tmp_path: Path) -> Path:
    path = tmp_path / "pardot.toml"
    path.write_text(instance_toml())
    return path


@pytest.fixture
def queue(tmp_path: Path) -> Iterator[JobQueue]:
    opened = open_queue(f"sqlite:///{tmp_path / 'queue.db'}")
    yield opened
    opened.close()


@dataclass
class Served:
    """A running intake server (no delivery workers) and what it writes to."""

    url: str
    queue: JobQueue
    instance: DestinationInstance
    metrics: IntakeMetrics


@pytest.fixture
def served(instance_file: Path, queue: JobQueue) -> Iterator[Served]:
    with DestinationInstance.from_file(instance_file) as instance:
        metrics = IntakeMetrics(queue)
        app = create_app(WriteKeys([(WRITE_KEY, JobProducer(instance))]), queue, metrics)
        with IntakeServer(app, "127.0.0.1", 0) as server:
            yield Served(server.url, queue, instance, metrics)
