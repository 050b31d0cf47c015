"""How the engine will deliver a subscription's jobs, in one sentence: for ``actions explain``.

One call per event, merged per record (the action's ``RecordMerging``, unless ``[delivery]
merge_updates = false``), or batched through ``perform_batch`` (``enable_batching``). Which events
actually were merged is in the run report and each ``DeliveryOutcome`` (``merged_with``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from framework.delivery.merge_delivery import merging_policy
from framework.runtime import batching_config

if TYPE_CHECKING:
    from framework.instance import DestinationInstance
    from framework.runtime import CompiledSubscription

__all__ = ["delivery_mode_text"]


def delivery_mode_text(instance: DestinationInstance, sub: CompiledSubscription) -> str:
    """The sentence for ``sub`` of ``instance`` (see the module)."""
    batching = batching_config(sub)
    if batching.enabled:
        keys = f", split by {', '.join(batching.keys)}" if batching.keys else ""
        return (
            f"batched: up to {batching.size} queued events per perform_batch call{keys}; each event is "
            "settled by its own item"
        )
    policy = merging_policy(sub, instance.delivery.merge_updates)
    if policy is not None:
        barrier = f", never across a change of {policy.identity_change}" if policy.identity_change else ""
        return f"merged: a user's queued updates of one record (same {policy.identity}) go as one call{barrier}"
    declared = getattr(sub.action, "record_merging", None)
    if declared is not None and declared.safe:
        return "one call per event (merging is switched off: [delivery] merge_updates = false)"
    return "one call per event"
