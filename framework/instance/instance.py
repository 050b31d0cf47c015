"""A configured destination instance: a destination, its settings and up to 50 compiled subscriptions.

Loading checks everything (see ``compiler``) and compiles triggers and mappings once; ``send`` then
runs each event through the runtime's ``Pipeline`` on one pooled ``requests.Session``. Settings and
tokens are never shown: not in ``repr``, not in errors, not in logs.

>>> instance = DestinationInstance.from_file("fixtures/instances/pardot.toml")   # doctest: +SKIP
>>> [r.status.value for r in instance.send({"type": "identify", "traits": {"email": "a@b.co"}})]  # doctest: +SKIP
['delivered', 'filtered']
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
import os
from collections.abc import Callable, Collection, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import requests

from framework.http.direct import DirectAdapter
from framework.instance.account_key import account_key_of
from framework.instance.compiler import CompiledInstance, compile_instance
from framework.instance.config import InstanceConfig
from framework.instance.problems import InstanceConfigError, LineFinder, Problems
from framework.instance.saved_hooks import with_hooks_saved_beside
from framework.instance.sources import config_from_segment_settings, read_config_file
from framework.runtime import (
    BatchRun,
    CompiledSubscription,
    Credentials,
    Pipeline,
    SubscriptionExplanation,
    SubscriptionResult,
    run_batch,
)

if TYPE_CHECKING:
    from framework.auth import OAuthTokens, TokenStore
    from framework.definition import DestinationDefinition

__all__ = ["DestinationInstance"]

log = logging.getLogger("framework.instance")
TokenCallback = Callable[["OAuthTokens"], None]
_POOL_SIZE = 16  # connections kept per host: at least the concurrency limit, else they are discarded


class DestinationInstance:
    """A destination with its settings and subscriptions, checked and compiled, ready for events.

    Build one with :meth:`from_file` (Segment settings JSON or TOML), :meth:`from_settings` (Segment's
    settings dict) or the constructor (subscriptions as ``{name, subscribe, action, mapping, enabled,
    use_default_mappings}`` dicts). Any problem raises ``InstanceConfigError`` listing all of them.
    """

    def __init__(
        self,
        definition: DestinationDefinition | str,
        settings: Mapping[str, Any] | None = None,
        subscriptions: Sequence[Mapping[str, Any]] = (),
        *,
        auth: Mapping[str, Any] | OAuthTokens | None = None,
        endpoint: str | None = None,
        session: requests.Session | None = None,
        token_store: TokenStore | None = None,
        on_token_refresh: TokenCallback | None = None,
    ) -> None:
        slug, given = _split(definition)
        config = InstanceConfig(
            destination=slug or "",
            settings=dict(settings or {}),
            auth=_auth_dict(auth),
            subscriptions=[dict(s) for s in subscriptions],
            endpoint=endpoint,
        )
        self._load(_Loading(config, Problems(), given), _Wiring(session, token_store, on_token_refresh))

    @classmethod
    def from_settings(
        cls,
        settings: Mapping[str, Any],
        destination: DestinationDefinition | str | None = None,
        *,
        endpoint: str | None = None,
        session: requests.Session | None = None,
        token_store: TokenStore | None = None,
        on_token_refresh: TokenCallback | None = None,
    ) -> DestinationInstance:
        """An instance from Segment's settings JSON as Segment stores it (mappings used as given)."""
        slug, given = _split(destination)
        problems = Problems()
        config = _with_endpoint(config_from_segment_settings(settings, slug, problems=problems), endpoint)
        self = cls.__new__(cls)
        self._load(_Loading(config, problems, given), _Wiring(session, token_store, on_token_refresh))
        return self

    @classmethod
    def from_file(
        cls,
        path: str | os.PathLike[str],
        *,
        destination: DestinationDefinition | str | None = None,
        endpoint: str | None = None,
        session: requests.Session | None = None,
        token_store: TokenStore | None = None,
        on_token_refresh: TokenCallback | None = None,
    ) -> DestinationInstance:
        """An instance from a Segment settings JSON file or the TOML form (chosen by suffix or content).

        ``destination`` names the destination of a JSON file (else detected from its settings) or overrides
        a TOML file's; ``endpoint`` overrides the file's (to point it at an emulator).
        """
        slug, given = _split(destination)
        loaded = read_config_file(path, slug)
        config = with_hooks_saved_beside(_with_endpoint(loaded.config, endpoint), path)
        loading = _Loading(config, loaded.problems, given, loaded.source, loaded.line_for)
        self = cls.__new__(cls)
        self._load(loading, _Wiring(session, token_store, on_token_refresh))
        return self

    def _load(self, loading: _Loading, wiring: _Wiring) -> None:
        """Check and compile (raising every problem at once), then wire the pipeline."""
        compiled = compile_instance(loading.config, loading.problems, loading.definition)
        loading.problems.raise_if_any(loading.source, loading.line_for)
        if compiled is None:  # unreachable: no compiled instance means problems were raised above
            raise InstanceConfigError(["the instance could not be compiled"], loading.source)
        self._compiled: CompiledInstance = compiled
        self.source = loading.source
        self.id = loading.config.id or derived_instance_id(compiled, loading.source)
        self.delivery = loading.config.delivery
        self.endpoint = loading.config.endpoint
        self._owns_session = wiring.session is None
        self.session = wiring.session if wiring.session is not None else _pooled_session(compiled.definition)
        self.credentials = Credentials(
            compiled.definition,
            compiled.settings,
            compiled.auth,
            session=self.session,
            endpoint=self.endpoint,
            token_store=wiring.token_store,
            on_token_refresh=wiring.on_token_refresh,
        )
        for warning in compiled.warnings:
            log.warning("%s%s", f"{self.source}: " if self.source else "", warning)
        self._pipeline = Pipeline(
            compiled.definition,
            compiled.settings,
            compiled.subscriptions,
            self.credentials,
            session=self.session,
            endpoint=self.endpoint,
        )

    # -- what users call ---------------------------------------------------------------------------

    def send(
        self, event: Any, *, only: Collection[int] | None = None, filtered_reasons: bool = True
    ) -> list[SubscriptionResult]:
        """Run ``event`` through every enabled subscription: one result each, in config order.

        ``only`` (subscription indexes, as in ``SubscriptionResult.index``) re-runs just those, so a
        retry of the subscriptions that failed never sends the delivered ones again.
        ``filtered_reasons=False`` leaves filtered results without their reason (see ``Pipeline.send``).
        """
        return self._pipeline.send(event, only=only, filtered_reasons=filtered_reasons)

    def run_subscription(
        self, subscription: int, event: Any, *, mapping: Mapping[str, Any] | None = None
    ) -> SubscriptionResult:
        """``event`` through the subscription at index ``subscription`` alone, enabled or not.

        This is the path a worker takes for one job. ``mapping`` replaces the subscription's mapping
        for this call only (the console's "retry with an edited mapping" previews and sends that way).
        """
        return self._pipeline.run(self._subscription(subscription, mapping), event)

    def send_batch(
        self, subscription: int, events: Sequence[Any], *, mapping: Mapping[str, Any] | None = None
    ) -> BatchRun:
        """``events`` through one subscription's ``perform_batch`` at once: one result per event, in order."""
        return run_batch(self._pipeline, self._subscription(subscription, mapping), events)

    def _subscription(self, index: int, mapping: Mapping[str, Any] | None) -> CompiledSubscription:
        """The subscription at ``index`` (as in ``SubscriptionResult.index``), maybe with another mapping."""
        from framework.mapping import compile_mapping

        found = next((sub for sub in self._pipeline.subscriptions if sub.index == index), None)
        if found is None:
            raise IndexError(f"{self.id} has no subscription {index} (it has {len(self._pipeline.subscriptions)})")
        if mapping is None:
            return found
        return dataclasses.replace(found, mapping=dict(mapping), compiled_mapping=compile_mapping(dict(mapping)))

    def explain(self, event: Any) -> list[SubscriptionExplanation]:
        """Each subscription's trigger verdict and each mapped field's value and source, sending nothing."""
        return self._pipeline.explain(event)

    @property
    def account_key(self) -> str:
        """The destination account this instance's requests count against (its concurrency limit)."""
        return account_key_of(self.definition, self._compiled.settings, self.id)

    @property
    def definition(self) -> DestinationDefinition:
        """The destination this instance sends to."""
        return self._compiled.definition

    @property
    def destination(self) -> str:
        """The destination's slug."""
        return self.definition.slug or self.definition.name

    @property
    def subscriptions(self) -> tuple[CompiledSubscription, ...]:
        """The compiled subscriptions, in config order (disabled ones included)."""
        return self._compiled.subscriptions

    @property
    def settings(self) -> dict[str, Any]:
        """A copy of the checked settings (coerced, unknown keys dropped). May hold secrets: do not print."""
        return dict(self._compiled.settings)

    @property
    def token_store(self) -> TokenStore:
        """Where refreshed OAuth tokens are kept."""
        return self.credentials.store

    @property
    def warnings(self) -> tuple[str, ...]:
        """Things that load but are probably mistakes (a mapping key the action has no field for)."""
        return self._compiled.warnings

    def close(self) -> None:
        """Release pooled connections (only those of a session this instance created)."""
        if self._owns_session:
            self.session.close()

    def __enter__(self) -> DestinationInstance:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __repr__(self) -> str:
        enabled = sum(1 for s in self.subscriptions if s.enabled)
        endpoint = f", endpoint={self.endpoint!r}" if self.endpoint else ""
        return (
            f"<DestinationInstance {self.destination}: {len(self.subscriptions)} subscriptions "
            f"({enabled} enabled){endpoint}>"
        )


