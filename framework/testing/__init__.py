"""Test harness for destination authors: Segment's test helpers, in-process HTTP, a pytest plugin.

``create_test_event(**overrides)`` is Segment's default test event. ``create_test_integration(definition)``
returns a :class:`TestDestination` whose ``test_action(...)`` maps, validates and performs one action with
HTTP answered by a :class:`MockRouter` mounted on the session (a real ``requests`` transport adapter, no
monkeypatching, no network), and returns the :class:`RecordedRequest` list. ``refused_answer(status, body)`` is the error a classifier
is handed for a refused answer. The pytest plugin
(``framework.testing.plugin``, registered automatically) provides the ``action_destinations`` and
``mock_transport`` fixtures.
"""

from framework.testing.events import create_test_event
from framework.testing.integration import (
    CredentialsInvalidError,
    InvalidSettingsError,
    TestDestination,
    create_test_integration,
)
from framework.testing.refusals import refused_answer
from framework.testing.transport import (
    MockRouter,
    MockTransport,
    RecordedRequest,
    Reply,
    UnmatchedRequestError,
)

__all__ = [
    "create_test_event",
    "create_test_integration",
    "TestDestination",
    "CredentialsInvalidError",
    "InvalidSettingsError",
    "MockTransport",
    "MockRouter",
    "Reply",
    "RecordedRequest",
    "UnmatchedRequestError",
    "refused_answer",
]
