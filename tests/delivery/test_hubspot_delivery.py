"""The delivery engine against HubSpot Cloud and its stateful emulator (the ground truth).

As for Pardot and Webhook: a replay under a random fault mix (statuses, dropped connections, expired
tokens) where every event ends delivered or dead-lettered, no contact is created twice and each
user's writes arrive in order; and an ``actions replay`` killed with SIGKILL midway then run again,
after which every contact holds its user's last values.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import framework.runtime.client
from destinations.hubspot_cloud.emulator import HubSpotEmulator, start_hubspot_emulator
from framework.delivery.replay_run import replay_into_queue
from framework.delivery.sqlite_queue import SqliteQueue
from framework.events import EventRecord
from framework.instance import DestinationInstance
from framework.testing.replay_process import kill_then_replay_again

FAULTS = "500:0.08,503:0.04,429:0.02,reset:0.03,expire:0.02"  # each 429 pauses the account 1 s
USERS = 40
INSTANCE = """destination = "actions-hubspot-cloud"
endpoint = "{endpoint}"
[settings]
portalId = "123"
[auth]
access_token = "emulator-access-token"
refresh_token = "emulator-refresh-token"
client_id = "emulator-client-id"
client_secret = "emulator-client-secret"
[[subscriptions]]
name = "Identify upserts the contact"
subscribe = 'type = "identify"'
action = "upsertContact"
[subscriptions.mapping]
firstname = {{ "@path" = "$.traits.firstName" }}
properties = {{ seq = {{ "@path" = "$.traits.seq" }} }}
[delivery]
backoff_base = "20ms"
backoff_cap = "200ms"
max_attempts = 12
"""


def _event(i: int) -> dict[str, object]:
    user = i % USERS
    return {"type": "identify", "userId": f"u{user}", "messageId": f"hs-{i}",
            "traits": {"email": f"u{user}@example.com", "firstName": f"v{i}", "seq": i}}  # fmt: skip


def _writes_per_user(emulator: HubSpotEmulator) -> dict[str, list[int]]:
    """Per contact email, the ``seq`` of every write the emulator applied, in arrival order."""
    seen: dict[str, list[int]] = {}
    for email, properties in emulator.store.contact_writes:
        seen.setdefault(email, []).append(int(properties["seq"]))
    return seen


def test_under_faults_every_event_is_delivered_or_dead_lettered_in_order_per_user(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The declared 110 requests / 10 s would make this a 90-second test; pacing is tested elsewhere.
    monkeypatch.setattr(framework.runtime.client, "bucket_for", lambda definition, settings: None)
    emulator = start_hubspot_emulator(faults=FAULTS, seed=11)
    config = tmp_path / "faulty.toml"
    config.write_text(INSTANCE.format(endpoint=emulator.base_url), encoding="utf-8")
    queue = SqliteQueue(tmp_path / "queue.db")
    events = [EventRecord(_event(i), "generated", i + 1) for i in range(400)]
    try:
        with DestinationInstance.from_file(config) as instance:
            outcome = replay_into_queue(queue, instance, events)
    finally:
        emulator.stop()
        queue.close()
    tally = outcome.tally
    assert tally.reconciles() and tally.total("still_queued") == 0
    assert tally.total("delivered") + tally.total("dead_lettered") == 400
    assert any(status >= 400 or status == 0 for _, _, status in emulator.calls), "no fault was drawn"
    assert any(path == "/oauth/v1/token" for _, path, _ in emulator.calls), "no token expired and was refreshed"
    emails = [props["email"] for props in emulator.store.contacts.values()]
    assert sorted(emails) == sorted({f"u{user}@example.com" for user in range(USERS)})  # none created twice
    for email, seqs in _writes_per_user(emulator).items():
        # A dropped answer may repeat a write on retry; a later event never overtakes an earlier one.
        assert seqs == sorted(seqs), f"{email}'s writes arrived out of order: {seqs}"


def test_a_killed_replay_run_again_leaves_every_contact_with_its_last_values(tmp_path: Path) -> None:
    total = 160  # HubSpot's declared pace (a burst of 110, then 11 a second) is kept in the subprocess
    emulator = start_hubspot_emulator(latency=0.01)
    config = tmp_path / "live.toml"
    config.write_text(INSTANCE.format(endpoint=emulator.base_url).replace(
        'destination = "actions-hubspot-cloud"', 'id = "hubspot-kill-test"\ndestination = "actions-hubspot-cloud"'),
        encoding="utf-8")  # fmt: skip
    events = tmp_path / "events.ndjson"
    events.write_text("".join(json.dumps(_event(i)) + "\n" for i in range(total)), encoding="utf-8")
    queue = tmp_path / "queue.db"
    try:
        kill_then_replay_again(events, config, queue, lambda: len(emulator.calls) >= 60,
                               lambda: 0 < len(emulator.store.contact_writes) < total)  # fmt: skip
    finally:
        emulator.stop()
    last = {f"u{i % USERS}@example.com": f"v{i}" for i in range(total)}
    held = {props["email"]: props["firstname"] for props in emulator.store.contacts.values()}
    assert held == last  # one contact per user, holding that user's last event
    written = {seq for seqs in _writes_per_user(emulator).values() for seq in seqs}
    assert written == set(range(total))  # none lost
    for email, seqs in _writes_per_user(emulator).items():
        assert seqs[-1] == max(seqs), f"{email}'s last event was not written last: {seqs}"
