"""``create_test_integration``: run one action of a definition on one event, HTTP answered in-process.

This is Segment's ``createTestIntegration(definition).testAction(...)`` for Python destination authors,
with Segment's semantics (no trigger matching, ``auth`` used as given, errors propagate so a test can
assert on them) except one: settings go through the destination's settings validator first, as the
runtime does, so a missing or mistyped setting fails with :class:`InvalidSettingsError` naming it
instead of a ``KeyError`` deep inside ``perform`` (docs/divergences.md). Requests go through the
real request client on a session whose transport is a :class:`~framework.testing.transport.MockRouter`
(or any ``MockTransport`` given), so nothing reaches the network::

    integration = create_test_integration(definition)
    integration.transport.add("POST", "https://api.example.com/v1/*", json={"ok": True})
    requests = integration.test_action("track", event={"event": "Signed Up"}, settings={"apiKey": "k"},
                                       use_default_mappings=True)
    assert requests[0].json()["name"] == "Signed Up"

The destination-level calls are here too: ``test_create_audience(name, ...)`` and
``test_get_audience(external_id, ...)`` (Segment's ``createAudience``/``getAudience``, answering an
``AudienceResult``) and ``test_on_delete(event, ...)`` (``onDelete``), run by the runtime's own
``audience_calls``/``deletion`` with the settings checked first, their requests in ``requests``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, Generic, TypeVar, overload

from framework.auth import OAuthTokens
from framework.auth.refresher import require_access_token
from framework.errors import IntegrationError, PayloadValidationError, status_of
from framework.runtime.async_batch import AsyncBatch
from framework.runtime.client import build_request_client
from framework.runtime.payload import validated_payload
from framework.runtime.token_refresh import refresh_function_for
from framework.testing.batch_results import batch_item_results, poll_item_results
from framework.testing.events import create_test_event
from framework.testing.transport import MockRouter, MockTransport, RecordedRequest

if TYPE_CHECKING:
    from framework.definition import ActionDefinition, DestinationDefinition
    from framework.definition.audience_config import AudienceResult
    from framework.definition.dynamic_fields import DynamicChoices
    from framework.definition.hooks import HookResult
    from framework.runtime.credentials import Credentials

__all__ = ["TestDestination", "CredentialsInvalidError", "InvalidSettingsError", "create_test_integration"]


class CredentialsInvalidError(Exception):
    """``test_authentication`` failed: Segment's plain ``Error("Credentials are invalid: …")``."""


class InvalidSettingsError(PayloadValidationError):
    """The settings given to ``test_action`` fail the destination's settings validator (a setting missing,
    or of the wrong type); the message names the destination, the setting and what to pass."""


TransportT = TypeVar("TransportT", bound=MockTransport)


