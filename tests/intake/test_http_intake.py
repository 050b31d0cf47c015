"""The tracking API over loopback HTTP: what is answered, and what the queue holds afterwards.

The server runs without delivery workers here, so the queue's contents are exactly what was accepted.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

import pytest
import requests

from framework.delivery import DeadLetterSelection, Job, JobProducer, JobQueue, JobState
from framework.instance import DestinationInstance
from framework.intake import IntakeServer, WriteKeys, create_app
from tests.intake.conftest import WRITE_KEY, Served, instance_toml

AUTH = (WRITE_KEY, "")


def queued(queue: JobQueue) -> list[Job]:
    return list(queue.dead_letters(DeadLetterSelection(states=(JobState.QUEUED,))))


def identify(user: str, message_id: str | None = None, **traits: Any) -> dict[str, Any]:
    event = {"type": "identify", "userId": user, "traits": {"email": f"{user}@example.com", **traits}}
    return event if message_id is None else {**event, "messageId": message_id}


def metric(served: Served, name: str, **labels: str) -> float:
    value = served.metrics.registry.get_sample_value(name, labels)
    return value or 0.0


def test_a_batch_is_answered_200_once_its_jobs_are_in_the_queue(served: Served) -> None:
    batch = [identify("u1"), identify("u2", "m-2"), {"type": "track", "event": "Signed Up", "userId": "u1"}]
    answer = requests.post(
        served.url + "/v1/batch", json={"batch": batch, "sentAt": "2024-05-01T12:00:00Z"}, auth=AUTH, timeout=10
    )
    assert (answer.status_code, answer.json()) == (200, {"success": True})
    jobs = queued(served.queue)
    assert [(job.subscription_name, job.event["userId"]) for job in jobs] == [
        ("Upsert prospects on identify", "u1"),
        ("Upsert prospects on identify", "u2"),
    ]
    first, second = (job.event for job in jobs)
    assert first["messageId"].startswith("api-") and second["messageId"] == "m-2"
    assert first["receivedAt"] == first["timestamp"] and first["sentAt"] == "2024-05-01T12:00:00Z"
    assert (
        metric(
            served,
            "actions_events_filtered_total",
            instance="pardot-intake",
            subscription="Upsert prospects on identify",
        )
        == 1
    )  # the track


@pytest.mark.parametrize("route", ["identify", "track", "page", "screen", "group", "alias"])
def test_each_single_event_route_implies_its_type(served: Served, route: str) -> None:
    event: dict[str, Any] = {
        "userId": "u9",
        "event": "Email Changed",
        "properties": {"email": "new@x.co", "previous_email": "o@x.co"},
    }
    answer = requests.post(f"{served.url}/v1/{route}", json={**event, "writeKey": WRITE_KEY}, timeout=10)
    assert answer.status_code == 200
    received = metric(served, "actions_intake_events_received_total", instance="pardot-intake")
    assert received == 1
    enqueued = [job.event["type"] for job in queued(served.queue)]
    assert enqueued == ([route] if route in ("identify", "track") else [])
    assert all("writeKey" not in job.event for job in queued(served.queue))


def test_gzip_bodies_and_the_import_route_are_accepted(served: Served) -> None:
    raw = gzip.compress(json.dumps({"batch": [identify("gz")]}).encode())
    answer = requests.post(
        served.url + "/v1/import",
        data=raw,
        auth=AUTH,
        timeout=10,
        headers={"Content-Encoding": "gzip", "Content-Type": "application/json"},
    )
    assert answer.status_code == 200
    assert [job.event["userId"] for job in queued(served.queue)] == ["gz"]


@pytest.mark.parametrize(
    ("route", "body", "auth", "status", "code", "says"),
    [
        ("batch", {"batch": [identify("u")]}, ("wrong", ""), 401, "unauthorized", "not one this server knows"),
        ("batch", {"batch": [identify("u")]}, None, 401, "unauthorized", "no write key"),
        ("batch", {"batch": [identify("u")], "writeKey": "wrong"}, None, 401, "unauthorized", "not one this server"),
        (
            "identify",
            {**identify("u"), "traits": {"bio": "x" * 33_000}},
            AUTH,
            400,
            "event_too_large",
            "32 KB (32,768 bytes) per event",
        ),
        (
            "batch",
            {"batch": [identify(f"u{i}", bio="x" * 30_000) for i in range(18)]},
            AUTH,
            400,
            "batch_too_large",
            "500 KB (512,000 bytes) per batch",
        ),
        ("batch", b'{"batch": [{"type": "identify",', AUTH, 400, "invalid_json", "not valid JSON"),
        (
            "batch",
            {"batch": [identify("ok"), 42]},
            AUTH,
            400,
            "invalid_event",
            "batch[1] should be a JSON object (an event) but it is a number",
        ),
    ],
)
def test_a_refused_request_says_why_and_enqueues_nothing(
    served: Served, route: str, body: Any, auth: tuple[str, str] | None, status: int, code: str, says: str
) -> None:
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    answer = requests.post(f"{served.url}/v1/{route}", data=data, auth=auth, timeout=10)
    assert answer.status_code == status
    assert answer.json()["success"] is False and answer.json()["code"] == code
    assert says in answer.json()["message"]
    assert queued(served.queue) == []
    assert metric(served, "actions_intake_requests_rejected_total", reason=code) == 1


def test_health_reports_the_queue_depth_and_metrics_are_prometheus_text(served: Served) -> None:
    requests.post(served.url + "/v1/batch", json={"batch": [identify("a"), identify("b")]}, auth=AUTH, timeout=10)
    health = requests.get(served.url + "/health", timeout=10)
    assert health.status_code == 200
    assert health.json()["status"] == "ok" and health.json()["depth"] == 2
    text = requests.get(served.url + "/metrics", timeout=10)
    assert text.headers["content-type"].startswith("text/plain; version=0.0.4")
    assert (
        'actions_queue_jobs{instance="pardot-intake",state="queued",subscription="Upsert prospects on identify"} 2.0'
    ) in text.text
    assert (
        'actions_jobs_enqueued_total{instance="pardot-intake",subscription="Upsert prospects on identify"} 2.0'
        in text.text
    )
    assert "actions_queue_depth 2.0" in text.text


def test_health_is_503_when_the_queue_cannot_be_read(served: Served) -> None:
    served.queue.close()
    health = requests.get(served.url + "/health", timeout=10)
    assert health.status_code == 503 and "the queue cannot be read" in health.json()["error"]
    answer = requests.post(served.url + "/v1/batch", json={"batch": [identify("a")]}, auth=AUTH, timeout=10)
    assert answer.status_code == 503 and answer.json()["code"] == "queue_unavailable"


def test_a_retried_batch_is_not_enqueued_twice(served: Served) -> None:
    batch = {"batch": [identify("same", "m-same")]}
    for _ in range(2):
        assert requests.post(served.url + "/v1/batch", json=batch, auth=AUTH, timeout=10).status_code == 200
    assert len(queued(served.queue)) == 1
    assert metric(served, "actions_jobs_duplicate_total") == 1


def test_every_instance_of_a_write_key_gets_the_event(tmp_path: Path, queue: JobQueue) -> None:
    paths = []
    for name in ("one", "two"):
        paths.append(tmp_path / f"{name}.toml")
        paths[-1].write_text(instance_toml(instance_id=f"pardot-{name}"))
    instances = [DestinationInstance.from_file(path) for path in paths]
    keys = WriteKeys(
        [(WRITE_KEY, JobProducer(instance)) for instance in instances] + [("another-key", JobProducer(instances[0]))]
    )
    with IntakeServer(create_app(keys, queue), "127.0.0.1", 0) as server:
        answer = requests.post(server.url + "/v1/identify", json=identify("both"), auth=AUTH, timeout=10)
    assert answer.status_code == 200
    assert sorted(job.instance_id for job in queued(queue)) == ["pardot-one", "pardot-two"]
    for instance in instances:
        instance.close()
