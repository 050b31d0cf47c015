"""One event through one instance: trigger → mapping → payload validation → perform, per subscription.

Each enabled subscription yields one result and nothing an event contains can crash the run: a
malformed event, a mapping that fails on it, a payload the action refuses and an error raised by
``perform`` all become results. A token refused by an OAuth destination is refreshed (once for all
callers sharing the credential) and that subscription alone is retried once; Segment re-runs every
subscription instead (docs/divergences.md).

Subscriptions run one after another, in config order: results come back in that order, and a
subscription's requests never interleave with another's in the exchanges.
"""

from __future__ import annotations

import logging
from collections.abc import Collection, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any

import requests

from framework.errors import HTTPError, PayloadValidationError, Resolution, resolution_for, status_of
from framework.events import nesting_problem
from framework.http import redact_body, redact_text
from framework.http.exchanges import body_message
from framework.http.network_errors import describe_network_error
from framework.runtime.client import build_request_client, secrets_of
from framework.runtime.credentials import Credentials
from framework.runtime.event_shape import event_problem
from framework.runtime.payload import validated_payload
from framework.runtime.results import (
    MAX_RESULT_BODY,
    SubscriptionExplanation,
    SubscriptionResult,
    SubscriptionStatus,
    delivered_result,
)
from framework.runtime.subscription import CompiledSubscription

if TYPE_CHECKING:
    from framework.definition import DestinationDefinition

__all__ = ["Pipeline"]

log = logging.getLogger("framework.runtime")