@dataclasses.dataclass(frozen=True)
class _Loading:
    """A config on its way in: what was read, problems so far, and where to point messages."""

    config: InstanceConfig
    problems: Problems
    definition: DestinationDefinition | None = None
    source: str | None = None
    line_for: LineFinder | None = None


@dataclasses.dataclass(frozen=True)
class _Wiring:
    """How an instance talks to the world: its session and where refreshed tokens go."""

    session: requests.Session | None = None
    token_store: TokenStore | None = None
    on_token_refresh: TokenCallback | None = None


def derived_instance_id(compiled: CompiledInstance, source: str | None) -> str:
    """A stable id for an instance whose config names none: the slug and a digest of what identifies it.

    The digest covers the settings that are not secrets and the config file's name (else the
    subscriptions' names and actions), so editing a mapping or rotating a token keeps the id (and the
    queued jobs), while two config files for one account get two ids. Set ``id`` to pin it.
    """
    definition = compiled.definition
    secret_keys = {
        key
        for key, field in (definition.authentication.fields if definition.authentication else {}).items()
        if field.type == "password"
    }
    public = {key: value for key, value in compiled.settings.items() if key not in secret_keys}
    origin: Any = Path(source).stem if source else [(sub.name, sub.action_slug) for sub in compiled.subscriptions]
    material = json.dumps([public, origin], sort_keys=True, default=str)
    return f"{definition.slug}-{hashlib.sha256(material.encode()).hexdigest()[:10]}"


