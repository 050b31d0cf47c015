"""The delivery engine against the Salesforce emulator under a random fault mix (REST per event and Bulk API).

Faults: 5xx, 429, ``expire`` (every access token revoked: the runtime must refresh) and ``reset``.
Every event ends delivered or dead-lettered (only when a token expires again on the call retried with
a fresh one: the runtime's rule); each user's lead is written in order (one record per user, the
writes it receives in its events' order), and each group's account is written by Bulk API jobs.
"""

from __future__ import annotations

import json
from pathlib import Path

from destinations.salesforce.emulator import start_emulator
from framework.delivery.replay_run import replay_into_queue
from framework.delivery.sqlite_queue import SqliteQueue
from framework.events import EventRecord
from framework.instance import DestinationInstance

FAULTS = "500:0.08,503:0.04,429:0.05,expire:0.01,reset:0.02"
USERS, GROUPS, TOTAL = 37, 5, 600  # 37: every user gets identify events (every tenth event is a group)
AUTH = {"access_token": "delivery-access", "refresh_token": "delivery-refresh"}
INSTANCE = """destination = "actions-salesforce"
endpoint = "{endpoint}"
[settings]
instanceUrl = "https://acme.my.salesforce.com"
[auth]
access_token = "delivery-access"
refresh_token = "delivery-refresh"
client_id = "id"
client_secret = "secret"
[[subscriptions]]
name = "Leads by email"
subscribe = 'type = "identify"'
action = "lead2"
[subscriptions.mapping]
__segment_internal_sync_mode = "upsert"
traits = {{ Email = {{ "@path" = "$.traits.email" }} }}
last_name = {{ "@path" = "$.userId" }}
email = {{ "@path" = "$.traits.email" }}
customFields = {{ Seq__c = {{ "@path" = "$.traits.seq" }} }}
[[subscriptions]]
name = "Accounts in bulk"
subscribe = 'type = "group"'
action = "account2"
[subscriptions.mapping]
__segment_internal_sync_mode = "upsert"
name = {{ "@path" = "$.traits.name" }}
enable_batching = true
bulkUpsertExternalId = {{ externalIdName = "AccountNumber", externalIdValue = {{ "@path" = "$.groupId" }} }}
[delivery]
backoff_base = "20ms"
backoff_cap = "200ms"
max_attempts = 12
"""


def _event(i: int) -> dict[str, object]:
    if i % 10 == 9:
        return {"type": "group", "userId": "u0", "groupId": f"g{(i // 10) % GROUPS}", "messageId": f"m{i}",
                "traits": {"name": f"Group v{i}"}}  # fmt: skip
    user = f"u{i % USERS}"
    return {
        "type": "identify",
        "userId": user,
        "messageId": f"m{i}",
        "traits": {"email": f"{user}@example.com", "seq": i},
    }


def test_under_faults_every_event_ends_delivered_or_dead_lettered_and_leads_follow_each_users_order(
    tmp_path: Path,
) -> None:
    emulator = start_emulator(AUTH, faults=FAULTS, seed=11)
    config = tmp_path / "salesforce.toml"
    config.write_text(INSTANCE.format(endpoint=emulator.base_url), encoding="utf-8")
    queue = SqliteQueue(tmp_path / "queue.db")
    events = [EventRecord(_event(i), "generated", i + 1) for i in range(TOTAL)]
    try:
        with DestinationInstance.from_file(config) as instance:
            outcome = replay_into_queue(queue, instance, events)
        records = emulator.store.rows()
        calls = list(emulator.calls)
    finally:
        emulator.stop()
        queue.close()
    tally = outcome.tally
    assert tally.reconciles() and tally.total("still_queued") == 0
    assert tally.total("delivered") + tally.total("dead_lettered") == TOTAL
    assert any(status >= 400 for _, _, status, _ in calls), "the fault mix refused nothing: the test proves nothing"
    assert any(path == "/services/oauth2/token" for _, path, _, _ in calls), "no token was ever refreshed"
    leads = {fields["Email"]: fields for sobject, _, fields in records if sobject == "Lead"}
    assert len([1 for sobject, _, _ in records if sobject == "Lead"]) == len(leads) == USERS  # never two per user
    # 12 attempts against a 20% fault rate: the only dead letters are a second 401 after a refresh.
    assert all("freshly refreshed token" in reason for (state, _, reason) in tally.reasons if state == "dead_lettered")
    written: dict[str, list[int]] = {}
    for method, path, status, body in calls:
        if status < 300 and method in ("POST", "PATCH") and "/sobjects/Lead" in path:
            sent = json.loads(body)
            written.setdefault(sent["Email"], []).append(sent["Seq__c"])
    for email, seqs in written.items():
        assert seqs == sorted(seqs), f"{email}'s events were written out of order: {seqs}"
        assert leads[email]["Seq__c"] == seqs[-1]
    accounts = {fields["AccountNumber"] for sobject, _, fields in records if sobject == "Account"}
    assert accounts == {f"g{i}" for i in range(GROUPS)}
    assert any("/jobs/ingest" in path for _, path, _, _ in calls)