class TestDestination(Generic[TransportT]):
    """A destination definition under test, with a mock transport and the requests each call made.

    Generic in its transport, so ``create_test_integration(d).transport.add(...)`` type-checks: the
    default transport is a :class:`MockRouter`.
    """

    __test__ = False  # a harness, not a pytest test class

    def __init__(self, definition: DestinationDefinition, transport: TransportT) -> None:
        self.definition = definition
        self.transport: TransportT = transport
        self.session = self.transport.session()
        self.last_payload: Any = None
        self.last_output: Any = None
        self.batch_errors: dict[int, str] = {}
        self.batch_results: list[Any] = []  # per event: ItemSuccess | ItemError | StillRunning (batch_results.py)
        self.batch_job: Any = None  # the AsyncBatch an async perform_batch returned

    def test_action(
        self,
        action: str,
        *,
        event: Mapping[str, Any] | None = None,
        mapping: Mapping[str, Any] | None = None,
        settings: Mapping[str, Any] | None = None,
        auth: Mapping[str, Any] | OAuthTokens | None = None,
        use_default_mappings: bool = False,
    ) -> list[RecordedRequest]:
        """Map ``event`` (over Segment's default test event) with ``mapping``, validate, perform.

        Returns the requests the action sent, in order. ``use_default_mappings`` fills the fields
        ``mapping`` omits with the action's defaults, as Segment's ``useDefaultMappings`` does.
        """
        definition_action = self._action(action)
        effective = _mapping_for(definition_action, mapping, use_default_mappings)
        test_event = create_test_event(dict(event or {}))
        payload = validated_payload(definition_action, _transform(effective, test_event))
        self.last_payload = payload
        return self._perform(definition_action, payload, test_event, effective, settings, auth)

    def test_batch_action(
        self,
        action: str,
        *,
        events: Sequence[Mapping[str, Any]] | None = None,
        mapping: Mapping[str, Any] | None = None,
        settings: Mapping[str, Any] | None = None,
        auth: Mapping[str, Any] | OAuthTokens | None = None,
        use_default_mappings: bool = False,
    ) -> list[RecordedRequest]:
        """Segment's ``testBatchAction``: map and validate each event, ``perform_batch`` the valid ones.

        No ``events`` means one ``{"type": "track"}`` event. An invalid payload is left out (its message
        is in ``batch_errors`` under the event's index); with none valid, nothing is performed.
        ``batch_results`` then holds one result per event, in order: the item's status (success, or an
        error with its Resolution), the invalid payload's error, or ``StillRunning`` for an async job
        (``batch_job``; finish it with ``test_poll``).
        """
        definition_action = self._action(action)
        if definition_action.perform_batch is None:
            raise IntegrationError("This action does not support batched requests.", "NotImplemented", 501)
        effective = _mapping_for(definition_action, mapping, use_default_mappings)
        test_events = [create_test_event(dict(event)) for event in (events or [{"type": "track"}])]
        payloads = self._batch_payloads(definition_action, effective, test_events)
        self.last_payload = payloads
        self.batch_job = None
        if not payloads:
            self.batch_results = batch_item_results(None, [], self.batch_errors, len(test_events))
            return []
        sent = self._perform(definition_action, payloads, test_events, effective, settings, auth, batch=True)
        self.batch_job = self.last_output if isinstance(self.last_output, AsyncBatch) else None
        self.batch_results = batch_item_results(self.last_output, payloads, self.batch_errors, len(test_events))
        return sent

    def test_poll(
        self,
        action: str,
        ref: Mapping[str, Any],
        *,
        items: int,
        settings: Mapping[str, Any] | None = None,
        auth: Mapping[str, Any] | OAuthTokens | None = None,
    ) -> list[Any]:
        """Call the action's ``poll`` with an async job's ``ref``: one result per item (``StillRunning`` each)."""
        from framework.definition import ExecuteInput

        poll = self._action(action).poll
        if poll is None:
            raise IntegrationError(f"Action {action} has no poll.", "NotImplemented", 501)
        data = ExecuteInput(payload=None, settings=dict(settings or {}), auth=as_tokens(auth))
        self.last_output = poll(build_request_client(self.definition, self.session, data), data, dict(ref))
        return poll_item_results(self.last_output, items)

    def test_dynamic_field(
        self,
        action: str,
        field: str,
        *,
        settings: Mapping[str, Any] | None = None,
        auth: Mapping[str, Any] | OAuthTokens | None = None,
        payload: Mapping[str, Any] | None = None,
        page: str | None = None,
    ) -> DynamicChoices:
        """Segment's ``testDynamicField``: the field's choices, its requests answered by the transport.

        ``field`` is a key or a path to one property (``record_details.object_type``,
        ``associations.[0].id_field_name``, ``properties.__keys__``); the function gets the array index
        or key in ``data.dynamic_field_context``.
        """
        from framework.runtime.dynamic_fields import fetch_choices

        self._action(action)
        choices, _ = fetch_choices(
            self.definition,
            action,
            field,
            settings=self._validated_settings(settings),
            auth=as_tokens(auth),
            session=self.session,
            payload=payload,
            page=page,
        )
        return choices

    def test_hook(
        self,
        action: str,
        hook: str,
        inputs: Mapping[str, Any],
        *,
        settings: Mapping[str, Any] | None = None,
        auth: Mapping[str, Any] | OAuthTokens | None = None,
    ) -> HookResult:
        """Segment's ``testHook``: run one action hook with these inputs, its requests answered by the transport."""
        from framework.runtime.hooks import run_hook

        self._action(action)
        return run_hook(
            self.definition,
            action,
            hook,
            inputs,
            settings=self._validated_settings(settings),
            auth=as_tokens(auth),
            session=self.session,
        )

    def _batch_payloads(
        self, action: ActionDefinition, mapping: dict[str, Any], events: list[dict[str, Any]]
    ) -> list[Any]:
        self.batch_errors = {}
        payloads = []
        for index, event in enumerate(events):
            try:
                payloads.append(validated_payload(action, _transform(mapping, event), batch=True))
            except PayloadValidationError as error:
                self.batch_errors[index] = error.message
        return payloads

    def test_refresh(
        self, settings: Mapping[str, Any] | None = None, auth: Mapping[str, Any] | OAuthTokens | None = None
    ) -> OAuthTokens:
        """Run the definition's ``refresh_access_token`` with these tokens: the new tokens, merged."""
        authentication = self.definition.authentication
        if authentication is None or not authentication.is_oauth:
            raise IntegrationError(
                "refreshAccessToken is only valid with oauth2 authentication scheme", "NotImplemented", 501
            )
        tokens = as_tokens(auth)
        if tokens is None:
            raise ValueError("test_refresh needs auth: the tokens to refresh (refresh_token, client_id, ...).")
        answer = refresh_function_for(self.definition, dict(settings or {}), session=self.session)(tokens)
        return tokens.refreshed(require_access_token(answer))

    refresh_access_token = test_refresh

    def test_authentication(
        self, settings: Mapping[str, Any], auth: Mapping[str, Any] | OAuthTokens | None = None
    ) -> None:
        """Segment's ``testAuthentication``: settings checked, then the destination's check, if any.

        Invalid settings raise ``PayloadValidationError``; a failing check raises
        :class:`CredentialsInvalidError` with Segment's text (``Credentials are invalid: 403 Forbidden``).
        The destination's ``test_authentication(request, data)`` gets an ``ExecuteInput`` without payload.
        """
        from framework.definition import ExecuteInput

        checked = self.definition.validate_settings(dict(settings))
        check = self.definition.authentication.test_authentication if self.definition.authentication else None
        if check is None:
            return
        data = ExecuteInput(payload=None, settings=checked, auth=as_tokens(auth))
        try:
            check(build_request_client(self.definition, self.session, data), data)
        except Exception as error:
            status = status_of(error)
            raise CredentialsInvalidError(f"Credentials are invalid: {status or ''} {error}") from error

    def test_create_audience(
        self,
        audience_name: str,
        *,
        settings: Mapping[str, Any] | None = None,
        audience_settings: Mapping[str, Any] | None = None,
        personas: Mapping[str, Any] | None = None,
        auth: Mapping[str, Any] | OAuthTokens | None = None,
    ) -> AudienceResult:
        """Segment's ``createAudience({settings, audienceName, audienceSettings, personas})``: the external id.

        The audience settings are checked against the definition's ``audience_fields``; the requests
        the function sent are in ``requests``; a refused OAuth token is refreshed once, as in Segment.
        """
        from framework.runtime.audience_calls import create_audience

        checked = self._validated_settings(settings)
        return create_audience(
            self.definition,
            audience_name,
            settings=checked,
            credentials=self._credentials(checked, auth),
            session=self.session,
            audience_settings=audience_settings,
            personas=personas,
        )

    def test_get_audience(
        self,
        external_id: str,
        *,
        settings: Mapping[str, Any] | None = None,
        audience_settings: Mapping[str, Any] | None = None,
        auth: Mapping[str, Any] | OAuthTokens | None = None,
    ) -> AudienceResult:
        """Segment's ``getAudience({settings, externalId, audienceSettings})``: the external id, checked."""
        from framework.runtime.audience_calls import get_audience

        checked = self._validated_settings(settings)
        return get_audience(
            self.definition,
            external_id,
            settings=checked,
            credentials=self._credentials(checked, auth),
            session=self.session,
            audience_settings=audience_settings,
        )

    def test_on_delete(
        self,
        event: Mapping[str, Any],
        *,
        settings: Mapping[str, Any] | None = None,
        auth: Mapping[str, Any] | OAuthTokens | None = None,
    ) -> Any:
        """Segment's ``onDelete(event, settings)``: ``on_delete`` for the event's userId and anonymousId.

        Answers what ``on_delete`` returned (``{"output": "no onDelete defined"}`` for nothing).
        """
        from framework.runtime.deletion import delete_user

        checked = self._validated_settings(settings)
        return delete_user(
            self.definition,
            user_id=event.get("userId"),
            anonymous_id=event.get("anonymousId"),
            settings=checked,
            credentials=self._credentials(checked, auth),
            session=self.session,
        )

    def _credentials(self, settings: dict[str, Any], auth: Mapping[str, Any] | OAuthTokens | None) -> Credentials:
        """The tokens given, refreshed through the transport like the instance's (a fresh store per call)."""
        from framework.runtime.credentials import Credentials

        return Credentials(self.definition, settings, as_tokens(auth), session=self.session)

    def _validated_settings(self, settings: Mapping[str, Any] | None) -> dict[str, Any]:
        """The settings as the runtime would pass them (checked, coerced), or InvalidSettingsError."""
        try:
            return self.definition.validate_settings(dict(settings or {}))
        except PayloadValidationError as error:
            raise InvalidSettingsError(_settings_problem(self.definition, error)) from None

    @property
    def requests(self) -> list[RecordedRequest]:
        """Every request recorded by the transport so far, across calls."""
        return list(self.transport.requests)

    def _action(self, slug: str) -> ActionDefinition:
        try:
            return self.definition.actions[slug]
        except KeyError:
            # Segment silently returns [] here, which makes a typo pass a test (docs/divergences.md).
            known = ", ".join(sorted(self.definition.actions)) or "none"
            raise LookupError(f'{self.definition.name} has no action "{slug}"; the actions are: {known}.') from None

    def _perform(
        self,
        action: ActionDefinition,
        payload: Any,
        event: Any,
        mapping: dict[str, Any],
        settings: Mapping[str, Any] | None,
        auth: Mapping[str, Any] | OAuthTokens | None,
        *,
        batch: bool = False,
    ) -> list[RecordedRequest]:
        from framework.definition.inputs import execute_input_for

        data = execute_input_for(
            action,
            payload=payload,
            settings=self._validated_settings(settings),
            auth=as_tokens(auth),
            raw_data=event,
            mapping=mapping,
        )
        start = len(self.transport.requests)
        client = build_request_client(self.definition, self.session, data)
        perform = action.perform_batch if batch else action.perform
        assert perform is not None  # test_batch_action checked perform_batch
        self.last_output = perform(client, data)
        return self.transport.requests[start:]