def _split(destination: DestinationDefinition | str | None) -> tuple[str | None, DestinationDefinition | None]:
    """A destination given by slug or as a definition: (slug, definition-if-given)."""
    if destination is None or isinstance(destination, str):
        return destination, None
    return destination.slug, destination


def _with_endpoint(config: InstanceConfig, endpoint: str | None) -> InstanceConfig:
    return config if endpoint is None else config.model_copy(update={"endpoint": endpoint})


def _auth_dict(auth: Mapping[str, Any] | OAuthTokens | None) -> dict[str, Any] | None:
    """Tokens given to the constructor, as the config's ``auth`` table (keys with values only)."""
    if auth is None:
        return None
    items = auth.items() if isinstance(auth, Mapping) else dataclasses.asdict(auth).items()
    return {key: value for key, value in items if value is not None}


def _pooled_session(definition: DestinationDefinition) -> requests.Session:
    """One session per instance, so every event reuses the same kept-alive connections.

    Each host keeps as many connections as the destination may have requests in flight (at least
    `_POOL_SIZE`): a pool smaller than the concurrency discards a connection after each request.
    """
    session = requests.Session()
    size = max(_POOL_SIZE, definition.concurrency_limit or 0)
    adapter = DirectAdapter(pool_connections=_POOL_SIZE, pool_maxsize=size)
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    return session
