"""The overview's slowest and most failing subscriptions (attempt latency) and quota used and left."""

from __future__ import annotations

import re
import sqlite3
import time
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from framework.cli import main
from framework.console import create_console_app
from framework.delivery import JobQueue, JobState, NewJob, Settlement
from framework.delivery.attempt_latency import BOUNDS_MS, LatencyBucket, summaries
from framework.delivery.jobs import Attempt
from framework.delivery.quota_usage import QuotaUsage
from tests.console.conftest import EVENTS, SEEDED_SECRETS, TOML, log_in, make_options
from tests.delivery.conftest import postgres_queue, postgres_url, queue  # noqa: F401  (fixtures, both backends)


def _cells(page: str, table: str, field: str) -> list[str]:
    body = page.split(f'id="{table}"')[1].split("</table>")[0]
    return re.findall(rf'data-field="{field}">([^<]*)<', body)


def test_the_overview_ranks_subscriptions_by_the_attempts_the_queue_recorded(client: TestClient, options: Any) -> None:
    with sqlite3.connect(options.queue.path) as db:
        attempts, failed = db.execute(
            "SELECT count(*), sum(status IN ('failed', 'invalid')) FROM attempts WHERE started_at >= ?",
            (time.time() - 3600,),
        ).fetchone()
    page = client.get("/").text
    slowest = page.split('id="slowest"')[1].split("</table>")[0]
    assert "last hour" in slowest and "last day" in slowest
    counted = _cells(page, "slowest", "attempts")
    assert sum(int(n) for n in counted) == 2 * attempts  # each attempt once per window
    assert sum(int(n) for n in _cells(page, "most-failing", "failed")) == 2 * failed and failed >= 3
    assert all(value.startswith("&le;") for value in _cells(page, "slowest", "p95"))
    assert not any(secret in page for secret in SEEDED_SECRETS)


def test_a_destination_that_reports_no_quota_shows_unknown(client: TestClient) -> None:
    page = client.get("/").text
    assert _cells(page, "quota", "used") == ["unknown"] and _cells(page, "quota", "left") == ["unknown"]
    assert "no daily API quota reported" in page


def test_the_quota_used_and_left_is_what_pardot_reported(tmp_path: Path, emulator: Any) -> None:
    config = tmp_path / "quota.toml"
    config.write_text(
        TOML.read_text(encoding="utf-8")
        .replace(
            'destination = "actions-pardot"',
            f'id = "quota-test"\ndestination = "actions-pardot"\nendpoint = "{emulator.base_url}"\n',
        )
        .replace("[settings]\n", "[settings]\nreturnApiUsage = true\n", 1),
        encoding="utf-8",
    )
    queue_url = f"sqlite:///{tmp_path / 'quota.db'}"
    assert main(["enqueue", EVENTS, "--instance", str(config), "--queue", queue_url]) == 0
    assert main(["worker", "--instance", str(config), "--until-empty", "--queue", queue_url]) in (0, 1)
    options = make_options((queue_url, str(config)))
    try:
        with TestClient(create_console_app(options)) as client:
            page = log_in(client).get("/").text
        used, limit = emulator.emulator.quota_used(), emulator.emulator.app.quota.limit
        assert used > 0
        assert _cells(page, "quota", "used") == [str(used)]
        assert _cells(page, "quota", "limit") == [str(limit)]
        assert _cells(page, "quota", "left") == [str(limit - used)]
    finally:
        options.queue.close()


def test_a_histogram_gives_bucket_bounds_never_above_the_slowest_attempt() -> None:
    fast = LatencyBucket("i", 0, True, BOUNDS_MS.index(20), 90, 0, 90 * 15.0, 19.0)
    slow = LatencyBucket("i", 0, False, BOUNDS_MS.index(500), 10, 4, 10 * 300.0, 420.0)
    (hour,) = summaries([fast, slow], recent_only=True)
    assert (hour.attempts, hour.failed, hour.median_ms, hour.p95_ms, hour.max_ms) == (90, 0, 19.0, 19.0, 19.0)
    (day,) = summaries([fast, slow], recent_only=False)
    assert (day.attempts, day.failed, day.median_ms, day.p95_ms) == (100, 4, 19.0, 420.0)
    assert day.failure_rate == pytest.approx(0.04) and day.mean_ms == pytest.approx(43.5)


def _attempted(queue: JobQueue, latencies: list[float], started: float) -> None:  # noqa: F811
    queue.enqueue([NewJob("inst", 0, f"m{n}", {"type": "identify"}, "acct") for n in range(len(latencies))])
    claimed = sorted(queue.claim("w1", instances=["inst"], limit=100, account_limits={}), key=lambda job: job.id)
    settlements = []
    for n, (job, latency) in enumerate(zip(claimed, latencies, strict=True)):
        status = "failed" if n % 2 else "delivered"
        attempt = Attempt(job.id, 1, started - 7200 * (n == 0), latency, status, None)
        state = JobState.DEAD if n % 2 else JobState.DELIVERED
        settlements.append(Settlement(job.id, state, reason="why", attempt=attempt))
    queue.settle(settlements)


def test_attempt_latencies_bucket_the_windows_on_both_backends(queue: JobQueue) -> None:  # noqa: F811
    now = time.time()
    _attempted(queue, [3000.0, 4.0, 40.0, 45.0, 150.0], now)  # the first started two hours ago
    buckets = queue.attempt_latencies(now - 86_400, now - 3600)
    (hour,) = summaries(buckets, recent_only=True)
    (day,) = summaries(buckets, recent_only=False)
    assert (hour.attempts, hour.failed, hour.median_ms, hour.max_ms) == (4, 2, 45.0, 150.0)
    assert (day.attempts, day.failed, day.p95_ms, day.max_ms) == (5, 2, 3000.0, 3000.0)
    assert queue.attempt_latencies(now + 60, now + 60) == []


def test_quota_usage_keeps_each_accounts_latest_report_on_both_backends(queue: JobQueue) -> None:  # noqa: F811
    queue.record_quota_usage([QuotaUsage("a", "inst", 10, 100, 50.0), QuotaUsage("b", "inst", 1, 5, 50.0)])
    queue.record_quota_usage([QuotaUsage("a", "inst", 30, 100, 60.0)])
    queue.record_quota_usage([QuotaUsage("a", "inst", 20, 100, 55.0)])  # older: a slower worker's report
    assert queue.quota_usage() == [QuotaUsage("a", "inst", 30, 100, 60.0), QuotaUsage("b", "inst", 1, 5, 50.0)]
