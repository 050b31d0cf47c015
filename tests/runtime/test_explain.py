"""instance.explain: each subscription's trigger verdict and each field's value and source, no requests."""

from framework.instance import DestinationInstance
from framework.testing import MockRouter
from framework.testing.sample import build_sample_destination

SETTINGS = {
    "accountId": "acc-1",
    "oauth": {"access_token": "AT", "refresh_token": "RT"},
    "subscriptions": [
        {
            "name": "Upsert",
            "subscribe": 'type = "identify"',
            "partnerAction": "upsert_contact",
            "mapping": {"email": {"@path": "$.traits.email"}, "plan": {"@path": "$.traits.plan"}},
        },
        {
            "name": "Track",
            "subscribe": 'type = "track"',
            "partnerAction": "track_event",
            "mapping": {"name": {"@path": "$.event"}},
            "enabled": False,
        },
    ],
}


def make() -> tuple[DestinationInstance, MockRouter]:
    router = MockRouter()
    return DestinationInstance.from_settings(SETTINGS, build_sample_destination(), session=router.session()), router


def test_explain_gives_verdicts_and_field_sources_without_sending() -> None:
    instance, router = make()
    upsert, track = instance.explain({"type": "identify", "traits": {"email": "a@b.co"}})
    assert (upsert.subscription, upsert.matched, upsert.reason, upsert.enabled) == ("Upsert", True, None, True)
    fields = {trace.field: trace for trace in upsert.fields}
    assert fields["email"].value == "a@b.co" and fields["email"].present
    assert "$.traits.email" in fields["email"].source
    assert fields["plan"].present is False
    assert track.matched is False and track.enabled is False
    assert 'type = "track"' in (track.reason or "")
    assert router.requests == []


def test_explain_reports_a_malformed_event_instead_of_raising() -> None:
    instance, _ = make()
    explanations = instance.explain(["not", "an", "event"])
    assert [e.error for e in explanations] == ["the event should be a JSON object but it is an array."] * 2
    assert all(not e.matched for e in explanations)
