"""Klaviyo passes the standard suite every destination gets (framework.testing.standard_suite)."""

from __future__ import annotations

from pathlib import Path

from destinations.klaviyo import definition
from framework.errors import Resolution
from framework.testing.integration import create_test_integration
from framework.testing.standard_suite import ResponseCase, StandardDestinationTests
from framework.testing.transport import MockRouter

DOCS = Path(__file__).resolve().parents[3] / "docs" / "destinations" / "actions-klaviyo.md"


class TestKlaviyoStandard(StandardDestinationTests):
    definition = definition
    settings = {"api_key": "pk_test_standard_suite"}
    mappings = {
        "upsertProfile": {"email": "ann@example.com"},
        "addProfileToList": {"email": "ann@example.com", "list_id": "Lst1"},
        "removeProfileFromList": {"email": "ann@example.com", "list_id": "Lst1"},
        # Segment's orderCompleted has no default profile: a mapping names it.
        "orderCompleted": {"profile": {"external_id": {"@path": "$.userId"}}, "properties": {"total": 10}},
        "subscribeProfile": {"email": "ann@example.com"},
        "unsubscribeProfile": {"email": "ann@example.com"},
        "removeProfile": {"email": "ann@example.com", "list_id": "Lst1"},
    }
    docs_page = DOCS
    sample_events = [
        {"type": "identify", "userId": "u-1", "traits": {"email": "ann@example.com", "firstName": "Ann"}},
        *[{"type": "track", "event": f"Audience {verb}", "userId": "u-1", "properties": {"vip": verb == "Entered"},
           "context": {"traits": {"email": "ann@example.com"},
                       "personas": {"computation_key": "vip", "computation_class": "audience",
                                    "external_audience_id": "Lst1"}}}
          for verb in ("Entered", "Exited")],
        *[{"type": "track", "event": f"User {verb}", "userId": "u-1", "traits": {"email": "ann@example.com"}}
          for verb in ("Subscribed", "Unsubscribed")],
        # removeProfile's default trigger is Segment's `type = "Identify"` (capital I), kept as written.
        {"type": "Identify", "userId": "u-1", "traits": {"email": "ann@example.com"}},
    ]  # fmt: skip
    # The answers destinations/klaviyo/classifier.py documents, through upsertProfile's perform.
    response_cases = [
        ResponseCase("created", 201, Resolution.SUCCESS, body='{"data": {"type": "profile", "id": "P1"}}'),
        ResponseCase("bad request", 400, Resolution.TERMINAL),
        ResponseCase("unauthorized", 401, Resolution.TERMINAL),
        ResponseCase("forbidden", 403, Resolution.TERMINAL),
        ResponseCase("too many requests", 429, Resolution.RATE_LIMITED, headers={"Retry-After": "2"}),
        ResponseCase("server error", 500, Resolution.RETRY),
        ResponseCase("unavailable", 503, Resolution.RETRY),
    ]

    def test_perform_builds_a_request(self, action_key: str) -> None:
        """The suite's check, with Klaviyo's answers: a created profile's id, a lookup's profiles."""
        router = (MockRouter().add("POST", "https://a.klaviyo.com/api/profiles/", 201, json={"data": {"id": "P1"}})
                  .add("GET", "https://a.klaviyo.com/api/profiles/*", json={"data": [{"id": "P1"}]})
                  .add("*", "*", 200, json={}))  # fmt: skip
        integration = create_test_integration(self.definition, router)
        event = self._events_for(action_key, self.definition.actions[action_key])[0]
        sent = integration.test_action(action_key, event=event, mapping=self.mappings.get(action_key),
                                       settings=self.settings, use_default_mappings=True)  # fmt: skip
        last = sent[-1]
        assert last.url.startswith("https://a.klaviyo.com/api/")
        assert last.headers["Authorization"] == "Klaviyo-API-Key pk_test_standard_suite"
        if action_key in ("addProfileToList", "removeProfileFromList", "removeProfile"):
            assert last.url == "https://a.klaviyo.com/api/lists/Lst1/relationships/profiles/"
            assert last.body == b'{"data":[{"type":"profile","id":"P1"}]}'
