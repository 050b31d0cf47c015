"""HubSpot Cloud passes the standard suite every destination gets (framework.testing.standard_suite)."""

from __future__ import annotations

from pathlib import Path

from destinations.hubspot_cloud import definition
from framework.errors import Resolution
from framework.testing.integration import create_test_integration
from framework.testing.standard_suite import ResponseCase, StandardDestinationTests
from framework.testing.transport import MockRouter

DOCS = Path(__file__).resolve().parents[3] / "docs" / "destinations" / "actions-hubspot-cloud.md"


class TestHubSpotCloudStandard(StandardDestinationTests):
    definition = definition
    settings = {"portalId": "123"}
    auth = {"accessToken": "test-access-token", "refreshToken": "test-refresh-token"}
    docs_page = DOCS
    mappings = {
        "upsertCompany": {"associateContact": False},
        "sendCustomBehavioralEvent": {"eventName": "pe123_order_completed"},
        "customEvent": {"__segment_internal_sync_mode": "upsert", "event_name": {"@path": "$.event"},
                        "record_details": {"object_type": "contact", "email": {"@path": "$.context.traits.email"}},
                        "properties": {"@path": "$.properties"}},
        "upsertCustomObjectRecord": {"objectType": "deals", "properties": {"dealname": "Renewal", "amount": "1200"},
                                     "customObjectSearchFields": {"dealname": "Renewal"}},
        "upsertObject": {"__segment_internal_sync_mode": "upsert",
                         "object_details": {"object_type": "contact", "id_field_name": "external_id",
                                            "id_field_value": {"@path": "$.userId"}, "property_group": "segment"},
                         "properties": {"plan": "pro"}},
    }  # fmt: skip
    sample_events = [
        {"type": "identify", "userId": "u-1", "traits": {"email": "ann@example.com", "firstName": "Ann"},
         "context": {"traits": {"email": "ann@example.com"}}},
        {"type": "group", "userId": "u-1", "groupId": "org-1", "traits": {"name": "Acme", "employees": 12}},
        {"type": "track", "event": "Order Completed", "userId": "u-1", "properties": {"total": "42.5"},
         "context": {"traits": {"email": "ann@example.com"}}},
    ]  # fmt: skip
    # The answers destinations/hubspot_cloud/classifier.py documents, through upsertContact's perform.
    response_cases = [
        ResponseCase("updated", 200, Resolution.SUCCESS, json={"id": "501", "properties": {}}),
        ResponseCase("bad request", 400, Resolution.TERMINAL, json={"message": "Property values were not valid"}),
        ResponseCase("expired token", 401, Resolution.REFRESH_THEN_RETRY, json={"category": "INVALID_AUTHENTICATION"}),
        ResponseCase("missing scope", 403, Resolution.TERMINAL, json={"category": "MISSING_SCOPES"}),
        ResponseCase("too many requests", 429, Resolution.RATE_LIMITED, headers={"Retry-After": "1"}),
        ResponseCase("server error", 500, Resolution.RETRY),
        ResponseCase("unavailable", 503, Resolution.RETRY),
    ]

    def test_perform_builds_a_request(self, action_key: str) -> None:
        """The suite's check, with HubSpot's answers: no event definition yet, so customEvent creates one."""
        router = (MockRouter().add("POST", "https://api.hubapi.com/crm/v3/objects/deals/search", 200,
                                   json={"total": 0, "results": []})
                  .add("GET", "https://api.hubapi.com/events/v3/event-definitions/*", 404, json={})
                  .add("POST", "https://api.hubapi.com/events/v3/event-definitions", 201,
                       json={"fullyQualifiedName": "pe123_order_completed"})
                  .add("*", "*", 200, json={"id": "501", "properties": {}}))  # fmt: skip
        integration = create_test_integration(self.definition, router)
        event = self._events_for(action_key, self.definition.actions[action_key])[0]
        sent = integration.test_action(action_key, event=event, mapping=self.mappings.get(action_key),
                                       settings=self.settings, auth=self.auth, use_default_mappings=True)  # fmt: skip
        assert sent and all(request.url.startswith("https://api.hubapi.com/") for request in sent)
        assert all(request.headers["authorization"] == "Bearer test-access-token" for request in sent)
        if action_key == "customEvent":
            assert sent[-1].url == "https://api.hubapi.com/events/v3/send"
            assert '"eventName":"pe123_order_completed"' in str(sent[-1].text)
