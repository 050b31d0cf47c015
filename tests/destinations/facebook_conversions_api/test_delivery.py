"""Facebook Conversions API through the delivery engine, against the shared recording endpoint.

A replay of 600 custom events under a fault mix (5xx, 429, dropped connections): every event ends
delivered or dead-lettered, each user's events reach Facebook in order, every request carries the
Bearer token, and nothing the queue stores repeats the token.
"""

from __future__ import annotations

from pathlib import Path

from destinations.recording_endpoint import start_recording_endpoint
from framework.delivery.replay_run import replay_into_queue
from framework.delivery.sqlite_queue import SqliteQueue
from framework.events import EventRecord
from framework.instance import DestinationInstance

TOKEN = "delivery-test-fb-token"
INSTANCE = """destination = "actions-facebook-conversions-api"
endpoint = "{endpoint}"
[settings]
pixelId = "000000000000000"
token = "{token}"
[[subscriptions]]
name = "Sign-ups"
subscribe = 'type = "track"'
action = "custom"
[subscriptions.mapping]
action_source = "app"
custom_data = {{ user = {{ "@path" = "$.userId" }}, seq = {{ "@path" = "$.properties.seq" }} }}
[delivery]
backoff_base = "20ms"
backoff_cap = "200ms"
max_attempts = 10
"""
EVENTS = 600
USERS = 40


def _event(i: int) -> dict[str, object]:
    return {"type": "track", "event": "Signed Up", "userId": f"u{i % USERS}", "messageId": f"m{i}",
            "timestamp": "2026-12-06T12:00:00.000Z", "properties": {"seq": i}}  # fmt: skip


def test_under_faults_every_event_is_delivered_or_dead_lettered_in_order_per_user(tmp_path: Path) -> None:
    endpoint = start_recording_endpoint(faults="500:0.10,503:0.05,429:0.05,reset:0.03", seed=11)
    config = tmp_path / "fb.toml"
    config.write_text(INSTANCE.format(endpoint=endpoint.base_url, token=TOKEN), encoding="utf-8")
    queue = SqliteQueue(tmp_path / "queue.db")
    try:
        with DestinationInstance.from_file(config) as instance:
            outcome = replay_into_queue(queue, instance, [EventRecord(_event(i), "generated", i + 1)
                                                          for i in range(EVENTS)])  # fmt: skip
        received = endpoint.delivered()
        refused = [r for r in endpoint.requests() if r.status != 200]
    finally:
        endpoint.stop()
        queue.close()
    assert outcome.tally.reconciles() and outcome.tally.total("still_queued") == 0
    assert outcome.tally.total("delivered") + outcome.tally.total("dead_lettered") == EVENTS
    assert refused, "the fault mix refused nothing: the test proves nothing"
    assert {r.path for r in received} == {"/v24.0/000000000000000/events"}
    assert all(r.headers.get("authorization") == f"Bearer {TOKEN}" for r in received)
    by_user: dict[str, list[int]] = {}
    for request in received:
        custom = request.json()["data"][0]["custom_data"]
        by_user.setdefault(custom["user"], []).append(custom["seq"])
    for user, seqs in by_user.items():
        assert seqs == sorted(seqs), f"{user}'s events arrived out of order: {seqs}"
    assert TOKEN.encode() not in (tmp_path / "queue.db").read_bytes()
    assert len({seq for seqs in by_user.values() for seq in seqs}) >= outcome.tally.total("delivered")
