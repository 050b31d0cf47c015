"""The ``*2`` actions (``purchase2`` … ``custom2``): Segment's second versions, each its first plus a sync mode.

Segment added them so the UI can show "How to sync records"; the only mode is ``add`` (insert), and
the fields, trigger and request are the first version's. The kit checks the mapping's mode before
``perform`` (a mode other than ``add`` is invalid, docs/divergences.md), so each perform is the
first version's, unchanged.
"""

from __future__ import annotations

from framework.definition import ActionDefinition
from framework.definition.sync_modes import SyncModeChoice, SyncModeDefinition

__all__ = ["INSERT_ONLY", "second_version"]

INSERT_ONLY = SyncModeDefinition(
    label="How to sync records",
    description="Facebook takes each event as a new one: records are only inserted.",
    default="add",
    choices=[SyncModeChoice(label="Insert Records", value="add")],
)


def second_version(first: ActionDefinition) -> ActionDefinition:
    """``first`` titled "… V2" with the insert-only sync mode."""
    return first.model_copy(update={"title": f"{first.title} V2", "sync_mode": INSERT_ONLY})
