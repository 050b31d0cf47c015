"""The runtime: one event through one destination instance, one result per subscription.

``Pipeline`` runs an event through compiled subscriptions (trigger → mapping → payload validation →
perform) and returns a :class:`SubscriptionResult` for each; ``DestinationInstance.send`` is the usual
way in. Nothing an event contains can crash it: malformed events, mappings that fail and destination
errors all come back as results.
"""

from framework.runtime.async_batch import AsyncBatch, PendingBatch, StillRunning
from framework.runtime.batch import (
    BatchingConfig,
    BatchRun,
    PollRun,
    batch_groups,
    batching_config,
    poll_batch,
    run_batch,
)
from framework.runtime.client import build_request_client
from framework.runtime.credentials import Credentials, credential_key
from framework.runtime.event_shape import event_problem
from framework.runtime.multistatus import ItemError, ItemNotTried, ItemSuccess, MultiStatusResponse
from framework.runtime.pipeline import Pipeline
from framework.runtime.results import SubscriptionExplanation, SubscriptionResult, SubscriptionStatus
from framework.runtime.subscription import CompiledSubscription

__all__ = [
    "Pipeline",
    "SubscriptionResult",
    "SubscriptionStatus",
    "SubscriptionExplanation",
    "CompiledSubscription",
    "Credentials",
    "credential_key",
    "build_request_client",
    "event_problem",
    "AsyncBatch",
    "StillRunning",
    "PendingBatch",
    "BatchingConfig",
    "BatchRun",
    "PollRun",
    "batching_config",
    "batch_groups",
    "run_batch",
    "poll_batch",
    "MultiStatusResponse",
    "ItemSuccess",
    "ItemError",
    "ItemNotTried",
]
