"""The delivery engine against the Webhook destination and the recording endpoint's ground truth.

Two runs, as for Pardot (test_fault_injected_replay.py, test_kill_and_rerun.py): a replay under a
random fault mix (every event delivered or dead-lettered, each user's events received in order), and an
``actions replay`` killed with SIGKILL midway then run again (every event received, none lost, each
user's last event received last).
"""

from __future__ import annotations

import json
from pathlib import Path

from destinations.recording_endpoint import RecordedRequest, start_recording_endpoint
from framework.delivery.replay_run import replay_into_queue
from framework.delivery.sqlite_queue import SqliteQueue
from framework.events import EventRecord
from framework.instance import DestinationInstance
from framework.testing.replay_process import kill_then_replay_again

FAULTS = "500:0.10,503:0.05,429:0.05,reset:0.03"
USERS = 50
INSTANCE = """destination = "actions-webhook"
endpoint = "{endpoint}"
[settings]
sharedSecret = "delivery-test-secret"
[[subscriptions]]
name = "Identify to webhook"
subscribe = 'type = "identify"'
action = "send"
[subscriptions.mapping]
url = "https://hooks.example.com/in"
data = {{ user = {{ "@path" = "$.userId" }}, seq = {{ "@path" = "$.traits.seq" }} }}
[delivery]
backoff_base = "20ms"
backoff_cap = "200ms"
max_attempts = 10
"""


def _event(i: int) -> dict[str, object]:
    return {"type": "identify", "userId": f"u{i % USERS}", "messageId": f"m{i}", "traits": {"seq": i}}


def _sequences(received: list[RecordedRequest]) -> dict[str, list[int]]:
    """Per user, the ``seq`` of every request answered 2xx, in arrival order."""
    seen: dict[str, list[int]] = {}
    for request in received:
        body = request.json()
        seen.setdefault(body["user"], []).append(body["seq"])
    return seen


def test_under_faults_every_event_is_delivered_or_dead_lettered_in_order_per_user(tmp_path: Path) -> None:
    endpoint = start_recording_endpoint(faults=FAULTS, seed=5)
    config = tmp_path / "faulty.toml"
    config.write_text(INSTANCE.format(endpoint=endpoint.base_url), encoding="utf-8")
    queue = SqliteQueue(tmp_path / "queue.db")
    events = [EventRecord(_event(i), "generated", i + 1) for i in range(1000)]
    try:
        with DestinationInstance.from_file(config) as instance:
            outcome = replay_into_queue(queue, instance, events)
        received = endpoint.delivered()
        refused = [r for r in endpoint.requests() if r.status != 200]
    finally:
        endpoint.stop()
        queue.close()
    tally = outcome.tally
    assert tally.reconciles() and tally.total("still_queued") == 0
    assert tally.total("delivered") + tally.total("dead_lettered") == 1000
    assert refused, "the fault mix refused nothing: the test proves nothing"
    assert all(r.headers.get("x-signature") for r in received)
    for user, seqs in _sequences(received).items():
        # A reset may lose the answer to a request that arrived: a retry repeats it, never reorders.
        assert seqs == sorted(seqs), f"{user}'s events arrived out of order: {seqs}"
    delivered = {seq for seqs in _sequences(received).values() for seq in seqs}
    assert len(delivered) >= tally.total("delivered")


def test_a_killed_replay_run_again_delivers_every_event_in_order_per_user(tmp_path: Path) -> None:
    total = 400
    endpoint = start_recording_endpoint(latency=0.01)
    config = tmp_path / "live.toml"
    config.write_text(INSTANCE.format(endpoint=endpoint.base_url).replace(
        'destination = "actions-webhook"', 'id = "webhook-kill-test"\ndestination = "actions-webhook"'),
        encoding="utf-8")  # fmt: skip
    events = tmp_path / "events.ndjson"
    events.write_text("".join(json.dumps(_event(i)) + "\n" for i in range(total)), encoding="utf-8")
    queue = tmp_path / "queue.db"
    try:
        kill_then_replay_again(events, config, queue, lambda: len(endpoint.requests()) >= 60,
                               lambda: 0 < len(endpoint.requests()) < total)  # fmt: skip
        received = endpoint.delivered()
    finally:
        endpoint.stop()
    sequences = _sequences(received)
    assert {seq for seqs in sequences.values() for seq in seqs} == set(range(total))  # none lost
    assert len(received) <= total + 10  # duplicates only of requests in flight at the kill
    for user, seqs in sequences.items():
        assert seqs[-1] == max(seqs), f"{user}'s last event was not received last: {seqs}"
