"""Hook outputs saved beside an instance file (``NAME.hooks.json``, written by ``actions hooks run``),
put back into their subscriptions' mappings when the file loads.

Segment stores an ``onMappingSave`` hook's inputs and outputs inside the saved mapping; here they live
in a file of their own, so re-running a hook (which has side effects: it creates a list) is a deliberate
command and the hand-written instance file is never rewritten. Loading puts each subscription's saved
hooks under their hook keys, where ``perform`` reads them as ``data.hook_outputs``.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from framework.instance.config import InstanceConfig
from framework.instance.problems import InstanceConfigError
from framework.runtime.hooks import read_saved_hooks, saved_hooks_path, with_saved_hooks

__all__ = ["with_hooks_saved_beside"]


def with_hooks_saved_beside(config: InstanceConfig, instance_path: str | os.PathLike[str]) -> InstanceConfig:
    """``config`` with the hook outputs saved beside ``instance_path`` merged in (unchanged when none are)."""
    instance_path = Path(instance_path)
    try:
        saved = read_saved_hooks(instance_path)
    except ValueError as error:
        message = f"{error} Run `actions hooks run --instance {instance_path}` again."
        raise InstanceConfigError([message], str(instance_path)) from None
    if not saved:
        return config
    subscriptions = [_with_saved(index, raw, saved) for index, raw in enumerate(config.subscriptions)]
    unknown = set(saved) - {_label(index, raw) for index, raw in enumerate(config.subscriptions)}
    if unknown:
        message = (
            f"{saved_hooks_path(instance_path)}: holds hook outputs for {', '.join(sorted(unknown))}, which "
            f"{instance_path} no longer has; run `actions hooks run --instance {instance_path}` again."
        )
        raise InstanceConfigError([message], str(instance_path))
    return config.model_copy(update={"subscriptions": subscriptions})


def _with_saved(index: int, raw: Any, saved: dict[str, dict[str, Any]]) -> Any:
    hooks = saved.get(_label(index, raw))
    if not hooks or not isinstance(raw, dict) or not isinstance(raw.get("mapping", {}), dict):
        return raw  # a malformed subscription is reported by the compiler, where it is
    return {**raw, "mapping": with_saved_hooks(raw.get("mapping", {}), hooks)}


def _label(index: int, raw: Any) -> str:
    """The key ``actions hooks run`` saves a subscription's hooks under: its name, else ``subscriptions[i]``."""
    name = raw.get("name") if isinstance(raw, dict) else None
    return name if isinstance(name, str) and name else f"subscriptions[{index}]"
