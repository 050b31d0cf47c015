"""JobProducer: the run mark and the encoded event the file intake asks for are in the jobs it builds."""

from __future__ import annotations

from pathlib import Path

from framework.delivery.jobs import encode_event
from framework.delivery.producer import JobProducer
from framework.instance import DestinationInstance

TOML = Path(__file__).resolve().parents[2] / "fixtures/instances/pardot.toml"
IDENTIFY = {"type": "identify", "userId": "ann", "messageId": "m1", "traits": {"email": "ann@example.com"}}


def test_jobs_carry_the_run_mark_and_the_event_encoded_once() -> None:
    producer = JobProducer(DestinationInstance.from_file(TOML), run_mark="#fresh-x", encode=True)
    jobs = producer.produce(IDENTIFY).jobs
    assert [job.message_id for job in jobs] == ["m1#fresh-x"]
    assert jobs[0].encoded == encode_event(IDENTIFY) == jobs[0].event_json()


def test_by_default_jobs_keep_the_events_messageid_and_encode_at_storage() -> None:
    jobs = JobProducer(DestinationInstance.from_file(TOML)).produce(IDENTIFY).jobs
    assert [(job.message_id, job.encoded) for job in jobs] == [("m1", None)]
