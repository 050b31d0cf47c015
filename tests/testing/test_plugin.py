"""The pytest plugin's fixtures, used as a destination author would, and the harness's public names."""

from typing import Any

import framework.testing
from framework.testing import MockRouter
from framework.testing.sample import SAMPLE_API, build_sample_destination


def test_fixtures_give_the_harness_and_a_fresh_router(action_destinations: Any, mock_transport: MockRouter) -> None:
    mock_transport.add("POST", f"{SAMPLE_API}/events", json={})
    tester = action_destinations.create_test_integration(build_sample_destination(), mock_transport)
    event = action_destinations.create_test_event(event="Signed Up")
    [request] = tester.test_action("track_event", event=event, settings={"accountId": "a"}, use_default_mappings=True)
    assert request.json()["name"] == "Signed Up"
    assert mock_transport.requests == [request]
    assert action_destinations.mock_transport is mock_transport


def test_mock_transport_is_new_for_each_test(mock_transport: MockRouter) -> None:
    assert mock_transport.requests == []


def test_all_lists_every_public_name_and_each_exists() -> None:
    public = {name for name in vars(framework.testing) if not name.startswith(("_", "@"))} - {
        "events",
        "integration",
        "transport",
        "sample",
        "plugin",
        "batch_results",
        "standard_suite",
        "recordings",
        "mapping_cases",
        "peer_destinations",
        "replay_process",
        "refusals",
    }
    assert public == set(framework.testing.__all__)
    for name in framework.testing.__all__:
        assert getattr(framework.testing, name) is not None
