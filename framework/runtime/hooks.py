"""Running an instance's action hooks and keeping what they saved: the logic behind ``actions hooks run``.

A hook's inputs come from the subscription's mapping (``mapping["onMappingSave"]["inputs"]``, as
Segment stores them), are checked against the hook's ``input_fields``, and ``perform_hook`` runs on a
request client built as for ``perform``. Its ``saved_data`` becomes the hook's outputs.

The outputs are written to a file beside the instance (``fixtures/instances/x.toml`` →
``fixtures/instances/x.hooks.json``): an instance file is the user's, hand-written and commented,
and a command must not rewrite it; and running hooks on every load would create a list on every
worker start. :func:`with_saved_hooks` puts the saved outputs back into a mapping, where ``perform``
finds them as Segment's ``hookOutputs``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from framework.definition.hooks import HookResult
from framework.definition.inputs import ExecuteInput
from framework.definition.validator import compile_payload_validator
from framework.errors import PayloadValidationError
from framework.http import redact_text
from framework.runtime.client import build_request_client, secrets_of

if TYPE_CHECKING:
    import requests

    from framework.definition import DestinationDefinition
    from framework.runtime.subscription import CompiledSubscription

__all__ = [
    "HookRun",
    "run_hook",
    "run_subscription_hooks",
    "saved_hooks_path",
    "write_saved_hooks",
    "read_saved_hooks",
    "with_saved_hooks",
]


@dataclass(frozen=True)
class HookRun:
    """One hook of one subscription: what it was given and what it answered."""

    subscription: str
    hook: str
    inputs: dict[str, Any]
    result: HookResult

    @property
    def saved(self) -> dict[str, Any]:
        """What the mapping keeps under the hook's key (Segment's shape)."""
        return {"inputs": self.inputs, "outputs": self.result.saved_data}


def run_hook(
    definition: DestinationDefinition,
    action_key: str,
    hook_type: str,
    inputs: Mapping[str, Any],
    *,
    settings: dict[str, Any],
    auth: Any,
    session: requests.Session,
    endpoint: str | None = None,
) -> HookResult:
    """One hook with these inputs: its result, or a ``HookResult`` with the error (inputs invalid, hook raised)."""
    action = definition.action(action_key)
    hook = action.hooks.get(hook_type)
    if hook is None:
        raise LookupError(
            f"{definition.name}: action {action_key!r} has no hook {hook_type!r} (hooks: {', '.join(action.hooks) or 'none'})."
        )
    try:
        checked = (
            compile_payload_validator(hook.input_fields, f"{hook.label} inputs")(dict(inputs))
            if hook.input_fields
            else dict(inputs)
        )
    except PayloadValidationError as error:
        return HookResult(error=f"the inputs of hook {hook_type!r} are invalid: {error.message}")
    data = ExecuteInput(payload=None, settings=dict(settings), auth=auth, hook_inputs=checked)
    try:
        answer = hook.perform_hook(build_request_client(definition, session, data, endpoint), data)
    except Exception as error:  # shown to the user, without secrets
        return HookResult(error=redact_text(str(error) or type(error).__name__, secrets_of(definition, settings, auth)))
    if not isinstance(answer, HookResult):
        return HookResult(error=f"hook {hook_type!r} returned {type(answer).__name__}, not HookResult")
    return answer


def run_subscription_hooks(
    definition: DestinationDefinition,
    subscriptions: tuple[CompiledSubscription, ...],
    *,
    settings: dict[str, Any],
    auth: Any,
    session: requests.Session,
    endpoint: str | None = None,
) -> list[HookRun]:
    """Every hook of every subscription whose action has hooks, in config order."""
    runs = []
    for sub in subscriptions:
        for hook_type in sub.action.hooks:
            saved = sub.mapping.get(hook_type)
            inputs = dict(saved.get("inputs") or {}) if isinstance(saved, Mapping) else {}
            result = run_hook(
                definition,
                sub.action_slug,
                hook_type,
                inputs,
                settings=settings,
                auth=auth,
                session=session,
                endpoint=endpoint,
            )
            runs.append(HookRun(sub.label, hook_type, inputs, result))
    return runs


def saved_hooks_path(instance_path: str | Path) -> Path:
    """Where an instance's hook outputs are kept: beside it, ``NAME.hooks.json``."""
    path = Path(instance_path)
    return path.with_name(f"{path.stem}.hooks.json")


def write_saved_hooks(instance_path: str | Path, runs: list[HookRun]) -> Path:
    """Write the successful runs' outputs (``{subscription: {hook: {inputs, outputs}}}``); failed ones are left out."""
    saved: dict[str, dict[str, Any]] = {}
    for run in runs:
        if run.result.error is None:
            saved.setdefault(run.subscription, {})[run.hook] = run.saved
    target = saved_hooks_path(instance_path)
    target.write_text(json.dumps(saved, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return target


def read_saved_hooks(instance_path: str | Path) -> dict[str, dict[str, Any]]:
    """The saved outputs beside an instance, ``{}`` when its hooks were never run."""
    target = saved_hooks_path(instance_path)
    if not target.exists():
        return {}
    saved = json.loads(target.read_text(encoding="utf-8"))
    if not isinstance(saved, dict):
        raise ValueError(f"{target}: should hold an object of subscriptions, as `actions hooks run` writes it.")
    return saved


def with_saved_hooks(mapping: Mapping[str, Any], saved: Mapping[str, Any]) -> dict[str, Any]:
    """The mapping with a subscription's saved hook results in place (they win over the mapping's own)."""
    return {**mapping, **saved}
