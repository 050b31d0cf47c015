"""Declared rate limits (a token bucket per account, kept before each request) and endpoints chosen by a setting."""

from __future__ import annotations

from typing import Any

import pytest

from framework.definition import ActionDefinition, Authentication, DestinationDefinition, InputField
from framework.definition.endpoints import Endpoints
from framework.definition.rate_limits import RateLimit
from framework.instance import DestinationInstance, SubscriptionStatus
from framework.runtime.rate_limits import TokenBucket, bucket_for
from framework.testing import MockRouter, create_test_event

ENDPOINTS = Endpoints(
    setting="region", default="https://api.example.com", by_value={"eu": "https://api.eu.example.com/"}
)


class FakeTime:
    def __init__(self) -> None:
        self.now = 0.0
        self.slept: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(round(seconds, 6))
        self.now += seconds


@pytest.mark.parametrize(
    ("limit", "gaps", "slept"),
    [
        # a full bucket lets a burst of `requests` through, then one per interval
        (RateLimit(requests=2, per_seconds=1), [0, 0, 0, 0], [0.5, 0.5]),
        # time passing refills it (never above capacity)
        (RateLimit(requests=2, per_seconds=1), [0, 0, 5, 0, 0], [0.5]),
        (RateLimit(requests=1, per_seconds=10), [0, 4], [6.0]),
    ],
)
def test_token_bucket_waits_only_past_the_declared_rate(
    limit: RateLimit, gaps: list[float], slept: list[float]
) -> None:
    time = FakeTime()
    bucket = TokenBucket(limit, clock=time.clock, sleep=time.sleep)
    for gap in gaps:
        time.now += gap
        bucket.take()
    assert time.slept == slept


def _definition(rate_limit: RateLimit | None, calls: list[str]) -> DestinationDefinition:
    def perform(request: Any, data: Any) -> Any:
        calls.append(ENDPOINTS.origin_for(data.settings))
        return request.post(f"{ENDPOINTS.origin_for(data.settings)}/v1/track", json={})

    return DestinationDefinition(
        name="Regional",
        slug="actions-regional-test",
        authentication=Authentication(
            scheme="custom",
            fields={
                "region": InputField(label="Region", type="string"),
                "account": InputField(label="A", type="string"),
            },
        ),
        actions={"track": ActionDefinition(title="Track", perform=perform)},
        rate_limit=rate_limit,
        concurrency_key="account",
        endpoints=ENDPOINTS,
    )


@pytest.mark.parametrize(
    ("settings", "origin"),
    [
        ({"region": "eu"}, "https://api.eu.example.com"),
        ({"region": "us"}, "https://api.example.com"),  # unknown value: the default
        ({}, "https://api.example.com"),
    ],
)
def test_the_setting_picks_the_origin(settings: dict[str, Any], origin: str) -> None:
    router = MockRouter()
    router.add("POST", "https://*", json={})
    calls: list[str] = []
    subscription = {"subscribe": 'type = "track"', "action": "track", "mapping": {}}
    instance = DestinationInstance(_definition(None, calls), settings, [subscription], session=router.session())
    [result] = instance.send(create_test_event())
    assert result.status is SubscriptionStatus.DELIVERED and router.requests[0].url == f"{origin}/v1/track"


def test_a_boolean_setting_picks_by_true_or_false() -> None:
    sandbox = Endpoints(
        setting="isSandbox", default="https://login.example.com", by_value={"true": "https://test.example.com"}
    )
    assert sandbox.origin_for({"isSandbox": True}) == "https://test.example.com"
    assert sandbox.origin_for({"isSandbox": False}) == "https://login.example.com"


def test_endpoints_must_name_a_declared_setting() -> None:
    with pytest.raises(ValueError, match="endpoints are chosen by setting 'region', which is not declared"):
        DestinationDefinition(name="X", slug="actions-x", endpoints=ENDPOINTS)


def test_accounts_get_their_own_bucket_and_instances_of_one_account_share_it() -> None:
    definition = _definition(RateLimit(requests=5, per_seconds=1), [])
    first = bucket_for(definition, {"account": "A"})
    assert first is not None and first is bucket_for(definition, {"account": "A"})
    assert bucket_for(definition, {"account": "B"}) is not first
    assert bucket_for(_definition(None, []), {"account": "A"}) is None


def test_the_runtime_takes_a_token_before_each_request(monkeypatch: pytest.MonkeyPatch) -> None:
    router = MockRouter()
    router.add("POST", "https://*", json={})
    definition = _definition(RateLimit(requests=1000, per_seconds=1), [])
    bucket = bucket_for(definition, {"account": "counted"})
    assert bucket is not None
    taken: list[float] = []

    def counted_take() -> float:
        taken.append(1.0)
        return 0.0

    monkeypatch.setattr(bucket, "take", counted_take)
    subscription = {"subscribe": 'type = "track"', "action": "track", "mapping": {}}
    instance = DestinationInstance(definition, {"account": "counted"}, [subscription], session=router.session())
    for _ in range(3):
        instance.send(create_test_event())
    assert len(taken) == 3 == len(router.requests)
