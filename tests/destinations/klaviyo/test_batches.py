"""Klaviyo's batch paths item by item where the recording cannot reach: pointers past refused items,
job splitting and the group limit (the recorded batches cover the requests)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from destinations.klaviyo import definition
from framework.errors import PayloadValidationError, Resolution
from framework.runtime.multistatus import ItemError, ItemSuccess
from framework.testing.integration import create_test_integration
from framework.testing.transport import MockRouter

SETTINGS = {"api_key": "pk_test_batches"}
TRACK = {"profile": {"email": {"@path": "$.properties.email"}}, "metric_name": {"@path": "$.event"},
         "properties": {"@path": "$.properties"}, "enable_batching": True}  # fmt: skip


def track(email: str | None) -> dict[str, Any]:
    return {"type": "track", "event": "Viewed", "properties": {"email": email} if email else {"x": 1}}


def test_a_pointed_event_fails_alone_counted_after_the_refused_items() -> None:
    # Item 0 has no identifier (refused here, not sent), so Klaviyo's data/1 is the third event.
    refused = {"errors": [{"status": 400, "detail": "Bad metric.",
                           "source": {"pointer": "/data/attributes/events-bulk-create/data/1"}}]}  # fmt: skip
    router = MockRouter().add("POST", "https://a.klaviyo.com/api/event-bulk-create-jobs/", 400, json=refused)
    integration = create_test_integration(definition, router)
    integration.test_batch_action("trackEvent", events=[track(None), track("a@example.com"), track("b@example.com")],
                                  mapping=TRACK, settings=SETTINGS)  # fmt: skip
    first, second, third = integration.batch_results
    assert isinstance(first, ItemError) and first.errortype == "PAYLOAD_VALIDATION_FAILED"
    assert isinstance(second, ItemError) and second.resolution is Resolution.RETRY and second.status == 429
    assert isinstance(third, ItemError) and (third.status, third.errormessage) == (400, "Bad metric.")
    assert third.resolution is Resolution.TERMINAL


def test_a_refusal_pointing_nowhere_is_the_classifiers_error_for_every_item() -> None:
    router = MockRouter().add("POST", "https://a.klaviyo.com/api/event-bulk-create-jobs/", 503, json={"errors": []})
    integration = create_test_integration(definition, router)
    integration.test_batch_action("trackEvent", events=[track("a@example.com"), track("b@example.com")],
                                  mapping=TRACK, settings=SETTINGS)  # fmt: skip
    assert [(r.status, r.resolution) for r in integration.batch_results] == [(503, Resolution.RETRY)] * 2


def test_subscriptions_go_in_jobs_of_100_each_answered_by_its_own_job() -> None:
    router = (MockRouter().add("POST", "https://a.klaviyo.com/api/profile-subscription-bulk-create-jobs/", 202, times=1)
              .add("POST", "https://a.klaviyo.com/api/profile-subscription-bulk-create-jobs/", 500))  # fmt: skip
    integration = create_test_integration(definition, router)
    events = [{"type": "track", "traits": {"email": f"u{n}@example.com"}} for n in range(130)]
    sent = integration.test_batch_action("subscribeProfile", events=events, mapping={"enable_batching": True},
                                         settings=SETTINGS, use_default_mappings=True)  # fmt: skip
    assert [len(json.loads(r.body or "{}")["data"]["attributes"]["profiles"]["data"]) for r in sent] == [100, 30]
    assert all(isinstance(r, ItemSuccess) for r in integration.batch_results[:100])
    assert all(isinstance(r, ItemError) and r.status == 500 for r in integration.batch_results[100:])


def test_more_than_nine_lists_in_one_subscription_batch_is_refused() -> None:
    integration = create_test_integration(definition, MockRouter().add("*", "*", 202))
    events = [{"type": "track", "traits": {"email": f"u{n}@example.com"}, "properties": {"list": f"L{n}"}}
              for n in range(10)]  # fmt: skip
    mapping = {"enable_batching": True, "list_id": {"@path": "$.properties.list"}}
    with pytest.raises(PayloadValidationError, match="at most 9"):
        integration.test_batch_action("subscribeProfile", events=events, mapping=mapping, settings=SETTINGS,
                                      use_default_mappings=True)  # fmt: skip