def _settings_problem(definition: DestinationDefinition, error: PayloadValidationError) -> str:
    declared = ", ".join(definition.settings_fields) or "none"
    return (
        f"{definition.name}: the settings given to test_action are invalid: {error.message} "
        f"Pass them as test_action(..., settings={{...}}); the declared settings are: {declared}."
    )


@overload
def create_test_integration(
    definition: DestinationDefinition, transport: None = None
) -> TestDestination[MockRouter]: ...


@overload
def create_test_integration(
    definition: DestinationDefinition, transport: TransportT
) -> TestDestination[TransportT]: ...


def create_test_integration(
    definition: DestinationDefinition, transport: MockTransport | None = None
) -> TestDestination[Any]:
    """A :class:`TestDestination` for ``definition``; replies come from ``transport`` (a new MockRouter)."""
    return TestDestination(definition, transport if transport is not None else MockRouter())


def as_tokens(auth: Mapping[str, Any] | OAuthTokens | None) -> OAuthTokens | None:
    """OAuthTokens from tokens, a dict with our keys, or Segment's camelCase ``auth`` keys."""
    if auth is None or isinstance(auth, OAuthTokens):
        return auth
    return OAuthTokens.from_segment(auth)


def _mapping_for(
    action: ActionDefinition, mapping: Mapping[str, Any] | None, use_default_mappings: bool
) -> dict[str, Any]:
    if use_default_mappings:
        return {**action.default_mapping(), **dict(mapping or {})}
    return dict(mapping or {})


def _transform(mapping: dict[str, Any], event: dict[str, Any]) -> Any:
    from framework.mapping import transform

    return transform(mapping, event)
