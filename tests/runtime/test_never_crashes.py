"""Property: whatever JSON arrives as an event, send and explain answer with results, never an exception."""

from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from framework.instance import DestinationInstance, SubscriptionStatus
from framework.testing import MockRouter
from framework.testing.sample import SAMPLE_API, build_sample_destination

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=6), children, max_size=3),
    max_leaves=12,
)
SPEC_KEYS = st.sampled_from(["type", "event", "userId", "anonymousId", "traits", "properties", "context"])
OBJECTS = st.dictionaries(st.sampled_from(["email", "plan", "name", "x"]), JSON, max_size=4)
WELL_FORMED = st.fixed_dictionaries(
    {
        "type": st.sampled_from(["identify", "track"]),
        "traits": OBJECTS,
        "properties": OBJECTS,
        "event": st.text(max_size=8),
    }
)
EVENTS = JSON | st.dictionaries(SPEC_KEYS, JSON, max_size=5) | WELL_FORMED

ROUTER = MockRouter().add("POST", f"{SAMPLE_API}/*", json={"ok": True})
INSTANCE = DestinationInstance.from_settings(
    {
        "accountId": "acc",
        "oauth": {"access_token": "AT", "refresh_token": "RT"},
        "subscriptions": [
            {
                "name": "Upsert",
                "subscribe": 'type = "identify" and traits.email != null',
                "partnerAction": "upsert_contact",
                "mapping": {
                    "email": {"@path": "$.traits.email"},
                    "plan": {"@template": "{{traits.plan}}"},
                    "first_name": {
                        "@if": {
                            "exists": {"@path": "$.traits.name"},
                            "then": {"@path": "$.traits.name"},
                            "else": "unknown",
                        }
                    },
                },
            },
            {
                "name": "Track",
                "subscribe": 'type = "track" or event = "Signed Up"',
                "partnerAction": "track_event",
                "mapping": {"name": {"@path": "$.event"}, "properties": {"@path": "$.properties"}},
            },
        ],
    },
    build_sample_destination(),
    session=ROUTER.session(),
)


@given(EVENTS)
def test_send_answers_every_event_with_one_result_per_subscription(event: Any) -> None:
    results = INSTANCE.send(event)
    assert [r.subscription for r in results] == ["Upsert", "Track"]
    assert all(isinstance(r.status, SubscriptionStatus) for r in results)
    assert all(r.reason or r.status is SubscriptionStatus.DELIVERED for r in results)


@given(EVENTS)
def test_explain_answers_every_event(event: Any) -> None:
    explanations = INSTANCE.explain(event)
    assert len(explanations) == 2
    assert all(e.matched or e.reason or e.error for e in explanations)


def _deep_event(levels: int) -> dict[str, Any]:
    """An identify event with ``levels`` objects nested inside its traits, built without recursion."""
    inner: dict[str, Any] = {}
    event = {"type": "identify", "traits": {"email": "deep@example.com", "name": inner}}
    for _ in range(levels):
        inner["n"] = {}
        inner = inner["n"]
    return event


def test_an_event_nested_past_the_depth_limit_is_invalid_and_says_the_limit() -> None:
    from framework.events import MAX_EVENT_DEPTH

    event = _deep_event(3_000)
    results = INSTANCE.send(event)
    assert [r.status for r in results] == [SubscriptionStatus.INVALID] * 2
    assert all(f"nested more than {MAX_EVENT_DEPTH} levels deep" in r.reason for r in results)
    explanations = INSTANCE.explain(event)
    assert all(f"nested more than {MAX_EVENT_DEPTH} levels deep" in (e.error or "") for e in explanations)
    assert [r.to_dict()["status"] for r in results] == ["invalid", "invalid"]