class Pipeline:
    """Runs events through compiled subscriptions with one definition, settings and session."""

    def __init__(
        self,
        definition: DestinationDefinition,
        settings: dict[str, Any],
        subscriptions: Sequence[CompiledSubscription],
        credentials: Credentials,
        *,
        session: requests.Session,
        endpoint: str | None = None,
    ) -> None:
        self.definition = definition
        self.settings = settings
        self.subscriptions = tuple(subscriptions)
        self.credentials = credentials
        self.session = session
        self.endpoint = endpoint
        self._password_settings = secrets_of(definition, settings, None)  # settings never change here
        self._client_secrets: tuple[Any, tuple[str, ...]] = (_NO_TOKENS, ())  # (tokens, what a client redacts)
        self._filtered: dict[int, SubscriptionResult] = {}  # by subscription index, see _unexplained_filtered
        # Imported once here, not at module level: the pytest plugin imports this module (through
        # framework.testing) and must not load pydantic into test runs that never use the harness.
        from framework.definition.inputs import execute_input_for
        from framework.definition.sync_modes import chosen_sync_mode

        self._execute_input = execute_input_for
        # A mapping's refused sync mode refuses every event of that subscription: decided once here.
        self._refused_modes = {
            sub.index: refused
            for sub in self.subscriptions
            if (refused := chosen_sync_mode(sub.action.sync_mode, sub.mapping)[1]) is not None
        }

    def send(
        self, event: Any, *, only: Collection[int] | None = None, filtered_reasons: bool = True
    ) -> list[SubscriptionResult]:
        """One result per enabled subscription, in config order; ``only`` limits it to those indexes.

        ``only`` lets a retry re-run just the subscriptions that failed, never re-sending the others.
        ``filtered_reasons=False`` leaves a filtered result's ``reason`` empty: explaining a trigger's
        failing condition costs as much as evaluating it, and a dry run's tally never shows it.
        The event's shape is checked once for all its subscriptions.
        """
        chosen = [sub for sub in self.subscriptions if sub.enabled and (only is None or sub.index in only)]
        problem = _event_problem(event)
        results = [self._run(sub, event, problem, filtered_reasons) for sub in chosen]
        if log.isEnabledFor(logging.DEBUG):  # the arguments alone cost as much as a check
            for result in results:
                log.debug(
                    "%s (%s): %s %s", result.subscription, result.action, result.status.value, result.http_status or ""
                )
        return results

    def run(self, sub: CompiledSubscription, event: Any) -> SubscriptionResult:
        """One event through one subscription, whatever the event holds."""
        return self._run(sub, event, _event_problem(event), True)

    def prepare(self, sub: CompiledSubscription, event: Any) -> tuple[SubscriptionResult | None, Any]:
        """(None, the validated payload), or (the invalid or filtered result, None): ``run`` before perform.

        Delivery uses it with :meth:`perform_payload` to merge several events' payloads into one call.
        """
        return self._prepare(sub, event, _event_problem(event), True)

    def _run(self, sub: CompiledSubscription, event: Any, problem: str | None, explain: bool) -> SubscriptionResult:
        refused, payload = self._prepare(sub, event, problem, explain)
        if refused is not None:
            return refused
        return self.perform_payload(sub, event, payload)

    def _prepare(
        self, sub: CompiledSubscription, event: Any, problem: str | None, explain: bool
    ) -> tuple[SubscriptionResult | None, Any]:
        """``prepare`` with the event's shape problem already known and the filtered reason optional."""
        if problem is not None:
            return _result(sub, reason=problem), None
        verdict = _trigger_verdict(sub, event, explain)
        if verdict is not None:
            if verdict == _UNEXPLAINED_FILTER:  # the same for every event: built once per subscription
                return self._unexplained_filtered(sub), None
            return _result(sub, status=verdict[0], reason=verdict[1]), None
        if sub.index in self._refused_modes:
            return _result(sub, reason=self._refused_modes[sub.index]), None
        payload, reason = _payload(sub, event)
        if reason is not None:
            return _result(sub, reason=reason, payload=payload), None
        return None, payload

    def _unexplained_filtered(self, sub: CompiledSubscription) -> SubscriptionResult:
        """The filtered result without a reason (a dry run's), one per subscription: results are frozen."""
        result = self._filtered.get(sub.index)
        if result is None or result.subscription != sub.label:
            result = self._filtered[sub.index] = _result(sub, status=SubscriptionStatus.FILTERED)
        return result

    def perform_payload(self, sub: CompiledSubscription, event: Any, payload: Any) -> SubscriptionResult:
        """``perform`` with a payload already prepared (maybe merged), with the refresh-and-retry of ``run``."""
        return self._without_secrets(self._deliver(sub, event, payload))

    def explain(self, event: Any) -> list[SubscriptionExplanation]:
        """For every subscription (enabled or not): the trigger's verdict and each field's resolution."""
        return [_explain(sub, event) for sub in self.subscriptions]

    def _without_secrets(self, result: SubscriptionResult) -> SubscriptionResult:
        """A destination's error text may quote a token or a password setting: never pass it on."""
        if not result.reason:
            return result
        return replace(result, reason=redact_text(result.reason, self._secrets()))

    # -- perform, with one retry after a token refresh --------------------------------------------

    def _deliver(self, sub: CompiledSubscription, event: dict[str, Any], payload: Any) -> SubscriptionResult:
        tokens = self.credentials.current()
        first = self._perform(sub, event, payload, tokens, attempts=1)
        if first.resolution is not Resolution.REFRESH_THEN_RETRY:
            return first
        if not self.credentials.can_refresh or tokens is None:
            return _cannot_refresh(first, self.definition)
        try:
            fresh = self.credentials.refresh(tokens)
        except Exception as error:  # the refresh's own failure is the subscription's result
            return _with_response(_refresh_failed(first, error), error, (), self._secrets())
        second = self._perform(sub, event, payload, fresh, attempts=2)
        return _refused_again(replace(second, exchanges=first.exchanges + second.exchanges))

    def _perform(
        self,
        sub: CompiledSubscription,
        event: dict[str, Any],
        payload: Any,
        tokens: Any,
        attempts: int,
    ) -> SubscriptionResult:
        """One call of ``perform``; its result is built only once the outcome is known (one object, not two)."""
        # Copies: a perform that edits its settings or mapping must not change the next event's.
        client = None
        try:
            data = self._execute_input(
                sub.action,
                payload=payload,
                settings=dict(self.settings),
                auth=tokens,
                raw_data=event,
                mapping=sub.mapping,
            )
            client = build_request_client(
                self.definition, self.session, data, self.endpoint, secrets=self._secrets_for_client(tokens)
            )
            output = sub.action.perform(client, data)
        except Exception as error:  # every perform failure becomes a result with its Resolution
            exchanges = _exchanges(client)
            base = _result(sub, payload=payload)
            base = base if attempts == 1 else replace(base, attempts=attempts)
            return _with_response(_failed(base, error, exchanges), error, exchanges, self._secrets())
        return _delivered(sub, payload, attempts, _exchanges(client), _output(output))

    def _secrets(self) -> list[str]:
        return [*self.credentials.secrets(), *self._password_settings]

    def _secrets_for_client(self, tokens: Any) -> tuple[str, ...]:
        """``secrets_of(definition, settings, tokens)``, kept while the tokens are the same object.

        An execution's settings are a copy of the pipeline's, so only the tokens can change them;
        the credential hands out the same frozen tokens until a refresh.
        """
        known_tokens, secrets = self._client_secrets
        if known_tokens is not tokens:
            secrets = (*(tokens.secrets() if tokens is not None else ()), *self._password_settings)
            self._client_secrets = (tokens, secrets)
        return secrets


