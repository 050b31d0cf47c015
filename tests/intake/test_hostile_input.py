"""One bad client cannot hurt the others, and no refusal echoes a credential (issue 18).

Each test sends what a hostile or broken client sent in the fault run, over loopback HTTP to the
real intake app, and checks the answer and what the queue holds afterwards.
"""

from __future__ import annotations

import asyncio
import base64
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from framework.delivery import DeadLetterSelection, Job, JobProducer, JobQueue, JobState, NewJob, open_queue
from framework.events import MAX_EVENT_DEPTH
from framework.instance import DestinationInstance
from framework.intake import GroupCommit, IntakeServer, WriteKeys, create_app
from tests.delivery.conftest import postgres_url  # noqa: F401  (a fixture)
from tests.intake.conftest import WRITE_KEY, Served

AUTH = (WRITE_KEY, "")


def queued(queue: JobQueue) -> list[Job]:
    return list(queue.dead_letters(DeadLetterSelection(states=(JobState.QUEUED,))))


def identify(user: str, **extra: Any) -> dict[str, Any]:
    return {"type": "identify", "userId": user, "traits": {"email": f"{user}@example.com"}, **extra}


def post_batch(served: Served, batch: list[dict[str, Any]], **body: Any) -> requests.Response:
    return requests.post(served.url + "/v1/batch", json={"batch": batch, **body}, auth=AUTH, timeout=10)


@pytest.mark.parametrize(
    "header",
    [WRITE_KEY, f"{WRITE_KEY} extra", f"Token{WRITE_KEY}", base64.b64encode(f"{WRITE_KEY}:".encode()).decode()],
)
def test_a_401_never_echoes_the_authorization_value(served: Served, header: str) -> None:
    answer = requests.post(
        served.url + "/v1/batch", json={"batch": [identify("u1")]}, headers={"Authorization": header}, timeout=10
    )
    assert answer.status_code == 401
    message = answer.json()["message"]
    assert WRITE_KEY not in message and header.split(" ")[0] not in message
    assert "HTTP Basic" in message


def test_a_known_scheme_word_is_still_named(served: Served) -> None:
    answer = requests.post(
        served.url + "/v1/batch", json={"batch": [identify("u1")]}, headers={"Authorization": "Bearer xyz"}, timeout=10
    )
    assert answer.status_code == 401 and "Authorization: Bearer is not supported" in answer.json()["message"]
    assert "xyz" not in answer.json()["message"]


def test_a_timestamp_skew_that_overflows_is_a_400_naming_the_fields(served: Served) -> None:
    event = identify("u1", timestamp="9999-12-31T23:59:59Z", sentAt="0001-01-01T00:00:00Z")
    answer = post_batch(served, [event])
    assert answer.status_code == 400
    assert answer.json()["code"] == "invalid_timestamp"
    message = answer.json()["message"]
    assert "batch[0]" in message and "timestamp" in message and "sentAt" in message
    assert queued(served.queue) == []


def nested(levels: int) -> dict[str, Any]:
    value: dict[str, Any] = {}
    for _ in range(levels - 1):
        value = {"n": value}
    return value


@pytest.mark.parametrize("levels", [MAX_EVENT_DEPTH + 1, 120, 250])
def test_an_event_nested_deeper_than_the_file_reader_allows_is_refused_at_intake(served: Served, levels: int) -> None:
    event = identify("u1", properties=nested(levels - 1))  # the event itself is the first level
    answer = post_batch(served, [identify("u0"), event])
    assert answer.status_code == 400
    assert "batch[1]" in answer.json()["message"] and f"{MAX_EVENT_DEPTH} levels" in answer.json()["message"]
    assert queued(served.queue) == []


def test_an_event_at_the_depth_limit_is_accepted(served: Served) -> None:
    answer = post_batch(served, [identify("u1", properties=nested(MAX_EVENT_DEPTH - 1))])
    assert answer.status_code == 200


@pytest.fixture
def served_postgres(instance_file: Path, postgres_url: str) -> Iterator[Served]:  # noqa: F811
    queue = open_queue(postgres_url)
    with DestinationInstance.from_file(instance_file) as instance:
        app = create_app(WriteKeys([(WRITE_KEY, JobProducer(instance))]), queue, None)
        with IntakeServer(app, "127.0.0.1", 0) as server:
            yield Served(server.url, queue, instance, None)  # type: ignore[arg-type]
    queue.close()


@pytest.mark.parametrize("field", ["userId", "messageId", "anonymousId"])
def test_a_nul_byte_in_an_identity_field_is_a_located_400_on_postgresql(served_postgres: Served, field: str) -> None:
    bad = identify("u-bad")
    bad[field] = "abc\x00def"
    answer = post_batch(served_postgres, [identify("u1"), bad])
    assert answer.status_code == 400
    assert answer.json()["code"] == "invalid_event"
    assert "batch[1]" in answer.json()["message"] and field in answer.json()["message"]
    good = post_batch(served_postgres, [identify("u2")])
    assert good.status_code == 200
    assert [job.event["userId"] for job in queued(served_postgres.queue)] == ["u2"]


def test_a_group_commit_that_fails_commits_the_other_requests_alone(postgres_url: str) -> None:  # noqa: F811
    queue = open_queue(postgres_url)
    try:
        outcomes = asyncio.run(_commit_together(queue))
    finally:
        stored = sorted(job.message_id for job in queued(queue))
        queue.close()
    assert [type(outcome).__name__ for outcome in outcomes[:2]] == ["NoneType", "NoneType"]
    assert isinstance(outcomes[2], Exception)  # only the request PostgreSQL cannot store fails
    assert stored == ["good-1", "good-2", "good-3"]


async def _commit_together(queue: JobQueue) -> list[object]:
    committer = GroupCommit(queue)

    def job(message_id: str) -> NewJob:
        return NewJob("pardot-intake", 0, message_id, {"type": "identify", "messageId": message_id}, "acct")

    try:
        return list(
            await asyncio.gather(
                committer.commit([job("good-1")]),
                committer.commit([job("good-2"), job("good-3")]),
                committer.commit([job("bad-\x00")]),  # what a path around the intake checks could still send
                return_exceptions=True,
            )
        )
    finally:
        await committer.close()


def test_actions_enqueue_stores_the_other_fifty_events_of_a_file_with_one_nul_line(
    tmp_path: Path,
    instance_file: Path,
    postgres_url: str,  # noqa: F811
    capsys: pytest.CaptureFixture[str],
) -> None:
    from framework.cli import main

    lines = [json.dumps(identify(f"u{number}", messageId=f"m-{number}")) for number in range(51)]
    lines[17] = json.dumps(identify("u17", messageId="m-\x0017"))
    events = tmp_path / "events.ndjson"
    events.write_text("\n".join(lines) + "\n")
    main(["enqueue", str(events), "--instance", str(instance_file), "--queue", postgres_url])
    output = capsys.readouterr()
    queue = open_queue(postgres_url)
    try:
        stored = queued(queue)
    finally:
        queue.close()
    assert len(stored) == 50
    assert "m-17" not in {job.message_id for job in stored}
    shown = output.out + output.err
    assert "events.ndjson:18" in shown and "NUL" in shown, shown
