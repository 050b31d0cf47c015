"""test_batch_action and test_poll give one result per event: status, error with Resolution, or pending."""

from typing import Any

import pytest

from framework.definition import ActionDefinition, DestinationDefinition, InputField
from framework.errors import APIError, Resolution
from framework.runtime import AsyncBatch, ItemError, ItemSuccess, MultiStatusResponse, StillRunning
from framework.testing import create_test_integration

FIELDS = {
    "email": InputField(
        label="Email",
        description="Who.",
        type="string",
        format="email",
        required=True,
        default={"@path": "$.traits.email"},
    )
}


def destination(perform_batch: Any, poll: Any = None) -> DestinationDefinition:
    action = ActionDefinition(
        title="Contacts", fields=FIELDS, perform=lambda request, data: None, perform_batch=perform_batch, poll=poll
    )
    return DestinationDefinition(name="T", slug="actions-t", actions={"contacts": action})


def second_refused(request: Any, data: Any) -> MultiStatusResponse:
    statuses = MultiStatusResponse()
    statuses.push_success(200, sent=data.payload[0])
    statuses.push_error(429, "slow down", sent=data.payload[1])
    return statuses


EVENTS = [{"traits": {"email": "a@x.com"}}, {"traits": {"email": "nope"}}, {"traits": {"email": "b@x.com"}}]


def test_each_event_gets_its_own_result_in_order() -> None:
    integration = create_test_integration(destination(second_refused))
    integration.test_batch_action("contacts", events=EVENTS, use_default_mappings=True)
    first, invalid, refused = integration.batch_results
    assert isinstance(first, ItemSuccess) and first.sent == {"email": "a@x.com"}
    assert isinstance(invalid, ItemError) and invalid.errortype == "PAYLOAD_VALIDATION_FAILED"
    assert invalid.resolution is Resolution.TERMINAL and "email" in invalid.errormessage.lower()
    assert isinstance(refused, ItemError) and refused.resolution is Resolution.RATE_LIMITED
    assert integration.batch_errors.keys() == {1}


def test_a_raised_error_propagates_as_in_segments_harness() -> None:
    def down(request: Any, data: Any) -> None:
        raise APIError("Service Unavailable", 503)

    integration = create_test_integration(destination(down))
    with pytest.raises(APIError, match="Service Unavailable"):
        integration.test_batch_action("contacts", events=EVENTS[:1], use_default_mappings=True)


def test_an_async_batch_is_pending_until_polled() -> None:
    polls = iter([StillRunning("queued"), MultiStatusResponse([ItemSuccess(200), ItemError(400, "bad row")])])
    integration = create_test_integration(
        destination(
            lambda request, data: AsyncBatch(ref={"job": 7}, items=len(data.payload)),
            poll=lambda request, data, ref: next(polls),
        )
    )
    integration.test_batch_action("contacts", events=[EVENTS[0], EVENTS[2]], use_default_mappings=True)
    assert integration.batch_job.ref == {"job": 7}
    assert all(isinstance(result, StillRunning) for result in integration.batch_results)
    assert [r.detail for r in integration.test_poll("contacts", integration.batch_job.ref, items=2)] == ["queued"] * 2
    done = integration.test_poll("contacts", integration.batch_job.ref, items=2)
    assert isinstance(done[0], ItemSuccess) and done[1].resolution is Resolution.TERMINAL