_NO_TOKENS = object()  # never a credential's tokens: the first execution computes its client's secrets


def _event_problem(event: Any) -> str | None:
    """Why the event cannot be run at all: a wrong shape, or nesting past ``MAX_EVENT_DEPTH``."""
    problem = event_problem(event)
    if problem is None and (deep := nesting_problem(event)) is not None:
        problem = f"the event is {deep}."
    return problem


def _result(
    sub: CompiledSubscription,
    status: SubscriptionStatus = SubscriptionStatus.INVALID,
    reason: str = "",
    payload: Any = None,
) -> SubscriptionResult:
    """A subscription's result, built once: ``replace`` costs a few microseconds per event on the hot path."""
    return SubscriptionResult(sub.label, sub.action_slug, status, reason=reason, payload=payload, index=sub.index)


def _delivered(
    sub: CompiledSubscription, payload: Any, attempts: int, exchanges: tuple[Any, ...], output: Any
) -> SubscriptionResult:
    """A delivered result, built in one go (``_result`` then ``replace`` cost twice as much on the hot path)."""
    return delivered_result(
        sub.label,
        sub.action_slug,
        index=sub.index,
        payload=payload,
        exchanges=exchanges,
        attempts=attempts,
        output=output,
    )


_UNEXPLAINED_FILTER = (SubscriptionStatus.FILTERED, "")


def _trigger_verdict(
    sub: CompiledSubscription, event: dict[str, Any], explain: bool = True
) -> tuple[SubscriptionStatus, str] | None:
    """None when the trigger matches; else FILTERED with the failing condition (or INVALID if it broke).

    Without ``explain`` a filtered verdict's reason is empty (the condition is not looked for).
    """
    try:
        if sub.trigger.matches(event):
            return None
        if not explain:
            return SubscriptionStatus.FILTERED, ""
        reason = sub.trigger.explain(event) or f"the trigger {sub.subscribe!r} does not match"
    except Exception as error:  # a trigger must never crash the run, whatever the event holds
        return SubscriptionStatus.INVALID, f"the trigger could not be evaluated on this event: {error}"
    return SubscriptionStatus.FILTERED, reason


def _payload(sub: CompiledSubscription, event: dict[str, Any]) -> tuple[Any, str | None]:
    """The mapped and validated payload, or the reason it could not be built (and what was mapped)."""
    try:
        mapped = sub.compiled_mapping(event)
    except Exception as error:  # MappingResolutionError, or anything a malformed event provokes
        return None, f"the mapping could not be resolved on this event: {error}"
    try:
        return validated_payload(sub.action, mapped), None
    except PayloadValidationError as error:
        return mapped, f"the payload is invalid for {sub.action.title!r}: {error.message}"
    except Exception as error:  # a validator bug must not crash the run either
        return mapped, f"the payload could not be validated: {type(error).__name__}: {error}"


def _failed(base: SubscriptionResult, error: BaseException, exchanges: tuple[Any, ...]) -> SubscriptionResult:
    """The result of a ``perform`` that raised: ``invalid`` when it refused the payload, else ``failed``.

    A ``PayloadValidationError`` from ``perform`` (a check the field schema cannot express, or a
    lookup that found nobody to act on) is the payload's fault, as a schema refusal is: Segment counts
    both invalid, and so does the funnel here. An API's own refusal of a record (Pardot's code 180)
    is a destination error, not this one: a failure, dead-lettered with the answer, as in Segment.
    """
    message = str(error) or type(error).__name__
    if isinstance(error, requests.RequestException):  # no response: name the host and the OS's reason
        message = f"{type(error).__name__}: {describe_network_error(error)}"
    elif not hasattr(error, "resolution"):  # not one of ours: say what it was, to find the bug
        message = f"{type(error).__name__}: {message}"
    return replace(
        base,
        status=SubscriptionStatus.INVALID if isinstance(error, PayloadValidationError) else SubscriptionStatus.FAILED,
        reason=message,
        resolution=resolution_for(error),
        http_status=status_of(error),
        error_code=getattr(error, "code", None) or None,
        retry_after=getattr(error, "retry_after", None),
        exchanges=exchanges,
    )


