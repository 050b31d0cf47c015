"""The standard tests every destination gets in one line: subclass, name the definition, done.

In the spirit of singer-sdk's generated test classes, a destination's test module says only what is
specific to it and inherits the checks every destination must pass::

    from framework.testing.standard_suite import ResponseCase, StandardDestinationTests

    class TestAcmeStandard(StandardDestinationTests):
        definition = acme.definition
        settings = {"api_key": "test-key"}
        response_cases = [ResponseCase("rate limited", 429, Resolution.RATE_LIMITED)]
        docs_page = Path("docs/destinations/actions-acme.md")

What it proves, one pytest test per item (per action, per response case):

* the definition passes the static checks (``framework.definition.check_definition``) with no error;
* each action's default mapping maps every sample event its default trigger matches, and the result
  passes the action's own payload schema;
* each action's ``perform`` builds at least one HTTP request (answered by the harness's mock transport,
  so nothing reaches the network);
* each documented answer of the API (``response_cases``) is classified as the expected ``Resolution``,
  by running the action's ``perform`` against that answer;
* the catalog page (``actions describe SLUG --markdown``) is in sync with ``docs_page`` when one is
  given, and renders with every action when none is.

The sample events default to Segment's test event (``create_test_event``) of each event type; give
``sample_events`` when the default mappings need more (an email in the traits, say), and
``mappings`` (action key → mapping, over the defaults) for required fields that have no default
(a webhook's URL).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

import pytest

from framework.errors import Resolution, resolution_for
from framework.testing.events import create_test_event
from framework.testing.integration import create_test_integration
from framework.testing.transport import MockRouter

if TYPE_CHECKING:
    from framework.definition import ActionDefinition, DestinationDefinition

__all__ = ["ResponseCase", "StandardDestinationTests", "DEFAULT_EVENT_TYPES", "DEFAULT_RESPONSE_CASES"]

DEFAULT_EVENT_TYPES = ("track", "identify", "page", "screen", "group", "alias")
"""The event types of the default sample events: one Segment test event of each."""


@dataclass(frozen=True)
class ResponseCase:
    """One documented answer of the destination's API and the Resolution the destination must decide.

    ``json`` (or ``body``, raw text) and ``headers`` make the answer; ``action`` is the action whose
    ``perform`` receives it (default: the destination's first action). A 2xx answer expects SUCCESS.
    """

    id: str
    status: int
    expected: Resolution
    json: Any = None
    body: str | None = None
    headers: Mapping[str, str] = field(default_factory=dict)
    action: str | None = None


DEFAULT_RESPONSE_CASES = (
    ResponseCase("accepted", 200, Resolution.SUCCESS),
    ResponseCase("bad request", 400, Resolution.TERMINAL),
    ResponseCase("too many requests", 429, Resolution.RATE_LIMITED),
    ResponseCase("service unavailable", 503, Resolution.RETRY),
)
"""What any HTTP API's plain answers mean, used until a destination documents its own ``response_cases``."""


class StandardDestinationTests:
    """Subclass as ``Test<Name>Standard`` and set ``definition``; the rest has defaults."""

    definition: ClassVar[DestinationDefinition]
    settings: ClassVar[Mapping[str, Any]] = {}
    auth: ClassVar[Mapping[str, Any] | None] = None
    sample_events: ClassVar[Sequence[Mapping[str, Any]]] = ()
    response_cases: ClassVar[Sequence[ResponseCase]] = DEFAULT_RESPONSE_CASES
    docs_page: ClassVar[Path | None] = None
    mappings: ClassVar[Mapping[str, Mapping[str, Any]]] = {}  # action key → mapping over the defaults

    def pytest_generate_tests(self, metafunc: pytest.Metafunc) -> None:
        """One test per action and per response case, named after them."""
        if "action_key" in metafunc.fixturenames:
            metafunc.parametrize("action_key", list(self.definition.actions))
        if "response_case" in metafunc.fixturenames:
            cases = list(self.response_cases)
            metafunc.parametrize("response_case", cases, ids=[case.id for case in cases])

    def test_definition_passes_the_static_checks(self) -> None:
        from framework.definition import check_definition

        errors = [str(finding) for finding in check_definition(self.definition) if finding.level == "error"]
        assert errors == [], f"{self.definition.name} fails `actions validate`:\n" + "\n".join(errors)

    def test_default_mapping_maps_the_sample_events_to_a_valid_payload(self, action_key: str) -> None:
        from framework.mapping import transform
        from framework.runtime.payload import validated_payload

        action = self.definition.actions[action_key]
        for event in self._events_for(action_key, action):
            mapping = {**action.default_mapping(), **self.mappings.get(action_key, {})}
            validated_payload(action, transform(mapping, event))

    def test_perform_builds_a_request(self, action_key: str) -> None:
        action = self.definition.actions[action_key]
        integration = create_test_integration(self.definition, MockRouter().add("*", "*", json={}))
        sent = integration.test_action(
            action_key,
            event=self._events_for(action_key, action)[0],
            mapping=self.mappings.get(action_key),
            settings=self.settings,
            auth=self.auth,
            use_default_mappings=True,
        )
        assert sent, f'action "{action_key}" of {self.definition.name} sent no request for its first sample event'
        for request in sent:
            assert request.url.startswith(("https://", "http://")), f"{request.method} {request.url} is not HTTP(S)"

    def test_a_documented_response_is_classified(self, response_case: ResponseCase) -> None:
        assert resolution_of(self, response_case) == response_case.expected, (
            f"{self.definition.name}: answer {response_case.id!r} (HTTP {response_case.status}) "
            f"should resolve to {response_case.expected.name}"
        )

    def test_the_catalog_page_is_in_sync(self) -> None:
        from framework.catalog.page import render_catalog_page

        page = render_catalog_page(self.definition)
        if self.docs_page is None:
            missing = [key for key in self.definition.actions if f"`{key}`" not in page and key not in page]
            assert self.definition.name in page and missing == []
            return
        assert self.docs_page.exists(), f"{self.docs_page}: no such file; write it with: " + _regenerate(self)
        assert page == self.docs_page.read_text(encoding="utf-8"), (
            f"{self.docs_page} is out of date with the definition; regenerate it with: " + _regenerate(self)
        )

    def _events_for(self, action_key: str, action: ActionDefinition) -> list[dict[str, Any]]:
        """The full sample events the action's default trigger matches (all of them without a trigger)."""
        from framework.subscriptions import matches

        events = [create_test_event(dict(event)) for event in self.sample_events] or [
            create_test_event(type=kind) for kind in DEFAULT_EVENT_TYPES
        ]
        trigger = action.default_subscription
        chosen = [event for event in events if not trigger or matches(trigger, event)]
        assert chosen, (
            f'no sample event matches action "{action_key}"\'s default trigger {trigger!r}; add one to '
            f"sample_events of {type(self).__name__}"
        )
        return chosen


def resolution_of(suite: StandardDestinationTests, case: ResponseCase) -> Resolution:
    """Run the case's action against the case's answer; the Resolution the runtime would decide."""
    action_key = case.action or next(iter(suite.definition.actions))
    action = suite.definition.actions[action_key]
    reply: dict[str, Any] = {"status": case.status, "headers": dict(case.headers)}
    reply.update({"body": case.body} if case.body is not None else {"json": case.json if case.json is not None else {}})
    integration = create_test_integration(suite.definition, MockRouter().add("*", "*", **reply))
    try:
        integration.test_action(
            action_key,
            event=suite._events_for(action_key, action)[0],
            mapping=suite.mappings.get(action_key),
            settings=suite.settings,
            auth=suite.auth,
            use_default_mappings=True,
        )
    except Exception as error:  # the classified error is what is under test
        return resolution_for(error)
    return Resolution.SUCCESS


def _regenerate(suite: StandardDestinationTests) -> str:
    return f"actions describe {suite.definition.slug} --markdown > {suite.docs_page}"
