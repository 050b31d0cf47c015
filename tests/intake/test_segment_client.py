"""Segment's own Python library (segment-analytics-python) feeding `actions serve` end to end.

The client is configured as a newcomer would (``host`` = the server, an instance's write key), sends
identify and track calls and flushes; the server's in-process workers deliver the identifies to the
Pardot emulator as prospects, and the tracks no trigger wants are counted as filtered in /metrics.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from segment.analytics.client import Client  # type: ignore[import-untyped]
from segment.analytics.request import APIError  # type: ignore[import-untyped]

from destinations.pardot.emulator import PardotEmulator
from framework.delivery import JobProducer, open_queue
from framework.instance import DestinationInstance
from framework.intake import IntakeMetrics, IntakeServer, WriteKeys, create_app
from framework.intake.delivery_companion import DeliveryCompanion
from tests.intake.conftest import WRITE_KEY, Served, instance_toml
from tests.intake.delivery_support import wait_for_prospects


@pytest.fixture
def server_url(tmp_path: Path) -> Iterator[tuple[str, PardotEmulator]]:
    with PardotEmulator() as emulator:
        path = tmp_path / "pardot.toml"
        path.write_text(instance_toml(endpoint=emulator.base_url))
        queue_url = f"sqlite:///{tmp_path / 'queue.db'}"
        queue = open_queue(queue_url)
        with DestinationInstance.from_file(path) as instance:
            metrics = IntakeMetrics(queue)
            workers = DeliveryCompanion(queue, [instance], on_outcome=metrics.record_settled)
            app = create_app(WriteKeys([(WRITE_KEY, JobProducer(instance))]), queue, metrics)
            with IntakeServer(app, "127.0.0.1", 0, companions=[workers]) as server:
                yield server.url, emulator
        queue.close()


def test_identifies_from_the_official_client_arrive_as_prospects(server_url: tuple[str, PardotEmulator]) -> None:
    url, emulator = server_url
    errors: list[Any] = []
    client = Client(write_key=WRITE_KEY, host=url, max_retries=1, on_error=lambda error, batch: errors.append(error))
    client.identify(
        "u-ada",
        {
            "email": "ada@example.com",
            "first_name": "Ada",
            "last_name": "Lovelace",
            "company": "Analytical Engines",
            "phone": "+44 20 0000 0000",
        },
    )
    client.identify("u-alan", {"email": "alan@example.com", "first_name": "Alan", "last_name": "Turing"})
    client.track("u-ada", "Viewed Pricing", {"plan": "pro"})
    client.track("u-alan", "Viewed Pricing", {"plan": "team"})
    client.page("u-alan", "Docs", "Getting started")
    client.flush()
    client.join()
    assert errors == []

    prospects = wait_for_prospects(emulator, lambda found: {"ada@example.com", "alan@example.com"} <= set(found))
    ada = prospects["ada@example.com"]
    assert (ada["firstName"], ada["lastName"], ada["company"], ada["phone"]) == (
        "Ada",
        "Lovelace",
        "Analytical Engines",
        "+44 20 0000 0000",
    )
    assert prospects["alan@example.com"]["lastName"] == "Turing"

    text = requests.get(url + "/metrics", timeout=10).text
    # Three calls (two tracks, one page) are not identifies; the email-change trigger wants none of the five.
    assert (
        'actions_events_filtered_total{instance="pardot-intake",subscription="Upsert prospects on identify"} 3.0'
        in text
    )
    assert (
        'actions_events_filtered_total{instance="pardot-intake",subscription="Change a prospect\'s email"} 5.0' in text
    )
    assert (
        'actions_jobs_delivered_total{instance="pardot-intake",subscription="Upsert prospects on identify"} 2.0' in text
    )


def test_the_client_hears_the_reason_for_a_wrong_write_key(served: Served) -> None:
    client = Client(write_key="not-the-key", host=served.url, max_retries=0, sync_mode=True)
    with pytest.raises(APIError) as caught:
        client.identify("u-1", {"email": "x@example.com"})
    assert caught.value.status == 401 and "not one this server knows" in caught.value.message
    assert served.queue.stats().rows == []