def _with_response(
    result: SubscriptionResult, error: BaseException, exchanges: tuple[Any, ...], secrets: list[str]
) -> SubscriptionResult:
    """The status received on the wire and the (redacted, cut) body of the response the failure came from.

    That response is the one the error carries (a token endpoint's, for a failed refresh), else the
    last exchange's. A plain ``HTTPError`` (no classifier reworded it) only says "Bad Request": the
    body's own message is added to the reason.
    """
    response = _response_of(error)
    if response is not None:
        received = response.status_code
        body = redact_body(response.content, response.headers.get("Content-Type"), secrets)
    elif exchanges and exchanges[-1].status is not None:
        received, body = exchanges[-1].status, exchanges[-1].response_body
    else:
        return result
    body = body if isinstance(body, str) or body is None else str(body)
    reason = result.reason
    message = body_message(body) if type(error) is HTTPError else None
    if message and message not in reason:
        reason = f"{reason}: {message}"
    return replace(result, received_status=received, response_body=_cut(body), reason=reason)


def _response_of(error: BaseException) -> requests.Response | None:
    """The HTTP response an error (or an error it was raised from) carries."""
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        response = getattr(current, "response", None)
        if isinstance(response, requests.Response):
            return response
        current = current.__cause__ or current.__context__
    return None


def _cut(body: str | None) -> str | None:
    if body is None or len(body) <= MAX_RESULT_BODY:
        return body
    return body[:MAX_RESULT_BODY] + f"... [{len(body) - MAX_RESULT_BODY} more characters]"


def _cannot_refresh(result: SubscriptionResult, definition: DestinationDefinition) -> SubscriptionResult:
    """A refused credential that cannot be refreshed will be refused again: terminal."""
    scheme = definition.authentication.scheme if definition.authentication else "none"
    reason = f"{result.reason} (the credentials were refused and {scheme!r} authentication cannot refresh them)"
    return replace(result, resolution=Resolution.TERMINAL, reason=reason)


def _refresh_failed(result: SubscriptionResult, error: BaseException) -> SubscriptionResult:
    return replace(
        result,
        resolution=resolution_for(error),
        reason=f"the token refresh failed: {error}",
        error_code=getattr(error, "code", None) or result.error_code,
        http_status=status_of(error) or result.http_status,
    )


def _refused_again(result: SubscriptionResult) -> SubscriptionResult:
    """After a fresh token, a second refusal means the credential itself is bad: terminal."""
    if result.resolution is Resolution.REFRESH_THEN_RETRY:
        reason = f"{result.reason} (refused again with a freshly refreshed token)"
        return replace(result, resolution=Resolution.TERMINAL, reason=reason)
    return result


def _exchanges(client: Any) -> tuple[Any, ...]:
    return tuple(getattr(client, "exchanges", ())) if client is not None else ()


def _output(output: Any) -> Any:
    """What perform returned; a Response becomes its parsed body, as in Segment."""
    if isinstance(output, requests.Response):
        return getattr(output, "data", None) if getattr(output, "data", None) is not None else output.text
    return output


def _explain(sub: CompiledSubscription, event: Any) -> SubscriptionExplanation:
    base = SubscriptionExplanation(
        sub.label, sub.action_slug, sub.index, sub.enabled, sub.subscribe, matched=False, reason=None
    )
    problem = _event_problem(event)
    if problem is not None:
        return replace(base, error=problem)
    try:
        reason = sub.trigger.explain(event)
        fields = tuple(sub.compiled_mapping.explain(event))
    except Exception as error:  # explain must answer for any event, like send
        return replace(base, error=f"the event could not be evaluated: {error}")
    return replace(base, matched=reason is None, reason=reason, fields=fields)
