"""Quota pacing: a reported daily API usage paces the account, and a spent quota parks its jobs instead of failing."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from destinations.pardot.emulator import (
    DEFAULT_ACCESS_TOKEN,
    DEFAULT_BUSINESS_UNIT,
    DEFAULT_REFRESH_TOKEN,
    PardotEmulator,
)
from framework.delivery.quota_pacing import QuotaPacer, usage_in
from framework.delivery.replay_run import replay_into_queue
from framework.delivery.sqlite_queue import SqliteQueue
from framework.delivery.worker import WorkerOptions
from framework.events import EventRecord
from framework.instance import DestinationInstance

MIDNIGHT = datetime(2026, 3, 1, tzinfo=UTC).timestamp()
HOUR = 3600.0


def test_half_the_quota_is_free_and_the_rest_unlocks_as_the_day_passes() -> None:
    pacer = QuotaPacer(free_share=0.5)
    assert pacer.observe(4_999, 10_000, MIDNIGHT + HOUR) is None
    paused = pacer.observe(5_100, 10_000, MIDNIGHT + HOUR)  # budget at 01:00 is 5,208: still fine
    assert paused is None
    paused = pacer.observe(7_500, 10_000, MIDNIGHT + HOUR)
    assert paused is not None and paused.until == pytest.approx(
        MIDNIGHT + 12 * HOUR + 0.2 * 86400 / 10_000 * 24, abs=30
    )
    assert "pacing the daily API quota (7500/10000 used)" in paused.reason
    assert pacer.observe(7_500, 10_000, MIDNIGHT + 13 * HOUR) is None  # by 13:00 the budget allows it


def test_a_spent_quota_parks_until_midnight_utc() -> None:
    paused = QuotaPacer().observe(25_000, 25_000, MIDNIGHT + 20 * HOUR)
    assert paused is not None and paused.until == MIDNIGHT + 24 * HOUR
    assert "spent (25000/25000)" in paused.reason and "2026-03-02T00:00:00+0000" in paused.reason


def test_usage_is_read_from_the_output_only_when_it_is_numbers() -> None:
    assert usage_in({"apiUsage": {"used": 3, "limit": 10, "remaining": 7}}) == (3, 10)
    assert usage_in({"apiUsage": {"used": "3", "limit": 10}}) is None
    assert usage_in({"prospect": {}}) is None and usage_in(None) is None


def test_the_engine_parks_the_account_when_the_reported_quota_is_spent_before_pardot_refuses(tmp_path: Path) -> None:
    with PardotEmulator(daily_limit=12) as emulator:
        subscription = {
            "name": "prospects",
            "subscribe": 'type = "identify"',
            "partnerAction": "prospects",
            "mapping": {"email": {"@path": "$.traits.email"}, "secondaryDeletedSearch": True},
        }
        settings = {
            "businessUnitID": DEFAULT_BUSINESS_UNIT,
            "accountID": "1",
            "returnApiUsage": True,
            "subscriptions": [subscription],
            "oauth": {"access_token": DEFAULT_ACCESS_TOKEN, "refresh_token": DEFAULT_REFRESH_TOKEN},
        }
        events = [
            EventRecord(
                {"type": "identify", "userId": f"u{i}", "messageId": f"m{i}", "traits": {"email": f"u{i}@example.com"}},
                "generated",
                i + 1,
            )
            for i in range(20)
        ]
        queue = SqliteQueue(tmp_path / "queue.db")
        options = WorkerOptions(concurrency=1, quota_free_share=1.0, give_up_wait=60)
        with DestinationInstance.from_settings(settings, endpoint=emulator.base_url) as instance:
            outcome = replay_into_queue(queue, instance, events, options=options)
        stats = emulator.stats()
    assert outcome.exit is not None and outcome.exit.reason == "waiting"
    assert outcome.tally.total("delivered") == 12 and outcome.tally.total("still_queued") == 8
    assert outcome.tally.total("dead_lettered") == 0
    ((until, reason),) = outcome.exit.paused_accounts.values()
    assert "daily API quota is spent (12/12)" in reason and until > (outcome.exit.next_due or 0) - 1
    assert stats["api_calls"] == 12  # parked on the reported usage: Pardot never had to refuse a call
    queue.close()
