"""Quota pacing: a reported daily API usage paces the account, and a spent quota parks its jobs instead of failing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

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
from framework.instance import DestinationInstance, InstanceConfigError
from framework.instance.config import DeliveryOptions

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


def spend_the_quota(tmp_path: Path, quota_time_zone: str = "UTC") -> tuple[Any, dict[str, Any], SqliteQueue]:
    """20 identifies through the engine against an emulator allowing 12 calls a day."""
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
            instance.delivery = DeliveryOptions(quota_time_zone=quota_time_zone)  # a settings JSON has no [delivery]
            outcome = replay_into_queue(queue, instance, events, options=options)
        stats = emulator.stats()
    return outcome, stats, queue


def test_the_engine_parks_the_account_when_the_reported_quota_is_spent_before_pardot_refuses(tmp_path: Path) -> None:
    outcome, stats, queue = spend_the_quota(tmp_path)
    assert outcome.exit is not None and outcome.exit.reason == "waiting"
    assert outcome.tally.total("delivered") == 12 and outcome.tally.total("still_queued") == 8
    assert outcome.tally.total("dead_lettered") == 0
    ((until, reason),) = outcome.exit.paused_accounts.values()
    assert "daily API quota is spent (12/12)" in reason and until > (outcome.exit.next_due or 0) - 1
    assert stats["api_calls"] == 12  # parked on the reported usage: Pardot never had to refuse a call
    queue.close()


CHICAGO = ZoneInfo("America/Chicago")


def test_a_spent_quota_parks_until_midnight_in_the_accounts_time_zone() -> None:
    at_20_utc = MIDNIGHT + 20 * HOUR  # 2026-03-01 14:00 in Chicago (CST, UTC-6)
    paused = QuotaPacer().observe(25_000, 25_000, at_20_utc, CHICAGO)
    assert paused is not None
    assert paused.until == datetime(2026, 3, 2, tzinfo=CHICAGO).timestamp() == MIDNIGHT + 30 * HOUR
    assert "2026-03-02T00:00:00-0600" in paused.reason


def test_the_budget_follows_the_local_day_across_a_daylight_saving_change() -> None:
    spring_forward = datetime(2026, 3, 8, tzinfo=CHICAGO).timestamp()  # a 23-hour day in Chicago
    pacer = QuotaPacer(free_share=0.5)
    assert pacer.budget(10_000, spring_forward + 11.5 * HOUR, CHICAGO) == pytest.approx(7_500)
    paused = pacer.observe(10_000, 10_000, spring_forward + HOUR, CHICAGO)
    assert paused is not None and paused.until == spring_forward + 23 * HOUR


def test_the_instance_names_the_quota_time_zone_and_a_wrong_name_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "pardot.toml"
    base = Path(__file__).resolve().parents[2] / "fixtures" / "instances" / "pardot.toml"
    path.write_text(base.read_text() + '\n[delivery]\nquota_time_zone = "America/Chicago"\n')
    with DestinationInstance.from_file(path) as instance:
        assert instance.delivery.quota_zone == CHICAGO
    path.write_text(base.read_text() + '\n[delivery]\nquota_time_zone = "Mars/Olympus"\n')
    with pytest.raises(InstanceConfigError) as caught:
        DestinationInstance.from_file(path)
    assert "delivery.quota_time_zone: 'Mars/Olympus' is not a time zone" in str(caught.value)


def test_the_engine_parks_a_spent_quota_until_midnight_in_the_instances_quota_time_zone(tmp_path: Path) -> None:
    next_midnights = {_next_midnight(CHICAGO)}
    outcome, _, queue = spend_the_quota(tmp_path, "America/Chicago")
    next_midnights.add(_next_midnight(CHICAGO))  # the run may straddle midnight: either is right
    queue.close()
    ((until, reason),) = outcome.exit.paused_accounts.values()
    assert until in next_midnights
    assert "-0600" in reason or "-0500" in reason  # the reset is told in Chicago's clock


def _next_midnight(zone: ZoneInfo) -> float:
    today = datetime.now(zone).replace(hour=0, minute=0, second=0, microsecond=0)
    return (today + timedelta(days=1)).timestamp()
