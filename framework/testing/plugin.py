"""pytest plugin: the ``action_destinations`` and ``mock_transport`` fixtures for destination tests.

Registered through the ``pytest11`` entry point, so installing the package is enough. It imports the
harness only when a fixture is used: a plugin loaded into every pytest run must not fail, or slow down,
runs that never use it.

    def test_upsert(action_destinations, mock_transport):
        mock_transport.add("POST", "https://pi.pardot.com/*", json={"id": 1})
        integration = action_destinations.create_test_integration(definition, mock_transport)
        event = action_destinations.create_test_event(type="identify", traits={"email": "a@b.co"})
        [request] = integration.test_action("prospects", event=event, use_default_mappings=True)
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from framework.testing.transport import MockRouter

__all__ = ["action_destinations", "mock_transport"]


@pytest.fixture
def mock_transport() -> MockRouter:
    """A fresh MockRouter: add canned replies, mount it, assert on ``.requests``."""
    from framework.testing.transport import MockRouter

    return MockRouter()


@pytest.fixture
def action_destinations(mock_transport: MockRouter) -> SimpleNamespace:
    """The harness in one object: ``create_test_integration``, ``create_test_event``, the harness classes,
    and ``mock_transport`` (the same router as the ``mock_transport`` fixture)."""
    import framework.testing as harness

    names = {name: getattr(harness, name) for name in harness.__all__}
    return SimpleNamespace(**names, mock_transport=mock_transport)
